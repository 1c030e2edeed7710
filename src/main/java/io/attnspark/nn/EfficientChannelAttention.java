package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import java.util.List;
import java.util.Set;

/**
 * ECA: a channel gate from a 1-D convolution across the globally pooled channels (no reduction).
 *
 * <p>Paper: Wang et al., "ECA-Net: Efficient Channel Attention for Deep Convolutional Neural
 * Networks", <a href="https://arxiv.org/abs/1910.03151">arXiv:1910.03151</a>. Checked against:
 *
 * <ul>
 *   <li>{@code ref=official} (default): BangguWu/ECANet {@code models/eca_module.py eca_layer}: the
 *       caller gives {@code k_size} (3); the official ResNets never compute the paper's adaptive k.
 *   <li>{@code ref=timm}: huggingface/pytorch-image-models {@code timm/layers/eca.py EcaModule}:
 *       {@code k = max(odd_up(int(|log2(C) + beta| / gamma)), 3)} with {@code gamma} 2, {@code
 *       beta} 1; an explicit {@code kernel_size} without the channel keyword is used as given.
 * </ul>
 *
 * Both: {@code conv.weight [1,1,k]}, no bias, zero padding {@code (k-1)/2}, cross-correlation.
 * timm's {@code rd_*} options only size its optional MLP ({@code use_mlp}, not supported) and are
 * accepted and ignored.
 */
public final class EfficientChannelAttention extends AttentionBlock {

    /** The reference variants, default first. */
    public static final List<String> REFS = List.of("official", "timm");

    /** The options this block reads (plus the channel keywords {@code channel}/{@code channels}). */
    public static final Set<String> OPTIONS =
            Set.of(
                    "ref", "k_size", "kernel_size", "gamma", "beta", "channel", "channels", "rd_ratio",
                    "rd_channels", "rd_divisor");

    private final String ref;
    private final int kernel;

    /**
     * Creates the block.
     *
     * @param channels input channels
     * @param options see the class comment
     */
    public EfficientChannelAttention(int channels, AttentionOptions options) {
        super(channels);
        ref = options.ref("eca", REFS);
        if ("timm".equals(ref)) {
            if (options.has("kernel_size") && !options.has("channels")) {
                kernel = options.getInt("kernel_size", 3);
            } else {
                kernel = adaptiveKernel(channels, options.getDouble("gamma", 2), options.getDouble("beta", 1));
            }
        } else {
            kernel = options.getInt("k_size", 3);
        }
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("eca: kernel size must be odd and positive, got " + kernel);
        }
        addTensor("conv.weight", Parameter.Type.WEIGHT, TorchInit.defaultWeight(), 1, 1, kernel);
    }

    /**
     * timm's adaptive kernel size.
     *
     * @param channels the channel count
     * @param gamma the paper's gamma (2)
     * @param beta the paper's b (1)
     * @return the odd kernel size, at least 3
     */
    public static int adaptiveKernel(int channels, double gamma, double beta) {
        int t = (int) (Math.abs(Math.log(channels) / Math.log(2) + beta) / gamma);
        return Math.max(t % 2 == 1 ? t : t + 1, 3);
    }

    /**
     * The kernel size in use.
     *
     * @return k
     */
    public int getKernelSize() {
        return kernel;
    }

    /** {@inheritDoc} */
    @Override
    public String getReference() {
        return ref;
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(Pass pass, NDList inputs) {
        NDArray x = inputs.head();
        long b = x.getShape().get(0);
        NDArray y = spatialMean(x).reshape(x.getShape().get(0), channels).reshape(b, 1, channels);
        y =
                Conv1d.conv1d(
                                y,
                                pass.get("conv.weight"),
                                null,
                                new Shape(1),
                                new Shape((kernel - 1) / 2),
                                new Shape(1),
                                1)
                        .head();
        return x.mul(Activation.sigmoid(y).reshape(b, channels, 1, 1));
    }
}
