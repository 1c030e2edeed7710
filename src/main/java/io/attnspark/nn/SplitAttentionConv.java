package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * ResNeSt split-attention convolution ({@code SplAtConv2d}): a grouped conv producing {@code
 * radix} splits per cardinal group, mixed by a softmax over the splits (the r-softmax) computed
 * from their pooled sum. Replaces a conv: it sets the output channels, kernel, stride and padding.
 *
 * <p>Paper: Zhang et al., "ResNeSt: Split-Attention Networks", <a
 * href="https://arxiv.org/abs/2004.08955">arXiv:2004.08955</a>. Checked against the official
 * zhanghang1989/ResNeSt {@code resnest/torch/models/splat.py SplAtConv2d} and {@code rSoftMax}
 * (bcfa7c31), eval mode, {@code rectify=False} (or True without padding, where the reference does
 * not rectify either), {@code dropblock_prob=0}. Options with the
 * reference's defaults: {@code channels} (output channels; default here the input channels),
 * {@code kernel_size} (required there; default 3 here), {@code stride} (1), {@code padding} (0),
 * {@code dilation} (1), {@code groups} (cardinality, 1), {@code use_bias} (alias {@code bias}, the
 * reference's name; true: the split conv's bias), {@code radix} (2),
 * {@code reduction_factor} (4; inter channels {@code max(in*radix/rf, 32)}), {@code norm_layer}
 * (none; any of "BatchNorm2d"/"bn"/true adds {@code bn0}/{@code bn1}, as the ResNeSt bottleneck
 * builds it). fc2's outputs are ordered (group, radix, c) and re-ordered to (radix, group, c) by
 * the r-softmax, exactly as the reference's view/transpose.
 */
public final class SplitAttentionConv extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("official");

    /** The options this block reads. */
    public static final Set<String> OPTIONS =
            Set.of(
                    "ref", "channels", "kernel_size", "stride", "padding", "dilation", "groups", "use_bias", "bias",
                    "radix", "reduction_factor", "norm_layer", "rectify", "rectify_avg", "dropblock_prob", "rd_ratio",
                    "rd_channels", "rd_divisor");

    private final int out;
    private final int radix;
    private final int cardinality;
    private final Shape kernel;
    private final Shape stride;
    private final Shape padding;
    private final Shape dilation;
    private final boolean useBn;

    /**
     * Creates the block.
     *
     * @param channels input channels ({@code in_channels})
     * @param options see the class comment
     */
    public SplitAttentionConv(int channels, AttentionOptions options) {
        super(channels);
        options = TimmNames.alias("splat", options, TimmNames.USE_BIAS, "bias");
        options.ref("splat", REFS);
        if (options.getDouble("dropblock_prob", 0) > 0) {
            throw new IllegalArgumentException(
                    "splat: dropblock_prob > 0 is not supported (the reference's DropBlock2D raises too)");
        }
        Integer o = options.getIntOrNull("channels");
        out = o != null ? o : channels;
        radix = options.getInt("radix", 2);
        cardinality = options.getInt("groups", 1);
        kernel = pair(options, TimmNames.KERNEL_SIZE, 3, 1);
        stride = pair(options, "stride", 1, 1);
        padding = pair(options, "padding", 0, 0);
        dilation = pair(options, "dilation", 1, 1);
        // the reference rectifies only when padded: rectify and (padding[0] > 0 or padding[1] > 0)
        if (options.getBoolean("rectify", false) && (padding.get(0) > 0 || padding.get(1) > 0)) {
            throw new IllegalArgumentException("splat: rectify=True with padding (RFConv2d) is not supported");
        }
        useBn = Activations.isBatchNorm("splat", options.asMap().get("norm_layer"));
        if (radix < 1 || cardinality < 1
                || channels % (cardinality * radix) != 0
                || out % cardinality != 0) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "splat: in_channels %d must be divisible by groups*radix %d and channels %d by groups %d",
                            channels,
                            cardinality * radix,
                            out,
                            cardinality));
        }
        // ResNeSt: max(in * radix // reduction_factor, 32); timm's rd_ratio rounds to multiples of 8
        int inter = Math.max(new ReducedWidth("splat", "reduction_factor", 4, true, null, 8).of(channels * radix, options), 32);
        if (inter % cardinality != 0) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "splat: inter channels %d not divisible by groups %d", inter, cardinality));
        }
        addConv(
                "conv",
                (long) out * radix,
                channels / (cardinality * radix),
                kernel.get(0),
                kernel.get(1),
                options.getBoolean(TimmNames.USE_BIAS, true));
        if (useBn) {
            addBatchNorm("bn0", (long) out * radix);
        }
        addConv("fc1", inter, out / cardinality, 1, 1, true);
        if (useBn) {
            addBatchNorm("bn1", inter);
        }
        addConv("fc2", (long) out * radix, inter / cardinality, 1, 1, true);
    }

    /** An int or (rows, columns) option, each at least {@code min}. */
    private static Shape pair(AttentionOptions options, String key, int def, int min) {
        List<Integer> v = options.getIntList(key, List.of(def));
        if (v.isEmpty() || v.size() > 2 || v.stream().anyMatch(x -> x < min)) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "splat: %s must be one or two whole numbers of at least %d, got %s",
                            key, min, v));
        }
        return v.size() == 1 ? new Shape(v.get(0), v.get(0)) : new Shape(v.get(0), v.get(1));
    }

    /** {@inheritDoc} */
    @Override
    public String getReference() {
        return "official";
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkShapes(inputShapes);
        Shape s = inputShapes[0];
        long[] hw = new long[2];
        for (int i = 0; i < 2; i++) {
            hw[i] = (s.get(2 + i) + 2 * padding.get(i) - dilation.get(i) * (kernel.get(i) - 1) - 1) / stride.get(i) + 1;
        }
        return new Shape[] {new Shape(s.get(0), out, hw[0], hw[1])};
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(Pass pass, NDList inputs) {
        NDArray x = inputs.head();
        long b = x.getShape().get(0);
        NDArray h = pass.conv(x, "conv", stride, padding, dilation, cardinality * radix);
        if (useBn) {
            h = pass.batchNorm(h, "bn0");
        }
        h = Activation.relu(h);
        NDArray gap = h;
        if (radix > 1) {
            gap = split(h, 0);
            for (int r = 1; r < radix; r++) {
                gap = gap.add(split(h, r));
            }
        }
        gap = pass.conv(spatialMean(gap), "fc1", new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), cardinality);
        if (useBn) {
            gap = pass.batchNorm(gap, "bn1");
        }
        NDArray att =
                pass.conv(Activation.relu(gap), "fc2", new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), cardinality);
        if (radix == 1) {
            return Activation.sigmoid(att).reshape(b, -1, 1, 1).mul(h);
        }
        att = Autocast.full(att).reshape(b, cardinality, radix, -1).transpose(0, 2, 1, 3).softmax(1).reshape(b, -1, 1, 1);
        NDArray result = split(att, 0).mul(split(h, 0));
        for (int r = 1; r < radix; r++) {
            result = result.add(split(att, r).mul(split(h, r)));
        }
        return result;
    }

    private NDArray split(NDArray t, int r) {
        return t.get(new NDIndex(":, {}:{}", (long) r * out, (long) (r + 1) * out));
    }
}
