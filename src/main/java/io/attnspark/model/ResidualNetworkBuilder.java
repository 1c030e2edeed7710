package io.attnspark.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import io.attnspark.model.AttentionPlacement.Position;
import io.attnspark.nn.AttentionBlock;
import io.attnspark.nn.AttentionOptions;
import io.attnspark.nn.Autocast;
import io.attnspark.nn.Attentions;
import io.attnspark.nn.GuardedConvolution;
import io.attnspark.nn.PerBlockOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a residual backbone ({@link Backbone}) with an attention module placed as an {@link
 * AttentionPlacement} says. The residual blocks stay attention-agnostic: a block asks the builder
 * for the module at its branch end, 3x3 conv or residual join, as timm's blocks take {@code
 * attn_layer}.
 *
 * <p>Layouts follow torchvision's {@code resnet.py}: 7x7/2 stem + 3x3/2 max-pool (ImageNet style)
 * or 3x3 stem (CIFAR style), stride on the 3x3 conv of bottlenecks (ResNet v1.5), 1x1 conv + BN
 * projection shortcuts where the shape changes, bottleneck width {@code int(planes * d / 64) *
 * groups}. Conv weights are kaiming-normal (fan-out), the classifier PyTorch's default; attention
 * modules keep their reference initialisation. With {@code zeroInitResidual} the last BN gamma of
 * each residual branch starts at 0 (torchvision's {@code zero_init_residual}, off by default).
 */
public final class ResidualNetworkBuilder {

    private final Backbone backbone;
    private final Backbone.Layout layout;
    private final int classes;
    private final String attention;
    private final AttentionPlacement placement;
    private final boolean zeroInitResidual;
    private final Map<AttentionBlock, PlacedAttention> placed = new IdentityHashMap<>();

    /**
     * One attention module in the built network.
     *
     * @param module the registry name
     * @param stage the stage, 1-based
     * @param block the residual block in the stage, 0-based
     * @param options the options it was created with (placement options plus per-block ones)
     */
    public record PlacedAttention(String module, int stage, int block, AttentionOptions options) {}

    /**
     * A builder for a spec.
     *
     * @param spec the model spec
     */
    public ResidualNetworkBuilder(ModelSpec spec) {
        this(Backbone.of(spec.backbone()), spec.depth(), spec.classes(), spec.attention(), spec.placement(),
                spec.zeroInitResidual());
    }

    /**
     * A builder.
     *
     * @param backbone the backbone
     * @param depth its depth
     * @param classes output classes, at least 2
     * @param attention the module's registry name, or {@code none}
     * @param placement where it goes (ignored for {@code none}; null: the module's default)
     * @param zeroInitResidual whether the last BN gamma of each branch starts at 0
     */
    public ResidualNetworkBuilder(
            Backbone backbone,
            int depth,
            int classes,
            String attention,
            AttentionPlacement placement,
            boolean zeroInitResidual) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        this.backbone = backbone;
        this.layout = backbone.layout(depth);
        this.classes = classes;
        this.attention = attention;
        this.placement = ModelSpec.NONE.equals(attention)
                ? null
                : placement != null ? placement : AttentionPlacement.defaults(attention, backbone);
        if (this.placement != null) {
            this.placement.check(attention, layout);
        }
        this.zeroInitResidual = zeroInitResidual;
    }

    /**
     * Builds the network; input channels and image size come from the data at initialisation.
     *
     * @return the uninitialised network
     */
    public SequentialBlock build() {
        placed.clear();
        SequentialBlock net = new SequentialBlock();
        int in;
        if (backbone.isCifar()) {
            in = layout.planes()[0];
            net.add(conv(in, 3, 1, 1)).add(batchNorm()).add(Activation.reluBlock());
        } else {
            in = 64;
            net.add(conv(in, 7, 2, 1)).add(batchNorm()).add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
        }
        for (int stage = 1; stage <= layout.stages(); stage++) {
            int n = layout.blocks()[stage - 1];
            int out = layout.outChannels(stage);
            for (int i = 0; i < n; i++) {
                int stride = stage > 1 && i == 0 ? 2 : 1;
                net.add(residualBlock(stage, i, in, stride));
                in = out;
                if (placement != null
                        && (placement.position() == Position.AFTER_BLOCK || placement.position() == Position.STAGE_END)
                        && placement.selects(stage, i, n)) {
                    net.add(attentionBlock(stage, i, out, Map.of()));
                }
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        Linear classifier = Autocast.Linear.of(classes);
        // PyTorch's Linear default: uniform in +-1/sqrt(fan_in) (kaiming_uniform with a = sqrt(5)).
        classifier.setInitializer(
                new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1f),
                Parameter.Type.WEIGHT);
        net.add(classifier);
        return net;
    }

    /**
     * The attention modules of the last {@link #build()}, by block identity.
     *
     * @return the modules and where they are
     */
    public Map<AttentionBlock, PlacedAttention> placed() {
        return Collections.unmodifiableMap(placed);
    }

    private Block residualBlock(int stage, int index, int in, int stride) {
        int planes = layout.planes()[stage - 1];
        int out = layout.outChannels(stage);
        boolean here = placement != null && placement.selects(stage, index, layout.blocks()[stage - 1]);
        Position position = here ? placement.position() : null;
        SequentialBlock branch = new SequentialBlock();
        BatchNorm last = batchNorm();
        if (layout.bottleneck()) {
            int width = layout.bottleneckWidth(stage);
            branch.add(conv(width, 1, 1, 1)).add(batchNorm()).add(Activation.reluBlock());
            addThreeByThree(branch, stage, index, width, width, stride, layout.groups(), position == Position.CONV);
            branch.add(conv(out, 1, 1, 1)).add(last);
        } else {
            addThreeByThree(branch, stage, index, in, planes, stride, 1, position == Position.CONV);
            branch.add(conv(planes, 3, 1, 1)).add(last);
        }
        if (zeroInitResidual) {
            last.setInitializer(Initializer.ZEROS, Parameter.Type.GAMMA);
        }
        if (position == Position.BRANCH) {
            branch.add(attentionBlock(stage, index, out,
                    perBlock(new PerBlockOptions.Site(in, out, stride, 1, planes, backbone.family()))));
        }
        Block shortcut = stride != 1 || in != out
                ? new SequentialBlock().add(conv(out, 1, stride, 1)).add(batchNorm())
                : Blocks.identityBlock();
        if (position == Position.FUSION) {
            ParallelBlock both = new ParallelBlock(ResidualNetworkBuilder::bothBranches, Arrays.asList(branch, shortcut));
            return new SequentialBlock().add(both).add(attentionBlock(stage, index, out, Map.of()))
                    .add(Activation.reluBlock());
        }
        ParallelBlock residual = new ParallelBlock(ResidualNetworkBuilder::addBranches, Arrays.asList(branch, shortcut));
        return new SequentialBlock().add(residual).add(Activation.reluBlock());
    }

    /** The 3x3 conv + BN + ReLU of a block, or the conv-replacing module (which has its own BN and ReLU). */
    private void addThreeByThree(
            SequentialBlock branch, int stage, int index, int in, int out, int stride, int groups, boolean replace) {
        if (!replace) {
            branch.add(conv(out, 3, stride, groups)).add(batchNorm()).add(Activation.reluBlock());
            return;
        }
        branch.add(attentionBlock(stage, index, in, perBlock(new PerBlockOptions.Site(in, out, stride, groups, out,
                backbone.family()))));
    }

    /** What the module's registry entry adds for this block (conv-replacing widths, GSoP's stride, ...). */
    private Map<String, Object> perBlock(PerBlockOptions.Site site) {
        return Attentions.entry(attention).perBlock().at(site, placement.attentionOptions());
    }

    /** Creates the module; the placement's options win over the per-block defaults, except the backbone's. */
    private AttentionBlock attentionBlock(int stage, int index, int channels, Map<String, Object> perBlock) {
        Map<String, Object> options = new LinkedHashMap<>(perBlock);
        for (Map.Entry<String, Object> e : placement.options().entrySet()) {
            if (!AttentionPlacement.SET_BY_BACKBONE.contains(e.getKey()) || !perBlock.containsKey(e.getKey())) {
                options.put(e.getKey(), e.getValue());
            }
        }
        AttentionOptions o = AttentionOptions.of(options);
        AttentionBlock block;
        try {
            block = Attentions.create(attention, channels, o);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    String.format(java.util.Locale.ROOT, "attention '%s' in stage %d block %d (%d channels): %s",
                            attention, stage, index, channels, e.getMessage()), e);
        }
        placed.put(block, new PlacedAttention(attention, stage, index, o));
        return block;
    }

    private static NDList addBranches(List<NDList> outputs) {
        return new NDList(outputs.get(0).singletonOrThrow().add(outputs.get(1).singletonOrThrow()));
    }

    /** Passes branch and identity on, in the order the fusion modules take them: x = branch, y = identity. */
    private static NDList bothBranches(List<NDList> outputs) {
        List<ai.djl.ndarray.NDArray> both = new ArrayList<>();
        both.add(outputs.get(0).singletonOrThrow());
        both.add(outputs.get(1).singletonOrThrow());
        return new NDList(both);
    }

    /**
     * A conv with PyTorch's padding (kernel/2), no bias, kaiming-normal fan-out weights as
     * torchvision's ResNet init ({@code kaiming_normal_(mode="fan_out", nonlinearity="relu")}).
     */
    static Conv2d conv(int filters, int kernel, int stride, int groups) {
        // GuardedConvolution: ResNet-50's strided 1x1 downsamples abort oneDNN 3.7.1 on some CPUs
        Conv2d conv = new GuardedConvolution.Conv2d(Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optGroups(groups)
                .optBias(false));
        conv.setInitializer(
                new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.OUT, 2),
                Parameter.Type.WEIGHT);
        return conv;
    }

    static BatchNorm batchNorm() {
        // DJL's momentum 0.9 is PyTorch's 0.1: running = 0.9 * running + 0.1 * batch.
        return BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build();
    }
}
