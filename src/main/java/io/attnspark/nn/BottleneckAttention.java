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
 * BAM: a channel branch (pooled MLP with BatchNorm1d) and a spatial branch (1x1 reduce, dilated
 * 3x3 convs, 1x1 to one map) combined as {@code x * (1 + sigmoid(Mc * Ms))}.
 *
 * <p>Paper: Park, Woo, Lee, Kweon, "BAM: Bottleneck Attention Module", <a
 * href="https://arxiv.org/abs/1807.06514">arXiv:1807.06514</a>. Checked against the official
 * Jongchan/attention-module {@code MODELS/bam.py BAM} (3a34385, minus its one line that raises
 * NameError): the product {@code Mc * Ms} inside the sigmoid as the code has it (the paper writes a
 * sum). The official channel gate pools with an H x H window, which is global pooling only for
 * square inputs; following the paper's intent this block pools globally by default ({@code
 * channel_pool=global}); {@code channel_pool=official} reproduces the window (it needs H <= W <
 * 2H, else the reference fails too). Options {@code reduction_ratio} (16), {@code num_layers} (1),
 * {@code dilation_conv_num} (2), {@code dilation_val} (4), and {@code kernel_size} (3, odd) of the
 * dilated convs, which the reference fixes at 3 (padded by {@code dilation_val * (k - 1) / 2}).
 */
public final class BottleneckAttention extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("official");

    /** The options this block reads. */
    public static final Set<String> OPTIONS =
            Widths.union(ReducedWidth.TIMM_OPTIONS,
                    "ref", "reduction_ratio", "num_layers", "dilation_conv_num", "dilation_val", "channel_pool",
                    "kernel_size");

    private static final String GC = "channel_att.gate_c.";
    private static final String GS = "spatial_att.gate_s.";

    private final int numLayers;
    private final int dilationConvs;
    private final int dilation;
    private final int kernel;
    private final boolean officialPool;

    /**
     * Creates the block.
     *
     * @param channels input channels ({@code gate_channel})
     * @param options see the class comment
     */
    public BottleneckAttention(int channels, AttentionOptions options) {
        super(channels);
        options.ref("bam", REFS);
        int cr = ReducedWidth.dividing("bam", "reduction_ratio", 16).of(channels, options);
        numLayers = options.getInt("num_layers", 1);
        dilationConvs = options.getInt("dilation_conv_num", 2);
        dilation = options.getInt("dilation_val", 4);
        kernel = TimmNames.oddKernelSize("bam", options, 3);
        String pool = options.getString("channel_pool", "global");
        if (!List.of("global", "official").contains(pool)) {
            throw new IllegalArgumentException(
                    "bam: unknown channel_pool '" + pool + "'; valid: global, official");
        }
        officialPool = "official".equals(pool);
        long in = channels;
        for (int i = 0; i < numLayers; i++) {
            addLinear(GC + "gate_c_fc_" + i, cr, in, true);
            addBatchNorm(GC + "gate_c_bn_" + (i + 1), cr);
            in = cr;
        }
        addLinear(GC + "gate_c_fc_final", channels, in, true);
        addConv(GS + "gate_s_conv_reduce0", cr, channels, 1, 1, true);
        addBatchNorm(GS + "gate_s_bn_reduce0", cr);
        for (int i = 0; i < dilationConvs; i++) {
            addConv(GS + "gate_s_conv_di_" + i, cr, cr, kernel, kernel, true);
            addBatchNorm(GS + "gate_s_bn_di_" + i, cr);
        }
        addConv(GS + "gate_s_conv_final", 1, cr, 1, 1, true);
    }

    /** {@inheritDoc} */
    @Override
    public String getReference() {
        return "official";
    }

    /** {@inheritDoc} */
    @Override
    protected void checkShapes(Shape... shapes) {
        super.checkShapes(shapes);
        long h = shapes[0].get(2);
        long w = shapes[0].get(3);
        if (officialPool && !(h <= w && w < 2 * h)) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "BAM with channel_pool=official pools an HxH window and needs H <= W < 2H, got shape %s",
                            shapes[0]));
        }
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(Pass pass, NDList inputs) {
        NDArray x = inputs.head();
        Shape s = x.getShape();
        long b = s.get(0);
        NDArray pooled = officialPool ? x.get(new NDIndex(":, :, :, 0:{}", s.get(2))) : x;
        NDArray v = spatialMean(pooled).reshape(b, channels);
        for (int i = 0; i < numLayers; i++) {
            v = Activation.relu(pass.batchNorm(pass.linear(v, GC + "gate_c_fc_" + i), GC + "gate_c_bn_" + (i + 1)));
        }
        NDArray mc = pass.linear(v, GC + "gate_c_fc_final").reshape(b, channels, 1, 1);
        NDArray h =
                Activation.relu(
                        pass.batchNorm(pass.conv(x, GS + "gate_s_conv_reduce0"), GS + "gate_s_bn_reduce0"));
        int pad = dilation * (kernel - 1) / 2;
        for (int i = 0; i < dilationConvs; i++) {
            h = pass.conv(h, GS + "gate_s_conv_di_" + i, 1, pad, pad, dilation, 1);
            h = Activation.relu(pass.batchNorm(h, GS + "gate_s_bn_di_" + i));
        }
        NDArray ms = pass.conv(h, GS + "gate_s_conv_final");
        return Activation.sigmoid(mc.mul(ms)).add(1f).mul(x);
    }
}
