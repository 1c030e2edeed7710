package io.attnspark.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import io.attnspark.model.ResidualNetworkBuilder.PlacedAttention;
import io.attnspark.nn.AttentionBlock;
import io.attnspark.nn.AttentionOptions;
import java.util.Locale;
import java.util.Map;

/**
 * Counts the multiply-accumulates (MACs) of one image's forward pass, layer by layer, from an
 * initialised network: each conv is {@code out_channels * H_out * W_out * in_channels/groups *
 * kh * kw}, each dense layer {@code in * out}; attention modules add their convs at the
 * resolution each one runs at and their attention products ({@link #attentionMacs}). BatchNorm,
 * activations, pooling, additions and gating products are not counted, as in fvcore and the
 * papers' "FLOPs" (which are MACs).
 */
public final class MacCounter {

    private final Map<AttentionBlock, PlacedAttention> placed;

    /**
     * A counter.
     *
     * @param placed the options each attention module was built with (for options that change
     *     its cost: GSoP's {@code dr_stride}, CC's {@code recurrence}); may be empty
     */
    public MacCounter(Map<AttentionBlock, PlacedAttention> placed) {
        this.placed = placed;
    }

    /**
     * Counts a block's MACs for one input.
     *
     * @param block an initialised block
     * @param input the input shapes, batch 1
     * @return the MACs
     */
    public long count(Block block, Shape... input) {
        if (block instanceof AttentionBlock a) {
            PlacedAttention p = placed.get(a);
            return attentionMacs(a, p == null ? AttentionOptions.defaults() : p.options(), input);
        }
        if (block instanceof Conv2d conv) {
            Shape out = conv.getOutputShapes(input)[0];
            return weight(conv, "weight").size() * out.get(2) * out.get(3);
        }
        if (block instanceof Linear linear) {
            return weight(linear, "weight").size();
        }
        if (block instanceof SequentialBlock) {
            long total = 0;
            Shape[] shapes = input;
            for (Block child : block.getChildren().values()) {
                total += count(child, shapes);
                shapes = child.getOutputShapes(shapes);
            }
            return total;
        }
        if (block instanceof ParallelBlock) {
            long total = 0;
            for (Block child : block.getChildren().values()) {
                total += count(child, input);
            }
            return total;
        }
        if (!block.getChildren().isEmpty()) {
            throw new IllegalArgumentException("cannot count the MACs of a " + block.getClass().getSimpleName());
        }
        return 0; // BatchNorm, activations, pooling, identity
    }

    private static Shape weight(Block block, String name) {
        Parameter p = block.getParameters().get(name);
        if (p == null || !p.isInitialized()) {
            throw new IllegalStateException(block.getClass().getSimpleName() + " must be initialised to count MACs");
        }
        return p.getArray().getShape();
    }

    /**
     * An attention module's MACs: each weight tensor's size times the positions it is applied at,
     * plus the module's attention products.
     *
     * @param block the module
     * @param options the options it was built with
     * @param inputs its inputs, {@code [1, C, H, W]} each
     * @return the MACs
     */
    static long attentionMacs(AttentionBlock block, AttentionOptions options, Shape... inputs) {
        Shape input = inputs[0];
        long c = input.get(1);
        long h = input.get(2);
        long w = input.get(3);
        long hw = h * w;
        Shape out = block.getOutputShapes(inputs)[0];
        long outHw = out.get(2) * out.get(3);
        String kind = kindOf(block);
        long total = 0;
        for (var entry : block.getParameters()) {
            Parameter p = entry.getValue();
            if (p.getType() != Parameter.Type.WEIGHT) {
                continue;
            }
            String name = entry.getKey();
            long positions = switch (kind) {
                case "SqueezeExcite" -> 1;
                case "EfficientChannelAttention" -> c;
                case "Cbam" -> name.toLowerCase(Locale.ROOT).contains("spatial") ? hw : 2;
                case "GlobalContext" -> name.startsWith("conv_mask") ? hw : 1;
                case "BottleneckAttention" -> name.contains("gate_s") ? hw : 1;
                case "TripletAttention" -> name.startsWith("cw") ? c * w : name.startsWith("hc") ? h * c : hw;
                case "GsopChannelAttention" -> name.startsWith("conv_for_DR") ? reduced(h, w, options) : 1;
                case "MultiScaleChannelAttention", "AttentionalFeatureFusion", "IterativeAttentionalFeatureFusion" ->
                        name.contains("local") ? hw : 1;
                case "SelectiveKernel" -> name.startsWith("paths") ? outHw : 1;
                case "SplitAttentionConv" -> name.equals("conv.weight") ? outHw : 1;
                case "CrissCrossAttention" -> hw * Math.max(1, options.getInt("recurrence", 1));
                default -> hw; // the self-attention modules' projections run at every position
            };
            total += p.getShape().size() * positions;
        }
        return total + attentionProducts(block, kind, options, c, h, w);
    }

    /** The matrix products of the attention itself (not convs). */
    private static long attentionProducts(
            AttentionBlock block, String kind, AttentionOptions options, long c, long h, long w) {
        long hw = h * w;
        switch (kind) {
            case "GlobalContext":
                return c * hw; // context = x [C, HW] x softmax mask [HW, 1]
            case "GsopChannelAttention": {
                long d = rows(block, "conv_for_DR.weight");
                return d * d * reduced(h, w, options); // covariance of d channels over the reduced positions
            }
            case "NonLocal": {
                long inter = rows(block, "theta.weight");
                long keys = block.getStateDictNames().contains("phi.0.weight") ? (h / 2) * (w / 2) : hw;
                return 2 * hw * keys * inter; // theta x phi^T, then attention x g
            }
            case "DoubleAttention": {
                long cm = rows(block, "convA.weight");
                long cn = rows(block, "convB.weight");
                return 2 * cm * cn * hw; // gather, then distribute
            }
            case "PositionAttention": {
                long qk = rows(block, "query_conv.weight");
                return hw * hw * (qk + c);
            }
            case "ChannelAttention":
                return 2 * c * c * hw;
            case "CrissCrossAttention": {
                long qk = rows(block, "query_conv.weight");
                long r = Math.max(1, options.getInt("recurrence", 1));
                return r * hw * (h + w - 1) * (qk + c);
            }
            default:
                return 0;
        }
    }

    private static String kindOf(AttentionBlock block) {
        return block.getClass().getSimpleName();
    }

    private static long rows(AttentionBlock block, String weight) {
        return block.getParameter(weight).getShape().get(0);
    }

    private static long reduced(long h, long w, AttentionOptions options) {
        long s = Math.max(1, options.getInt("dr_stride", 1));
        return ((h + s - 1) / s) * ((w + s - 1) / s);
    }
}
