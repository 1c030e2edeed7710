package io.attnspark.model;

import io.attnspark.nn.BackboneFamily;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The backbone families and their stage layouts: the CIFAR-style ResNet of He et al. section 4.2
 * (3x3 stem, three stages of basic blocks, depth 6n+2), the ImageNet-style ResNet of He et al. and
 * torchvision (7x7 stem + max-pool, four stages; basic blocks for 18/34, bottlenecks for 50/101),
 * and ResNeXt 32x4d (Xie et al., "Aggregated Residual Transformations for Deep Neural Networks",
 * https://arxiv.org/abs/1611.05431; torchvision's {@code resnext50_32x4d}).
 */
public enum Backbone {

    /** The CIFAR-style ResNet, depth 6n+2. */
    RESNET_CIFAR("resnet-cifar"),

    /** The ImageNet-style ResNet, depth 18, 34, 50, 101 or 152. */
    RESNET("resnet"),

    /** ResNeXt with 32 groups of width 4 in the first stage, depth 50, 101 or 152. */
    RESNEXT_32X4D("resnext-32x4d");

    private final String id;

    Backbone(String id) {
        this.id = id;
    }

    /**
     * The name used in specs and configs.
     *
     * @return the name, e.g. {@code resnet}
     */
    public String id() {
        return id;
    }

    /**
     * The backbone of a spec name.
     *
     * @param id the name ({@code resnet-cifar}, {@code resnet}, {@code resnext-32x4d})
     * @return the backbone
     * @throws IllegalArgumentException naming the valid names
     */
    public static Backbone of(String id) {
        for (Backbone b : values()) {
            if (b.id.equals(id)) {
                return b;
            }
        }
        throw new IllegalArgumentException(
                "unknown backbone '" + id + "'; valid: " + Arrays.stream(values()).map(Backbone::id).toList());
    }

    /**
     * Whether this is the small-image (CIFAR) backbone.
     *
     * @return true for {@link #RESNET_CIFAR}
     */
    public boolean isCifar() {
        return this == RESNET_CIFAR;
    }

    /**
     * The family whose paper placements apply ({@link io.attnspark.nn.Attentions.Entry#placement}).
     *
     * @return the family
     */
    public BackboneFamily family() {
        return isCifar() ? BackboneFamily.CIFAR : BackboneFamily.IMAGENET;
    }

    /**
     * The stage layout for a depth.
     *
     * @param depth the depth
     * @return the layout
     * @throws IllegalArgumentException if the backbone has no such depth
     */
    public Layout layout(int depth) {
        switch (this) {
            case RESNET_CIFAR:
                int n = CifarResNet.blocksPerStage(depth);
                return new Layout(new int[] {n, n, n}, new int[] {16, 32, 64}, false, 1, 0);
            case RESNET:
                return switch (depth) {
                    case 18 -> imagenet(new int[] {2, 2, 2, 2}, false, 1, 64);
                    case 34 -> imagenet(new int[] {3, 4, 6, 3}, false, 1, 64);
                    case 50 -> imagenet(new int[] {3, 4, 6, 3}, true, 1, 64);
                    case 101 -> imagenet(new int[] {3, 4, 23, 3}, true, 1, 64);
                    case 152 -> imagenet(new int[] {3, 8, 36, 3}, true, 1, 64);
                    default -> throw badDepth(depth, "18, 34, 50, 101, 152");
                };
            case RESNEXT_32X4D:
                return switch (depth) {
                    case 50 -> imagenet(new int[] {3, 4, 6, 3}, true, 32, 4);
                    case 101 -> imagenet(new int[] {3, 4, 23, 3}, true, 32, 4);
                    case 152 -> imagenet(new int[] {3, 8, 36, 3}, true, 32, 4);
                    default -> throw badDepth(depth, "50, 101, 152");
                };
            default:
                throw new AssertionError(this);
        }
    }

    private static Layout imagenet(int[] blocks, boolean bottleneck, int groups, int widthPerGroup) {
        return new Layout(blocks, new int[] {64, 128, 256, 512}, bottleneck, groups, widthPerGroup);
    }

    private IllegalArgumentException badDepth(int depth, String valid) {
        return new IllegalArgumentException(
                String.format(Locale.ROOT, "backbone %s has no depth %d; valid depths: %s", id, depth, valid));
    }

    /**
     * Parses a model name as the {@code models} command takes it: {@code resnet50}, {@code
     * resnet-50}, {@code resnext50_32x4d}, {@code resnext50-32x4d}, {@code resnet-cifar-20}; a
     * ResNet depth of the form 6n+2 ({@code resnet20}, {@code resnet56}) names the CIFAR ResNet.
     *
     * @param name the name
     * @return the backbone and depth
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Choice parse(String name) {
        String s = name.toLowerCase(Locale.ROOT).replace('_', '-');
        try {
            if (s.startsWith("resnet-cifar-") || s.startsWith("resnet-cifar")) {
                return new Choice(RESNET_CIFAR, checked(RESNET_CIFAR, Integer.parseInt(s.replaceAll("^resnet-cifar-?", ""))));
            }
            if (s.startsWith("resnext") && s.endsWith("-32x4d")) {
                String d = s.substring("resnext".length(), s.length() - "-32x4d".length()).replace("-", "");
                return new Choice(RESNEXT_32X4D, checked(RESNEXT_32X4D, Integer.parseInt(d)));
            }
            if (s.startsWith("resnet")) {
                int depth = Integer.parseInt(s.substring("resnet".length()).replace("-", ""));
                boolean imagenet = List.of(18, 34, 50, 101, 152).contains(depth);
                return new Choice(imagenet ? RESNET : RESNET_CIFAR, checked(imagenet ? RESNET : RESNET_CIFAR, depth));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(
                "unknown backbone '" + name + "'; valid: resnet18, resnet34, resnet50, resnet101, resnet152, "
                        + "resnext50_32x4d, resnext101_32x4d, resnet-cifar-<6n+2> (e.g. resnet-cifar-20, resnet56)");
    }

    private static int checked(Backbone b, int depth) {
        b.layout(depth);
        return depth;
    }

    /**
     * A backbone with a depth.
     *
     * @param backbone the family
     * @param depth the depth
     */
    public record Choice(Backbone backbone, int depth) {

        /**
         * A display name such as {@code resnet50}, {@code resnext50_32x4d}, {@code resnet-cifar-20}.
         *
         * @return the name
         */
        public String displayName() {
            return switch (backbone) {
                case RESNET -> "resnet" + depth;
                case RESNEXT_32X4D -> "resnext" + depth + "_32x4d";
                case RESNET_CIFAR -> "resnet-cifar-" + depth;
            };
        }
    }

    /**
     * A backbone's stages.
     *
     * @param blocks residual blocks per stage
     * @param planes each stage's planes (block output channels before the bottleneck expansion)
     * @param bottleneck bottleneck blocks (1x1-3x3-1x1, expansion 4) rather than basic blocks
     * @param groups cardinality of the 3x3 convs (1 for ResNet)
     * @param widthPerGroup channels per group at 64 planes (ResNeXt's "d"; 0 for basic blocks)
     */
    public record Layout(int[] blocks, int[] planes, boolean bottleneck, int groups, int widthPerGroup) {

        /** The output channels of a bottleneck relative to its planes. */
        public static final int EXPANSION = 4;

        /**
         * The number of stages.
         *
         * @return the stages
         */
        public int stages() {
            return blocks.length;
        }

        /**
         * The output channels of a stage's blocks.
         *
         * @param stage the stage, 1-based
         * @return the channels
         */
        public int outChannels(int stage) {
            return planes[stage - 1] * (bottleneck ? EXPANSION : 1);
        }

        /**
         * The width of a bottleneck's 3x3 conv, as torchvision: {@code int(planes * d / 64) *
         * groups}.
         *
         * @param stage the stage, 1-based
         * @return the width
         */
        public int bottleneckWidth(int stage) {
            return planes[stage - 1] * widthPerGroup / 64 * groups;
        }

        /** {@inheritDoc} */
        @Override
        public String toString() {
            return Arrays.stream(blocks).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]"))
                    + (bottleneck ? " bottleneck" : " basic")
                    + (groups > 1 ? " " + groups + "x" + widthPerGroup + "d" : "");
        }
    }
}
