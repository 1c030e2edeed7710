package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Selective Kernel convolution: M conv-BN-ReLU paths with growing receptive fields, mixed per
 * channel by a softmax over the paths computed from their pooled sum. Replaces a conv: it can
 * change the channel count ({@code out_channels}) and stride.
 *
 * <p>Paper: Li, Wang, Hu, Yang, "Selective Kernel Networks", <a
 * href="https://arxiv.org/abs/1903.06586">arXiv:1903.06586</a>; the official code (implus/SKNet)
 * is Caffe. Parameter names, shapes and the forward follow huggingface/pytorch-image-models {@code
 * timm/layers/selective_kernel.py SelectiveKernel}: {@code kernel_size} ([3,5]), {@code keep_3x3}
 * (true: kernel k becomes a 3x3 with dilation {@code dilation*(k-1)/2}), padding {@code
 * ((stride-1) + d(k-1))/2}, {@code groups}, {@code stride}, attention width {@code rd_channels}
 * or {@code make_divisible(out*rd_ratio, rd_divisor)} (1/16, 8). {@code ref=official} (default):
 * every path sees the whole input, as in the paper and the Caffe model; {@code ref=timm}: timm's
 * {@code split_input=True}, each path sees its share of the input channels. An explicit {@code
 * split_input} overrides either. {@code act_layer} (ReLU) sets the paths' activation (timm does
 * not pass it to the attention, which keeps ReLU); a list {@code kernel_size} gives one path per
 * entry, a single int k two paths [k, k], as timm.
 */
public final class SelectiveKernel extends AttentionBlock {

    /** The reference variants, default first. */
    public static final List<String> REFS = List.of("official", "timm");

    /** The options this block reads. */
    public static final Set<String> OPTIONS =
            Set.of(
                    "ref", "out_channels", "kernel_size", "stride", "dilation", "groups", "rd_ratio",
                    "rd_channels", "rd_divisor", "keep_3x3", "split_input", "norm_layer", "act_layer");

    private final String ref;
    private final int out;
    private final int paths;
    private final int[] kernels;
    private final int[] dilations;
    private final int stride;
    private final int groups;
    private final boolean split;
    private final int pathIn;
    private final UnaryOperator<NDArray> act;

    /**
     * Creates the block.
     *
     * @param channels input channels ({@code in_channels})
     * @param options see the class comment
     */
    public SelectiveKernel(int channels, AttentionOptions options) {
        super(channels);
        ref = options.ref("sk", REFS, Map.of("paper", "official", "caffe", "official"));
        if (options.has("norm_layer") && !Activations.isBatchNorm("sk", options.asMap().get("norm_layer"))) {
            throw new IllegalArgumentException(
                    "sk: only norm_layer BatchNorm2d (the reference default) is supported, got "
                            + options.asMap().get("norm_layer"));
        }
        act = Activations.of("sk", options, "act_layer", "relu");
        Integer o = options.getIntOrNull("out_channels");
        out = o != null && o > 0 ? o : channels;
        // timm: kernel_size or [3, 5]; a single int k means [k, k]; a list gives one path per entry.
        // _kernel_valid checks only the first entry of a list (k >= 3 and odd).
        Object ksRaw = options.asMap().get("kernel_size");
        List<Integer> ks = options.getIntList("kernel_size", List.of(3, 5));
        if (ks.isEmpty() || (ksRaw != null && !(ksRaw instanceof Collection<?>) && ks.get(0) == 0)) {
            ks = List.of(3, 5);
        }
        if (ks.get(0) < 3 || ks.get(0) % 2 == 0) {
            throw new IllegalArgumentException("sk: kernel_size must be odd and >= 3 (of a list, as in timm, the first entry), got " + ks);
        }
        if (ksRaw != null && !(ksRaw instanceof Collection<?>) && ks.size() == 1) {
            ks = List.of(ks.get(0), ks.get(0));
        }
        paths = ks.size();
        kernels = new int[paths];
        dilations = new int[paths];
        int dilation = options.getInt("dilation", 1);
        boolean keep3x3 = options.getBoolean("keep_3x3", true);
        for (int i = 0; i < paths; i++) {
            kernels[i] = keep3x3 ? 3 : ks.get(i);
            dilations[i] = keep3x3 ? dilation * (ks.get(i) - 1) / 2 : dilation;
        }
        stride = options.getInt("stride", 1);
        split = options.getBoolean("split_input", "timm".equals(ref));
        if (split && channels % paths != 0) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "sk: split_input needs in_channels %d divisible by the %d paths",
                            channels,
                            paths));
        }
        pathIn = split ? channels / paths : channels;
        groups = Math.min(out, options.getInt("groups", 1));
        if (pathIn % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "sk: groups %d must divide the path input %d and out_channels %d",
                            groups,
                            pathIn,
                            out));
        }
        Integer rd = options.getIntOrNull("rd_channels");
        int attn =
                rd != null && rd > 0
                        ? rd
                        : Widths.makeDivisible(
                                out * options.getDouble("rd_ratio", 1.0 / 16), options.getInt("rd_divisor", 8), 0.9);
        for (int i = 0; i < paths; i++) {
            addConv("paths." + i + ".conv", out, pathIn / groups, kernels[i], kernels[i], false);
            addBatchNorm("paths." + i + ".bn", out);
        }
        addConv("attn.fc_reduce", attn, out, 1, 1, false);
        addBatchNorm("attn.bn", attn);
        addConv("attn.fc_select", (long) out * paths, attn, 1, 1, false);
    }

    /** {@inheritDoc} */
    @Override
    public String getReference() {
        return ref;
    }

    private int padding(int i) {
        return ((stride - 1) + dilations[i] * (kernels[i] - 1)) / 2;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkShapes(inputShapes);
        Shape s = inputShapes[0];
        int p = padding(0);
        long span = (long) dilations[0] * (kernels[0] - 1);
        long h = (s.get(2) + 2L * p - span - 1) / stride + 1;
        long w = (s.get(3) + 2L * p - span - 1) / stride + 1;
        return new Shape[] {new Shape(s.get(0), out, h, w)};
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(Pass pass, NDList inputs) {
        NDArray x = inputs.head();
        long b = x.getShape().get(0);
        List<NDArray> us = new ArrayList<>();
        for (int i = 0; i < paths; i++) {
            NDArray xi = split ? x.get(new NDIndex(":, {}:{}", i * pathIn, (i + 1) * pathIn)) : x;
            int p = padding(i);
            NDArray u = pass.conv(xi, "paths." + i + ".conv", stride, p, p, dilations[i], groups);
            us.add(act.apply(pass.batchNorm(u, "paths." + i + ".bn")));
        }
        NDArray u = NDArrays.stack(new NDList(us), 1);
        NDArray z = spatialMean(Autocast.full(u).sum(new int[] {1}));
        z = Activation.relu(pass.batchNorm(pass.conv(z, "attn.fc_reduce"), "attn.bn"));
        NDArray a = Autocast.full(pass.conv(z, "attn.fc_select")).reshape(b, paths, out, 1, 1).softmax(1);
        return Autocast.full(u.mul(a)).sum(new int[] {1});
    }
}
