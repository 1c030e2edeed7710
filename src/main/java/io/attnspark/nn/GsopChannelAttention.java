package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * GSoP channel attention (GSoP-Net1): a channel gate from the covariance (second-order
 * statistics) of a reduced feature map, through a row-wise grouped conv.
 *
 * <p>Paper: Gao, Xie, Wang, Li, "Global Second-order Pooling Convolutional Networks", <a
 * href="https://arxiv.org/abs/1811.12006">arXiv:1811.12006</a>. Checked against the official
 * ZilinGao/Global-Second-order-Pooling-Convolutional-Networks {@code torchvision/models/resnet.py}
 * (d3a757a7) {@code Bottleneck} with {@code attention='1'} ({@code chan_att}) and {@code
 * MPNCOV.py Covpool}. The official code has no standalone module: this block is the sub-graph
 * {@code out = x * chan_att(x)} applied to the bottleneck's bn3 output before the residual add,
 * with the Bottleneck's attribute names. Options {@code att_dim} (128) and {@code dr_stride}
 * (1; the official code uses 2 when planes <= 64): ReLU (not in place), strided 1x1 conv + BN +
 * ReLU to {@code att_dim}, biased covariance, {@code row_bn}, grouped conv with kernel
 * (att_dim,1), 1x1 conv to C, sigmoid. Initialisation as the official ResNet's: kaiming-normal
 * (fan_out) conv weights, BN weight 1 and bias 0.
 *
 * <p>The official {@code Bottleneck}'s own keyword arguments are accepted too: {@code planes}
 * (then C = 4 * planes and, unless {@code dr_stride} is given, the official {@code DR_stride = 1
 * if planes > 64 else 2}), {@code att_dim}, {@code attention} (only {@code '1'}, the channel mode),
 * and {@code inplanes}, {@code stride}, {@code downsample} (null), which act before the
 * sub-graph and are ignored. {@code DR_stride} is accepted for {@code dr_stride}.
 */
public final class GsopChannelAttention extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("official");

    /** The options this block reads. */
    public static final Set<String> OPTIONS =
            Set.of(
                    "ref", "att_dim", "dr_stride", "DR_stride", "planes", "inplanes", "stride", "downsample",
                    "attention");

    private final int dim;
    private final int drStride;

    /**
     * Creates the block.
     *
     * @param channels input channels (planes * 4 in the official bottleneck)
     * @param options see the class comment
     */
    public GsopChannelAttention(int channels, AttentionOptions options) {
        super(channels);
        options.ref("gsop", REFS);
        dim = Widths.positive("gsop", "att_dim", options.getInt("att_dim", 128), "option att_dim");
        String attention = String.valueOf(options.asMap().getOrDefault("attention", "1"));
        if (!"1".equals(attention)) {
            throw new IllegalArgumentException(
                    "gsop: only attention='1' (GSoP channel attention) is supported, got " + attention);
        }
        Integer planes = options.getIntOrNull("planes");
        if (planes != null && 4L * planes != channels) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "gsop: planes %d means %d channels (planes * 4), but the channel count is %d",
                            planes,
                            4L * planes,
                            channels));
        }
        Integer stride = options.getIntOrNull("dr_stride");
        if (stride == null) {
            stride = options.getIntOrNull("DR_stride");
        }
        if (stride == null) {
            stride = planes != null && planes <= 64 ? 2 : 1;
        }
        drStride = Widths.positive("gsop", "dr_stride", stride, "option dr_stride");
        addConv("conv_for_DR", dim, channels, 1, 1, true);
        addBatchNorm("bn_for_DR", dim);
        addBatchNorm("row_bn", dim);
        addConv("row_conv_group", 4L * dim, 1, dim, 1, true);
        addConv("fc_adapt_channels", channels, 4L * dim, 1, 1, true);
        for (String conv : List.of("conv_for_DR", "row_conv_group", "fc_adapt_channels")) {
            setInit(conv + ".weight", TorchInit.kaimingNormal(true));
        }
    }

    /** {@inheritDoc} */
    @Override
    public String getReference() {
        return "official";
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(Pass pass, NDList inputs) {
        NDArray x = inputs.head();
        long b = x.getShape().get(0);
        NDArray h = pass.conv(Activation.relu(x), "conv_for_DR", drStride, 0, 0, 1, 1);
        h = Activation.relu(pass.batchNorm(h, "bn_for_DR"));
        NDArray f = h.reshape(b, dim, -1);
        long m = f.getShape().get(2);
        // h I_hat h^T with I_hat = I/M - 11^T/M^2 is the biased covariance of the centred rows
        NDArray c = f.sub(f.mean(new int[] {2}, true));
        NDArray cov = Autocast.matMul(c, c.transpose(0, 2, 1)).div((float) m).reshape(b, dim, dim, 1);
        cov = pass.batchNorm(cov, "row_bn");
        NDArray z = pass.conv(cov, "row_conv_group", new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), dim);
        return x.mul(Activation.sigmoid(pass.conv(z, "fc_adapt_channels")));
    }
}
