package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * ECA: a channel gate from a 1-D convolution across the globally pooled channels (no reduction).
 *
 * <p>Paper: Wang et al., "ECA-Net: Efficient Channel Attention for Deep Convolutional Neural
 * Networks", <a href="https://arxiv.org/abs/1910.03151">arXiv:1910.03151</a>. Checked against:
 *
 * <ul>
 *   <li>{@code ref=official} (default): BangguWu/ECANet {@code models/eca_module.py eca_layer}: the
 *       caller gives {@code kernel_size} (alias {@code k_size}, the reference's name; 3); the
 *       official ResNets never compute the paper's adaptive k. Its sigmoid is fixed, and it has no
 *       MLP: {@code gate_layer}, {@code act_layer} and {@code use_mlp} are accepted with the
 *       defaults only.
 *   <li>{@code ref=timm}: huggingface/pytorch-image-models {@code timm/layers/eca.py EcaModule}:
 *       {@code k = max(odd_up(int(|log2(C) + beta| / gamma)), 3)} with {@code gamma} 2, {@code
 *       beta} 1; an explicit {@code kernel_size} (or {@code k_size}) without the channel keyword
 *       {@code channels} is used as given.
 * </ul>
 *
 * Both: {@code conv.weight [1,1,k]}, no bias, zero padding {@code (k-1)/2}, cross-correlation.
 * timm also takes {@code gate_layer} (sigmoid) and its experimental {@code use_mlp} (false): a
 * Conv1d {@code conv} (1 to {@code rd_channels} or {@code make_divisible(C*rd_ratio, rd_divisor)},
 * kernel 1, bias), {@code act_layer} (ReLU), and a Conv1d {@code conv2} (back to 1, kernel k,
 * bias). Without the MLP there is no activation, and {@code act_layer} is accepted as relu only.
 */
public final class EfficientChannelAttention extends AttentionBlock {

    /** The reference variants, default first. */
    public static final List<String> REFS = List.of("official", "timm");

    /** The options this block reads (plus the channel keywords {@code channel}/{@code channels}). */
    public static final Set<String> OPTIONS =
            Set.of(
                    "ref", "k_size", "kernel_size", "gamma", "beta", "channel", "channels", "rd_ratio",
                    "rd_channels", "rd_divisor", "use_mlp", "act_layer", "gate_layer");

    private final String ref;
    private final int kernel;
    private final int mlpWidth;
    private final UnaryOperator<NDArray> act;
    private final UnaryOperator<NDArray> gate;

    /**
     * Creates the block.
     *
     * @param channels input channels
     * @param options see the class comment
     */
    public EfficientChannelAttention(int channels, AttentionOptions options) {
        super(channels);
        options = TimmNames.alias("eca", options, TimmNames.KERNEL_SIZE, "k_size");
        ref = options.ref("eca", REFS, Map.of("bangguwu", "official", "ecanet", "official", "eca_layer", "official", "ecamodule", "timm"));
        if ("timm".equals(ref)) {
            if (options.has(TimmNames.KERNEL_SIZE) && !options.has("channels")) {
                kernel = TimmNames.oddKernelSize("eca", options, 3);
            } else {
                kernel = adaptiveKernel(channels, options.getDouble("gamma", 2), options.getDouble("beta", 1));
            }
        } else {
            kernel = TimmNames.oddKernelSize("eca", options, 3);
        }
        boolean timm = "timm".equals(ref);
        if (!timm) {
            TimmNames.fixed("eca", options, "use_mlp", false, "with ref=official");
        }
        gate = timm
                ? Activations.of("eca", options, TimmNames.GATE_LAYER, "sigmoid")
                : Activations.fixed("eca", options, TimmNames.GATE_LAYER, "sigmoid", "with ref=official");
        if (timm && options.getBoolean("use_mlp", false)) {
            Integer rd = options.getIntOrNull("rd_channels");
            mlpWidth =
                    rd != null
                            ? rd
                            : Widths.makeDivisible(
                                    channels * options.getDouble("rd_ratio", 1.0 / 8), options.getInt("rd_divisor", 8), 0.9);
            act = Activations.of("eca", options, TimmNames.ACT_LAYER, "relu");
            addTensor("conv.weight", Parameter.Type.WEIGHT, TorchInit.defaultWeight(), mlpWidth, 1, 1);
            addTensor("conv.bias", Parameter.Type.BIAS, TorchInit.defaultBias(1), mlpWidth);
            addTensor("conv2.weight", Parameter.Type.WEIGHT, TorchInit.defaultWeight(), 1, mlpWidth, kernel);
            addTensor("conv2.bias", Parameter.Type.BIAS, TorchInit.defaultBias((long) mlpWidth * kernel), 1);
        } else {
            mlpWidth = 0;
            Activations.fixed("eca", options, TimmNames.ACT_LAYER, "relu", "without use_mlp (no activation)");
            act = null;
            addTensor("conv.weight", Parameter.Type.WEIGHT, TorchInit.defaultWeight(), 1, 1, kernel);
        }
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
        NDArray y = spatialMean(x).reshape(b, 1, channels);
        if (mlpWidth > 0) {
            y = act.apply(conv1d(y, pass.get("conv.weight"), pass.get("conv.bias"), 0));
            y = conv1d(y, pass.get("conv2.weight"), pass.get("conv2.bias"), (kernel - 1) / 2);
        } else {
            y = conv1d(y, pass.get("conv.weight"), null, (kernel - 1) / 2);
        }
        return x.mul(gate.apply(y).reshape(b, channels, 1, 1));
    }

    private static NDArray conv1d(NDArray y, NDArray weight, NDArray bias, int pad) {
        NDManager owner = y.getManager();
        return Conv1d.conv1d(
                        Autocast.lower(y, owner),
                        Autocast.lower(weight, owner),
                        Autocast.lower(bias, owner),
                        new Shape(1),
                        new Shape(pad),
                        new Shape(1),
                        1)
                .head();
    }
}
