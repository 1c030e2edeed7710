package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.initializer.Initializer;
import java.util.List;
import java.util.Set;

/**
 * Global Context block: attention-pooled global context, transformed by a LayerNorm bottleneck
 * and added to (or multiplied into) every position.
 *
 * <p>Paper: Cao et al., "GCNet: Non-local Networks Meet Squeeze-Excitation Networks and Beyond",
 * <a href="https://arxiv.org/abs/1904.11492">arXiv:1904.11492</a>. Checked against the official
 * xvjiarui/GCNet {@code mmdet/ops/gcb/context_block.py ContextBlock} (HEAD 029db54): options
 * {@code ratio} (planes = int(C*ratio), default 1/16 as in the configs), {@code pooling_type}
 * ({@code att} or {@code avg}), {@code fusion_types} ({@code channel_add} default, {@code
 * channel_mul}, or both: mul is applied first). The older {@code mmdet/ops/ct/context_block.py
 * ContextBlock2d(inplanes, planes, pool, fusions)} has the same parameters and forward; its
 * keywords {@code planes}, {@code pool} and {@code fusions} are accepted in place of {@code
 * ratio}, {@code pooling_type} and {@code fusion_types}. The LayerNorm normalises over {@code [P,1,1]}.
 * Initialisation as {@code reset_parameters}: kaiming-normal (fan_in) {@code conv_mask} with zero
 * bias, and the last conv of each transform zeroed, so the add fusion starts as the identity.
 */
public final class GlobalContext extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("official");

    /** The options this block reads. */
    public static final Set<String> OPTIONS =
            Widths.union(ReducedWidth.TIMM_OPTIONS,
                    "ref", "ratio", "pooling_type", "fusion_types", "planes", "pool", "fusions");

    private static final List<String> FUSIONS = List.of("channel_add", "channel_mul");

    private final int planes;
    private final boolean attPool;
    private final boolean add;
    private final boolean mul;

    /**
     * Creates the block.
     *
     * @param channels input channels ({@code inplanes})
     * @param options see the class comment
     */
    public GlobalContext(int channels, AttentionOptions options) {
        super(channels);
        options.ref("gc", REFS);
        planes = ReducedWidth.multiplying("gc", "ratio", 1.0 / 16).withWidthAlias("planes").of(channels, options);
        String pooling = options.getString("pooling_type", options.getString("pool", "att"));
        if (!List.of("att", "avg").contains(pooling)) {
            throw new IllegalArgumentException(
                    "gc: unknown pooling_type '" + pooling + "'; valid: att, avg");
        }
        attPool = "att".equals(pooling);
        List<String> fusions =
                options.getStringList("fusion_types", options.getStringList("fusions", List.of("channel_add")));
        if (fusions.isEmpty() || !FUSIONS.containsAll(fusions)) {
            throw new IllegalArgumentException(
                    "gc: fusion_types must be a non-empty subset of [channel_add, channel_mul], got "
                            + fusions);
        }
        add = fusions.contains("channel_add");
        mul = fusions.contains("channel_mul");
        if (attPool) {
            addConv("conv_mask", 1, channels, 1, 1, true);
            setInit("conv_mask.weight", TorchInit.kaimingNormal(false));
            setInit("conv_mask.bias", Initializer.ZEROS);
        }
        if (add) {
            addTransform("channel_add_conv.");
        }
        if (mul) {
            addTransform("channel_mul_conv.");
        }
    }

    private void addTransform(String prefix) {
        addConv(prefix + "0", planes, channels, 1, 1, true);
        addTensor(prefix + "1.weight", Parameter.Type.GAMMA, Initializer.ONES, planes, 1, 1);
        addTensor(prefix + "1.bias", Parameter.Type.BETA, Initializer.ZEROS, planes, 1, 1);
        addConv(prefix + "3", channels, planes, 1, 1, true);
        setInit(prefix + "3.weight", Initializer.ZEROS);
        setInit(prefix + "3.bias", Initializer.ZEROS);
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
        Shape s = x.getShape();
        long b = s.get(0);
        NDArray ctx;
        if (attPool) {
            NDArray m = Autocast.full(pass.conv(x, "conv_mask").reshape(b, 1, -1)).softmax(2);
            ctx = Autocast.matMul(x.reshape(b, channels, -1), m.transpose(0, 2, 1)).reshape(b, channels, 1, 1);
        } else {
            ctx = spatialMean(x);
        }
        NDArray out = x;
        if (mul) {
            out = out.mul(Activation.sigmoid(transform(pass, ctx, "channel_mul_conv.")));
        }
        if (add) {
            out = out.add(transform(pass, ctx, "channel_add_conv."));
        }
        return out;
    }

    private NDArray transform(Pass pass, NDArray ctx, String prefix) {
        NDArray t = pass.conv(ctx, prefix + "0");
        t =
                LayerNorm.layerNorm(
                                Autocast.full(t),
                                new Shape(planes, 1, 1),
                                pass.get(prefix + "1.weight"),
                                pass.get(prefix + "1.bias"),
                                1e-5f)
                        .head();
        return pass.conv(Activation.relu(t), prefix + "3");
    }
}
