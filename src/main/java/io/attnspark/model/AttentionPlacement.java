package io.attnspark.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.attnspark.nn.AttentionOptions;
import io.attnspark.nn.Attentions;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

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
     * nearest one the issue names):
     *
     * <ul>
     *   <li>{@code se}, {@code eca}, {@code cbam}, {@code triplet}, {@code mscam}: on the branch
     *       after the last conv + BN, every block of every stage (SE-ResNet, ECA-Net, CBAM and
     *       triplet attention code); reduction ratios are the blocks' defaults (16; ECA k=3).
     *       {@code mscam}: r=4 on CIFAR, r=16 on ImageNet-style backbones (the AFF paper's
     *       ImageNet models, open-aff's {@code div16} logs).
     *   <li>{@code gsop}: on the branch of the last block of every stage (GSoP-Net1's {@code
     *       main.py attpos}), att_dim 128; on ImageNet-style backbones {@code dr_stride} 2 where
     *       the block's planes are at most 64, as its {@code Bottleneck}.
     *   <li>{@code gc}: on the branch, stages 2..S (GCNet's c3-c5), ratio 1/16.
     *   <li>{@code bam}: after each stage but the last (BAM's "bottlenecks"), reduction 16, dilation 4.
     *   <li>{@code sk}, {@code splat}: replace the 3x3 conv of every block (bottleneck: the middle
     *       conv; basic block: the first), with the backbone's groups (SKNet: M=2, r=16, L=32;
     *       ResNeSt: radix 2, reduction factor 4, BN inside).
     *   <li>{@code aff}, {@code iaff}: replace the residual addition of every block (AFF-ResNet,
     *       iAFF-ResNet); r=4 on CIFAR, r=16 on ImageNet-style backbones.
     *   <li>{@code nonlocal}, {@code a2}: stand-alone after every other block (1, 3, 5, ...) of
     *       stages 2..S-1 (Non-local's 5 blocks in res3 + res4 of ResNet-50; A²-Net's placement);
     *       CIFAR (3 stages): stage 2.
     *   <li>{@code danet-pam}, {@code danet-cam}, {@code cc}: stand-alone after the last block of
     *       the last stage (DANet's and CCNet's heads sit on the final features); {@code cc} with
     *       recurrence 2 (RCCA).
     * </ul>
     *
     * @param module the registry name
     * @param backbone the backbone
     * @return the placement
     * @throws IllegalArgumentException for an unknown module
     */
    public static AttentionPlacement defaults(String module, Backbone backbone) {
        int s = backbone.isCifar() ? 3 : 4;
        List<Integer> all = range(1, s);
        Map<String, Object> none = Map.of();
        Map<String, Object> r = backbone.isCifar() ? none : Map.of("r", 16);
        return switch (Attentions.entry(module).name()) {
            case "se", "eca", "cbam", "triplet" -> new AttentionPlacement(Position.BRANCH, all, Blocks.ALL, none);
            case "gsop" -> new AttentionPlacement(Position.BRANCH, all, Blocks.LAST, none);
            case "mscam" -> new AttentionPlacement(Position.BRANCH, all, Blocks.ALL, r);
            case "gc" -> new AttentionPlacement(Position.BRANCH, range(2, s), Blocks.ALL, none);
            case "bam" -> new AttentionPlacement(Position.STAGE_END, range(1, s - 1), Blocks.LAST, none);
            case "sk", "splat" -> new AttentionPlacement(Position.CONV, all, Blocks.ALL, none);
            case "aff", "iaff" -> new AttentionPlacement(Position.FUSION, all, Blocks.ALL, r);
            case "nonlocal", "a2" ->
                    new AttentionPlacement(Position.AFTER_BLOCK, range(2, Math.max(2, s - 1)), Blocks.EVERY_OTHER, none);
            case "danet-pam", "danet-cam" -> new AttentionPlacement(Position.AFTER_BLOCK, List.of(s), Blocks.LAST, none);
            case "cc" -> new AttentionPlacement(Position.AFTER_BLOCK, List.of(s), Blocks.LAST, Map.of("recurrence", 2));
            default -> throw new IllegalArgumentException("no default placement for attention '" + module + "'");
        };
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().toList();
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
