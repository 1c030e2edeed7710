"""Writes the three TorchScript modules attnspark's bfloat16 autocast casts through.

DJL 0.35's JNI cannot name bfloat16 (its dtype table stops at bool/complex64: converting to an unknown
dtype calls std::terminate), and its NDArray.toType runs under torch::NoGradGuard, so a cast made
through it would cut the autograd graph between a float32 parameter and its bfloat16 copy. A scripted
module run through DJL with isTrain=true is an ordinary, differentiable x.to(dtype).

Run: python3 jobs/torchscript-casts.py  (any PyTorch with TorchScript; the files are committed)
"""
import os
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "main", "resources", "io", "attnspark", "nn")


class ToBFloat16(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.bfloat16)


class ToBFloat16ChannelsLast(torch.nn.Module):
    """For convolution operands: oneDNN computes in NHWC, so an NCHW operand costs a reorder per call."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 4:
            return x.to(torch.bfloat16).contiguous(memory_format=torch.channels_last)
        return x.to(torch.bfloat16)


class ToFloat32(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.float32)


if __name__ == "__main__":
    modules = (
        (ToBFloat16(), "to_bfloat16.pt"),
        (ToBFloat16ChannelsLast(), "to_bfloat16_channels_last.pt"),
        (ToFloat32(), "to_float32.pt"),
    )
    for module, name in modules:
        scripted = torch.jit.script(module)
        x = torch.randn(2, 3, 4, 4, requires_grad=True)
        scripted(x).float().sum().backward()  # differentiable: gradient reaches x
        assert x.grad is not None
        scripted.save(os.path.join(OUT, name))
        print("wrote", name)
