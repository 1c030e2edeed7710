package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Squeeze-and-Excitation: a channel gate from globally pooled features through a bottleneck MLP.
 *
 * <p>Paper: Hu, Shen, Sun, "Squeeze-and-Excitation Networks", <a
 * href="https://arxiv.org/abs/1709.01507">arXiv:1709.01507</a>. Original code (Caffe):
 * hujie-frank/SENet. Checked against:
 *
 * <ul>
 *   <li>{@code ref=timm} (default): huggingface/pytorch-image-models {@code
 *       timm/layers/squeeze_excite.py SEModule}: 1x1 convs {@code fc1}/{@code fc2} with bias (as
 *       the Caffe prototxt), reduced width {@code make_divisible(C*rd_ratio, rd_divisor,
 *       round_limit=0)}; options {@code rd_ratio} (1/16), {@code rd_channels}, {@code
 *       rd_divisor} (8), {@code add_maxpool}, {@code use_bias} (alias {@code bias}, timm's own
 *       name; true), {@code norm_layer} (none; {@code "BatchNorm2d"} adds {@code bn} after fc1),
 *       {@code act_layer} (relu), {@code gate_layer} (sigmoid; also {@code hard_sigmoid} etc., see
 *       {@link Activations}).
 *   <li>{@code ref=selayer}: moskomule/senet.pytorch {@code senet/se_module.py SELayer}: Linear
 *       {@code fc.0}/{@code fc.2} without bias, reduced width {@code C // reduction}; option
 *       {@code reduction} (16). Its ReLU, sigmoid and bias-free layers are fixed: {@code act_layer},
 *       {@code gate_layer} and {@code use_bias} are accepted with those values only.
 * </ul>
 */
public final class SqueezeExcite extends AttentionBlock {

    /** The reference variants, default first. */
    public static final List<String> REFS = List.of("timm", "selayer");

    /** The options this block reads. */
    public static final Set<String> OPTIONS =
            Set.of(
                    "ref", "rd_ratio", "rd_channels", "rd_divisor", "add_maxpool", "use_bias", "bias",
                    "reduction", "norm_layer", "act_layer", "gate_layer");

    private final String ref;
    private final int reduced;
    private final boolean addMaxpool;
    private final boolean norm;
    private final UnaryOperator<NDArray> act;
    private final UnaryOperator<NDArray> gate;

    /**
     * Creates the block.
     *
     * @param channels input channels
     * @param options see the class comment
     */
    public SqueezeExcite(int channels, AttentionOptions options) {
        super(channels);
        options = TimmNames.alias("se", options, TimmNames.USE_BIAS, "bias");
        ref = options.ref("se", REFS, Map.of("moskomule", "selayer", "senet.pytorch", "selayer", "semodule", "timm"));
        if ("selayer".equals(ref)) {
            reduced = ReducedWidth.dividing("se", "reduction", 16).of(channels, options);
            addLinear("fc.0", reduced, channels, false);
            addLinear("fc.2", channels, reduced, false);
            addMaxpool = false;
            norm = false;
            TimmNames.fixed("se", options, TimmNames.USE_BIAS, false, "with ref=selayer");
            act = Activations.fixed("se", options, TimmNames.ACT_LAYER, "relu", "with ref=selayer");
            gate = Activations.fixed("se", options, TimmNames.GATE_LAYER, "sigmoid", "with ref=selayer");
        } else {
            Integer rd = options.getIntOrNull("rd_channels");
            reduced =
                    rd != null && rd > 0
                            ? rd
                            : Widths.makeDivisible(
                                    channels * options.getDouble("rd_ratio", 1.0 / 16),
                                    options.getInt("rd_divisor", 8),
                                    0.0);
            boolean bias = options.getBoolean(TimmNames.USE_BIAS, true);
            norm = Activations.isBatchNorm("se", options.asMap().get("norm_layer"));
            act = Activations.of("se", options, TimmNames.ACT_LAYER, "relu");
            gate = Activations.of("se", options, TimmNames.GATE_LAYER, "sigmoid");
            addConv("fc1", reduced, channels, 1, 1, bias);
            if (norm) {
                addBatchNorm("bn", reduced);
            }
            addConv("fc2", channels, reduced, 1, 1, bias);
            addMaxpool = options.getBoolean("add_maxpool", false);
        }
    }

    /** {@inheritDoc} */
    @Override
    public String getReference() {
        return ref;
    }

    /**
     * The bottleneck width.
     *
     * @return the reduced channel count
     */
    public int getReducedChannels() {
        return reduced;
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(Pass pass, NDList inputs) {
        NDArray x = inputs.head();
        if ("selayer".equals(ref)) {
            NDArray s = spatialMean(x).reshape(x.getShape().get(0), channels);
            NDArray a = Activation.sigmoid(pass.linear(Activation.relu(pass.linear(s, "fc.0")), "fc.2"));
            return x.mul(a.expandDims(2).expandDims(3));
        }
        NDArray s = spatialMean(x);
        if (addMaxpool) {
            s = s.mul(0.5f).add(spatialMax(x).mul(0.5f));
        }
        NDArray z = pass.conv(s, "fc1");
        if (norm) {
            z = pass.batchNorm(z, "bn");
        }
        z = act.apply(z);
        return x.mul(gate.apply(pass.conv(z, "fc2")));
    }
}
