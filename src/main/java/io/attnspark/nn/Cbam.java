package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * CBAM: a channel gate (shared MLP on average- and max-pooled features) followed by a spatial gate
 * (7x7 conv on channel-pooled maps).
 *
 * <p>Paper: Woo, Park, Lee, Kweon, "CBAM: Convolutional Block Attention Module", <a
 * href="https://arxiv.org/abs/1807.06521">arXiv:1807.06521</a>. Checked against:
 *
 * <ul>
 *   <li>{@code ref=official} (default): Jongchan/attention-module {@code MODELS/cbam.py CBAM}:
 *       Linear MLP with bias ({@code ChannelGate.mlp.1/3}), width {@code C // reduction_ratio}
 *       (16), {@code pool_types} (avg, max; also lp, lse), spatial pools in the order
 *       <b>[max, mean]</b>, conv without bias then BatchNorm (momentum 0.01) in the spatial gate,
 *       {@code no_spatial}. Its ReLU, sigmoid gates and MLP bias are fixed: {@code act_layer},
 *       {@code gate_layer} and {@code use_bias} are accepted with those values only.
 *   <li>{@code ref=timm}: huggingface/pytorch-image-models {@code timm/layers/cbam.py
 *       CbamModule}: 1x1 convs {@code channel.fc1/fc2} with {@code use_bias} (alias {@code
 *       mlp_bias}, timm's own name; false), width {@code make_divisible(C*rd_ratio, rd_divisor=1,
 *       round_limit=0)}, spatial pools <b>[mean, max]</b> (as the paper writes them), ConvNormAct
 *       with BN; {@code act_layer} (relu) and {@code gate_layer} (sigmoid, for both gates) by name.
 * </ul>
 *
 * Both: the spatial gate's kernel {@code kernel_size} (alias {@code spatial_kernel_size}, timm's
 * own name; 7, odd), which the official code fixes at 7. The paper does not mention the BN in the
 * spatial gate; both codes have it, so this block does.
 */
public final class Cbam extends AttentionBlock {

    /** The reference variants, default first. */
    public static final List<String> REFS = List.of("official", "timm");

    /** The options this block reads. */
    public static final Set<String> OPTIONS =
            Set.of(
                    "ref", "reduction_ratio", "pool_types", "no_spatial", "rd_ratio", "rd_channels",
                    "rd_divisor", "kernel_size", "spatial_kernel_size", "use_bias", "mlp_bias", "act_layer",
                    "gate_layer");

    private static final List<String> POOLS = List.of("avg", "max", "lp", "lse");

    private final String ref;
    private final List<String> poolTypes;
    private final boolean noSpatial;
    private final int kernel;
    private final UnaryOperator<NDArray> act;
    private final UnaryOperator<NDArray> gate;

    /**
     * Creates the block.
     *
     * @param channels input channels
     * @param options see the class comment
     */
    public Cbam(int channels, AttentionOptions options) {
        super(channels);
        options = TimmNames.alias("cbam", options, TimmNames.USE_BIAS, "mlp_bias");
        options = TimmNames.alias("cbam", options, TimmNames.KERNEL_SIZE, "spatial_kernel_size");
        kernel = TimmNames.oddKernelSize("cbam", options, 7);
        ref = options.ref("cbam", REFS, Map.of("jongchan", "official", "cbammodule", "timm"));
        if ("official".equals(ref)) {
            int rd = ReducedWidth.dividing("cbam", "reduction_ratio", 16).of(channels, options);
            poolTypes = options.getStringList("pool_types", List.of("avg", "max"));
            for (String p : poolTypes) {
                if (!POOLS.contains(p)) {
                    throw new IllegalArgumentException(
                            String.format(
                                    Locale.ROOT,
                                    "cbam: unknown pool type '%s'; valid: %s",
                                    p,
                                    String.join(", ", POOLS)));
                }
            }
            noSpatial = options.getBoolean("no_spatial", false);
            TimmNames.fixed("cbam", options, TimmNames.USE_BIAS, true, "with ref=official");
            act = Activations.fixed("cbam", options, TimmNames.ACT_LAYER, "relu", "with ref=official");
            gate = Activations.fixed("cbam", options, TimmNames.GATE_LAYER, "sigmoid", "with ref=official");
            addLinear("ChannelGate.mlp.1", rd, channels, true);
            addLinear("ChannelGate.mlp.3", channels, rd, true);
            if (!noSpatial) {
                addConv("SpatialGate.spatial.conv", 1, 2, kernel, kernel, false);
                addBatchNorm("SpatialGate.spatial.bn", 1, 0.01f);
            }
        } else {
            Integer rdc = options.getIntOrNull("rd_channels");
            int rd =
                    rdc != null && rdc > 0
                            ? rdc
                            : Widths.makeDivisible(
                                    channels * options.getDouble("rd_ratio", 1.0 / 16),
                                    options.getInt("rd_divisor", 1),
                                    0.0);
            boolean bias = options.getBoolean(TimmNames.USE_BIAS, false);
            poolTypes = List.of("avg", "max");
            noSpatial = false;
            act = Activations.of("cbam", options, TimmNames.ACT_LAYER, "relu");
            gate = Activations.of("cbam", options, TimmNames.GATE_LAYER, "sigmoid");
            addConv("channel.fc1", rd, channels, 1, 1, bias);
            addConv("channel.fc2", channels, rd, 1, 1, bias);
            addConv("spatial.conv.conv", 1, 2, kernel, kernel, false);
            addBatchNorm("spatial.conv.bn", 1);
        }
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
        int pad = (kernel - 1) / 2;
        if ("timm".equals(ref)) {
            NDArray avg = spatialMean(x);
            NDArray max = spatialMax(x);
            NDArray a = timmMlp(pass, avg).add(timmMlp(pass, max));
            NDArray x1 = x.mul(gate.apply(a));
            NDArray p = x1.mean(new int[] {1}, true).concat(x1.max(new int[] {1}, true), 1);
            NDArray s = pass.batchNorm(pass.conv(p, "spatial.conv.conv", 1, pad, pad, 1, 1), "spatial.conv.bn");
            return x1.mul(gate.apply(s));
        }
        NDArray att = null;
        for (String pool : poolTypes) {
            NDArray v =
                    switch (pool) {
                        case "avg" -> spatialMean(x).reshape(x.getShape().get(0), channels);
                        case "max" -> spatialMax(x).reshape(x.getShape().get(0), channels);
                        case "lp" -> Autocast.full(x).square().sum(new int[] {2, 3}).sqrt();
                        default -> logSumExp(x);
                    };
            NDArray m =
                    pass.linear(
                            Activation.relu(pass.linear(v, "ChannelGate.mlp.1")), "ChannelGate.mlp.3");
            att = att == null ? m : att.add(m);
        }
        NDArray x1 = x.mul(Activation.sigmoid(att).reshape(b, channels, 1, 1));
        if (noSpatial) {
            return x1;
        }
        NDArray p = x1.max(new int[] {1}, true).concat(x1.mean(new int[] {1}, true), 1);
        NDArray s =
                pass.batchNorm(
                        pass.conv(p, "SpatialGate.spatial.conv", 1, pad, pad, 1, 1),
                        "SpatialGate.spatial.bn");
        return x1.mul(Activation.sigmoid(s));
    }

    private NDArray timmMlp(Pass pass, NDArray v) {
        return pass.conv(act.apply(pass.conv(v, "channel.fc1")), "channel.fc2");
    }

    /** The official {@code logsumexp_2d}: max plus log of the summed shifted exponentials. */
    private static NDArray logSumExp(NDArray x) {
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        NDArray f = Autocast.full(x).reshape(b, c, -1);
        NDArray s = f.max(new int[] {2}, true);
        return s.add(f.sub(s).exp().sum(new int[] {2}, true).log()).reshape(b, c);
    }
}
