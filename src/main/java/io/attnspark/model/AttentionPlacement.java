package io.attnspark.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.attnspark.nn.AttentionOptions;
import io.attnspark.nn.Attentions;
import io.attnspark.nn.DefaultPlacement;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where an attention module goes in a residual backbone, in the spirit of mmcv's plugins (position
 * x stages) and timm's {@code attn_layer}: a {@link Position}, the stages (1-based), which blocks
 * of those stages (for stand-alone blocks), and the module's options (PyTorch keyword names, see
 * {@link AttentionOptions}).
 *
 * <p>{@link #defaults(String, Backbone)} gives each module's placement in its paper; see there.
 *
 * @param position where in or after the residual blocks
 * @param stages the stages, 1-based, ascending
 * @param blocks which blocks of the chosen stages get the module (in, or after, the block)
 * @param options the module's options; the backbone adds the per-block ones (stride, widths)
 */
public record AttentionPlacement(
        Position position, List<Integer> stages, Blocks blocks, Map<String, Object> options)
        implements Serializable {

    /** Options the backbone sets per block for modules that replace a conv; a spec may not set them. */
    static final List<String> SET_BY_BACKBONE =
            List.of("in_channels", "out_channels", "channels", "stride", "padding", "kernel_size");

    /** Normalises and validates. */
    public AttentionPlacement {
        if (position == null) {
            throw new IllegalArgumentException(
                    "attention placement needs a position; valid: " + Arrays.toString(Position.values()));
        }
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("attention placement needs at least one stage");
        }
        for (Integer s : stages) {
            if (s == null || s < 1) {
                throw new IllegalArgumentException("attention placement stages are 1-based, got " + stages);
            }
        }
        stages = List.copyOf(stages.stream().distinct().sorted().toList());
        blocks = blocks == null ? (position == Position.STAGE_END ? Blocks.LAST : Blocks.ALL) : blocks;
        if (position == Position.STAGE_END && blocks != Blocks.LAST) {
            throw new IllegalArgumentException("a stage-end placement goes after the last block; blocks must be 'last'");
        }
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options == null ? Map.of() : options));
    }

    /**
     * Each module's placement in its paper (or, where the paper has no backbone placement, the
     * nearest one the issue names). The ImageNet-style ResNet-50 sizes these give, against the
     * papers (checked in {@code ModelFactsTest} within 0.5% where a paper gives a number):
     *
     * <ul>
     *   <li>{@code se}, {@code eca}, {@code cbam}, {@code triplet}: on the branch after the last
     *       conv + BN, every block of every stage (SE-ResNet, ECA-Net, CBAM and triplet attention
     *       code); reduction ratios are the blocks' defaults (16; ECA k=3). ResNet-50: 28.09M,
     *       25.56M, 28.09M, 25.56M as the papers; MACs added: CBAM +0.006 G (paper 3.858 -> 3.864
     *       GFLOPs), triplet +0.047 G (paper 4.122 -> 4.169).
     *   <li>{@code gsop}: on the branch of the last block of every stage (GSoP-Net1: {@code
     *       main.py} builds {@code attpos} as {@code ['0']*(n-1) + [att]} per stage), att_dim 128;
     *       on ImageNet-style backbones {@code dr_stride} 2 where the block's planes are at most 64,
     *       as its {@code Bottleneck}. 28.29M as the paper. <b>MACs differ by design:</b> GSoP's
     *       {@code torchvision/models/resnet.py} builds layer4 with stride 1 (14x14 final maps,
     *       {@code AvgPool2d(14)}), which is where its 6.41 GFLOPs come from; this backbone keeps
     *       torchvision's stride 2 (4.24 GMACs here; a stride-1 layer4 would add about 2.1 G).
     *   <li>{@code gc}: on the branch, stages 2..S (GCNet's c3-c5), ratio 1/16 with LayerNorm.
     *       28.08M and +0.01 GFLOPs as GCNet's ImageNet table.
     *   <li>{@code bam}: after each stage but the last (BAM's "bottlenecks"), reduction 16,
     *       dilation 4. 25.92M and +0.08 GFLOPs (3.86 -> 3.94) as BAM's ImageNet table.
     *   <li>{@code sk}, {@code splat}: replace the 3x3 conv of every block (bottleneck: the middle
     *       conv; basic block: the first), with the backbone's groups (SKNet: M=2, r=16, L=32;
     *       ResNeSt: radix 2, reduction factor 4, BN inside). SKNet-50 (on ResNeXt-50 32x4d):
     *       27.5M, 4.47 GFLOPs as the paper. On the plain ResNet-50 (groups 1) SK gives 37.25M,
     *       5.94 GMACs; the SKNet paper reports no such model. ResNeSt-50: 27.46M vs the paper's
     *       27.5M; its 5.39 GFLOPs are not reproduced (4.09 GMACs here) because ResNeSt's
     *       backbone differs: a deep stem (+0.24 G) and, in each stage's first block, the split
     *       attention conv runs before the stride-2 average pool ({@code avd}, +1.04 G), neither
     *       of which is built here.
     *   <li>{@code aff}, {@code iaff}: replace the residual addition of every block of stages
     *       3..S on ImageNet-style backbones, r=16, on the bottleneck's output channels (open-aff's
     *       MXNet {@code AFFResNet}: {@code _make_layer} turns stages before {@code start_layer}
     *       into plain addition, and both ImageNet logs, {@code aff_resnet50.log} and {@code
     *       iaff_resnet50.log}, ran {@code start_layer=3}; {@code AFFBottleneck} builds {@code
     *       ASKCFuse(channels=planes*4, r=16)} / {@code ResGlobLocaforGlobLocaChaFuse}, one per
     *       block, nothing shared). ResNet-50: 30.35M / 35.15M vs the paper's 30.3M / 35.1M; the
     *       rest is open-aff's ResNet-50-D stem (three 3x3 convs, +0.02M), not built here.
     *       CIFAR-style: every stage, r=4 (open-aff's CIFAR models, start layer 1, {@code
     *       AFFResBlockV2} with the default r). open-aff's later PyTorch port ({@code
     *       aff_pytorch/aff_net/aff_resnet.py}) fuses in every stage with r=4, which is not the
     *       paper's ImageNet model.
     *   <li>{@code mscam}: on the branch like SE, at the AFF paper's ImageNet layout (stages
     *       3..S, r=16 on ImageNet-style backbones; every stage, r=4 on CIFAR). The paper reports
     *       no stand-alone MS-CAM-ResNet-50, so this size is not checked against a number.
     *   <li>{@code nonlocal}, {@code a2}: stand-alone after blocks 1, 3, 5, ... of stages 2..S-1
     *       (Non-local's 5-block variant: 2 in res3 + 3 in res4, {@code idx % 2 == 1} in
     *       video-nonlocal-net; A²-Net's placement likewise); CIFAR (3 stages): stage 2. The
     *       Non-local paper sizes only video (C2D/I3D) models, so there is no ImageNet ResNet-50
     *       number to check; A²-Net's ImageNet table was not available to check here.
     *   <li>{@code danet-pam}, {@code danet-cam}, {@code cc}: stand-alone after the last block of
     *       the last stage (DANet's and CCNet's heads sit on the final features); {@code cc} with
     *       recurrence 2 (RCCA). Both papers are segmentation models on a dilated ResNet-101
     *       (output stride 8) whose heads first reduce 2048 channels to 512 with a 3x3 conv; they
     *       report no classification ResNet-50, so these sizes (the module on 2048 channels at
     *       7x7) are not checked against a number.
     * </ul>
     *
     * @param module the registry name
     * @param backbone the backbone
     * @return the placement
     * @throws IllegalArgumentException for an unknown module
     */
    public static AttentionPlacement defaults(String module, Backbone backbone) {
        DefaultPlacement d = Attentions.entry(module).placement().apply(backbone.family());
        return new AttentionPlacement(Position.of(d.position()), d.stages().apply(backbone.isCifar() ? 3 : 4),
                Blocks.of(d.blocks()), d.options());
    }


    /**
     * Checks that a module can go here on a backbone: fusion modules only replace the addition,
     * conv-replacing modules only replace the conv, the others go anywhere but there; stages
     * exist; the backbone's per-block options are not set.
     *
     * @param module the registry name
     * @param layout the backbone's stages
     * @throws IllegalArgumentException naming what does not fit
     */
    public void check(String module, Backbone.Layout layout) {
        String group = Attentions.entry(module).group();
        Position required =
                Attentions.FUSION.equals(group) ? Position.FUSION
                        : Attentions.REPLACES_CONV.equals(group) ? Position.CONV : null;
        if (required != null && position != required) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "attention '%s' (%s) goes at position '%s', not '%s'",
                            module, group, required, position));
        }
        if (required == null && (position == Position.FUSION || position == Position.CONV)) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "attention '%s' takes one input and keeps the shape; "
                            + "valid positions: branch, stage-end, after-block; got '%s'", module, position));
        }
        int last = stages.get(stages.size() - 1);
        if (last > layout.stages()) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "attention stage %d does not exist; the backbone has stages 1..%d",
                            last, layout.stages()));
        }
        if (position == Position.CONV) {
            for (String key : SET_BY_BACKBONE) {
                if (options.containsKey(key)) {
                    throw new IllegalArgumentException(
                            String.format(Locale.ROOT, "attention option '%s' of '%s' is set by the backbone per block",
                                    key, module));
                }
            }
        }
    }

    /**
     * The module's options.
     *
     * @return the options
     */
    public AttentionOptions attentionOptions() {
        return AttentionOptions.of(options);
    }

    /**
     * Whether a block gets the module: its stage is chosen and the block is selected.
     *
     * @param stage the stage, 1-based
     * @param block the block in the stage, 0-based
     * @param blocksInStage the blocks of the stage
     * @return true if the module goes at (or after) this block
     */
    public boolean selects(int stage, int block, int blocksInStage) {
        if (!stages.contains(stage)) {
            return false;
        }
        return switch (blocks) {
            case ALL -> true;
            case LAST -> block == blocksInStage - 1;
            case EVERY_OTHER -> blocksInStage == 1 || block % 2 == 1;
        };
    }

    /**
     * A copy at another position (blocks reset to the position's default unless stand-alone).
     *
     * @param p the position
     * @return the copy
     */
    public AttentionPlacement withPosition(Position p) {
        return new AttentionPlacement(p, stages, p == Position.STAGE_END ? Blocks.LAST : blocks, options);
    }

    /**
     * A copy with other stages.
     *
     * @param s the stages
     * @return the copy
     */
    public AttentionPlacement withStages(List<Integer> s) {
        return new AttentionPlacement(position, s, blocks, options);
    }

    /**
     * A copy with another block selection.
     *
     * @param b the selection
     * @return the copy
     */
    public AttentionPlacement withBlocks(Blocks b) {
        return new AttentionPlacement(position, stages, b, options);
    }

    /**
     * A copy with options added (replacing ones of the same name).
     *
     * @param more the options
     * @return the copy
     */
    public AttentionPlacement withOptions(Map<String, ?> more) {
        Map<String, Object> m = new LinkedHashMap<>(options);
        m.putAll(more);
        return new AttentionPlacement(position, stages, blocks, m);
    }

    /** Where a module goes. */
    public enum Position {
        /** Inside each residual block, on the branch output before the addition. */
        BRANCH("branch"),
        /** Replacing the 3x3 conv of the block (the module sets stride and width). */
        CONV("conv"),
        /** Replacing the residual addition with a fusion of branch and identity. */
        FUSION("fusion"),
        /** After the last block of a stage. */
        STAGE_END("stage-end"),
        /** A stand-alone block after chosen residual blocks. */
        AFTER_BLOCK("after-block");

        private final String id;

        Position(String id) {
            this.id = id;
        }

        /**
         * The name in specs and configs.
         *
         * @return the name
         */
        @JsonValue
        public String id() {
            return id;
        }

        /**
         * Parses a name.
         *
         * @param id the name
         * @return the position
         * @throws IllegalArgumentException naming the valid ones
         */
        @JsonCreator
        public static Position of(String id) {
            for (Position p : values()) {
                if (p.id.equals(id)) {
                    return p;
                }
            }
            throw new IllegalArgumentException(
                    "unknown attention position '" + id + "'; valid: " + Arrays.toString(values()));
        }

        /** {@inheritDoc} */
        @Override
        public String toString() {
            return id;
        }
    }

    /** Which blocks of a stage get a stand-alone module. */
    public enum Blocks {
        /** Every block. */
        ALL("all"),
        /** Blocks 1, 3, 5, ... (0-based; the only block of a one-block stage). */
        EVERY_OTHER("every-other"),
        /** The last block. */
        LAST("last");

        private final String id;

        Blocks(String id) {
            this.id = id;
        }

        /**
         * The name in specs and configs.
         *
         * @return the name
         */
        @JsonValue
        public String id() {
            return id;
        }

        /**
         * Parses a name.
         *
         * @param id the name
         * @return the selection
         * @throws IllegalArgumentException naming the valid ones
         */
        @JsonCreator
        public static Blocks of(String id) {
            for (Blocks b : values()) {
                if (b.id.equals(id)) {
                    return b;
                }
            }
            throw new IllegalArgumentException(
                    "unknown attention block selection '" + id + "'; valid: " + Arrays.toString(values()));
        }

        /** {@inheritDoc} */
        @Override
        public String toString() {
            return id;
        }
    }
}
