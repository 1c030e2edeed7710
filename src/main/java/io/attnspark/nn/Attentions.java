package io.attnspark.nn;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The attention blocks by short name, in the spirit of timm's {@code create_attn}: {@code
 * create("se", 64, options)}. Every factory takes the channel count first and the shared {@link
 * AttentionOptions}; an unknown name or option fails with the valid ones listed.
 */
public final class Attentions {

    /** Cheap gates added beside existing convolutions. */
    public static final String LIGHTWEIGHT = "lightweight, added beside existing convs";

    /** Blocks that replace a convolution (they change the channel count or stride). */
    public static final String REPLACES_CONV = "replaces a conv";

    /** Blocks with pairwise (position-to-position or channel-to-channel) attention. */
    public static final String SELF_ATTENTION = "self-attention";

    /** Blocks that fuse two inputs {@code x} and {@code y} of one shape. */
    public static final String FUSION = "feature fusion (two inputs)";

    /**
     * One registered block: everything about it, so that a new module is one file plus one entry.
     *
     * @param name the registry name
     * @param group the cost group ({@link #LIGHTWEIGHT}, ...)
     * @param channelKeys the reference constructor's keyword(s) for the input channel count
     * @param defaultChannels the reference's default channel count, or null if it has none
     * @param options the options the block reads (channel keywords included)
     * @param factory makes the block from the channel count and the options
     * @param placement where its paper puts it in each backbone family
     * @param perBlock what a backbone adds to its options in each block (conv-replacing widths, ...)
     */
    public record Entry(
            String name,
            String group,
            List<String> channelKeys,
            Integer defaultChannels,
            Set<String> options,
            BiFunction<Integer, AttentionOptions, AttentionBlock> factory,
            Function<BackboneFamily, DefaultPlacement> placement,
            PerBlockOptions perBlock) {

        /** Adds the keys every block accepts and freezes the option set. */
        public Entry {
            Set<String> all = new HashSet<>(options);
            all.addAll(channelKeys);
            all.add(AttentionOptions.IMPL);
            options = Collections.unmodifiableSet(all);
            channelKeys = List.copyOf(channelKeys);
        }
    }

    /** Copied on registration, so that readers need no lock; in registration order. */
    private static volatile Map<String, Entry> entries = Map.of();

    /**
     * Reference keyword arguments that select layers or features these blocks only have in their
     * default form: accepted with the default value (so that a config written for the reference
     * runs), rejected otherwise. Layer names compare in {@link Activations#canonical} spelling.
     */
    private static final Map<String, List<Object>> DEFAULT_ONLY =
            Map.of(
                    TimmNames.ACT_LAYER, List.of("relu"),
                    TimmNames.GATE_LAYER, List.of("sigmoid"),
                    "aa_layer", List.of(),
                    "drop_layer", List.of(),
                    "use_mlp", List.of(false),
                    "dimension", List.of(2));

    static {
        // lightweight, added beside existing convs
        add("se", LIGHTWEIGHT, List.of("channels", "channel"), null, SqueezeExcite.OPTIONS, SqueezeExcite::new,
                everyBranch(), PerBlockOptions.NONE);
        add("eca", LIGHTWEIGHT, List.of("channel", "channels"), null, EfficientChannelAttention.OPTIONS,
                EfficientChannelAttention::new, everyBranch(), PerBlockOptions.NONE);
        add("cbam", LIGHTWEIGHT, List.of("gate_channels", "channels"), null, Cbam.OPTIONS, Cbam::new,
                everyBranch(), PerBlockOptions.NONE);
        // GCNet: after the 1x1 conv of every block in stages c3-c5
        add("gc", LIGHTWEIGHT, List.of("inplanes"), null, GlobalContext.OPTIONS, GlobalContext::new,
                f -> new DefaultPlacement("branch", DefaultPlacement.stages(2, 0), "all", Map.of()),
                PerBlockOptions.NONE);
        // BAM: at the bottlenecks between stages
        add("bam", LIGHTWEIGHT, List.of("gate_channel"), null, BottleneckAttention.OPTIONS, BottleneckAttention::new,
                f -> new DefaultPlacement("stage-end", DefaultPlacement.stages(1, 1), "last", Map.of()),
                PerBlockOptions.NONE);
        add("triplet", LIGHTWEIGHT, List.of("channels", "gate_channels"), null, TripletAttention.OPTIONS,
                TripletAttention::new, everyBranch(), PerBlockOptions.NONE);
        // GSoP-Net1: the last block of every stage; its Bottleneck uses DR_stride 2 where planes <= 64
        add("gsop", LIGHTWEIGHT, List.of("in_channels"), null, GsopChannelAttention.OPTIONS, GsopChannelAttention::new,
                f -> new DefaultPlacement("branch", DefaultPlacement.stages(1, 0), "last", Map.of()),
                (site, options) -> site.family() == BackboneFamily.IMAGENET
                        ? Map.of("dr_stride", site.planes() > 64 ? 1 : 2) : Map.of());
        // open-aff's ImageNet AFF/iAFF-ResNet-50 (train_imagenet.py --start-layer 3, AFFBottleneck r=16);
        // its CIFAR models fuse in every stage (start layer 1) with r=4.
        add("mscam", LIGHTWEIGHT, List.of("channels"), 64, MultiScaleChannelAttention.OPTIONS,
                MultiScaleChannelAttention::new, openAff("branch"), PerBlockOptions.NONE);
        // replaces a conv
        add("sk", REPLACES_CONV, List.of("in_channels"), null, SelectiveKernel.OPTIONS, SelectiveKernel::new,
                everyConv(), Attentions::selectiveKernelConv);
        add("splat", REPLACES_CONV, List.of("in_channels"), null, SplitAttentionConv.OPTIONS, SplitAttentionConv::new,
                everyConv(), Attentions::splitAttentionConv);
        // feature fusion (two inputs)
        add("aff", FUSION, List.of("channels"), 64, AttentionalFeatureFusion.OPTIONS, AttentionalFeatureFusion::new,
                openAff("fusion"), PerBlockOptions.NONE);
        add("iaff", FUSION, List.of("channels"), 64, IterativeAttentionalFeatureFusion.OPTIONS,
                IterativeAttentionalFeatureFusion::new, openAff("fusion"), PerBlockOptions.NONE);
        // self-attention: Non-local's 5-block variant (idx % 2 == 1 of res3, res4); A²-Net likewise
        add("a2", SELF_ATTENTION, List.of("in_channels", "in_c"), null, DoubleAttention.OPTIONS, DoubleAttention::new,
                f -> new DefaultPlacement("after-block", DefaultPlacement.stages(2, 1), "every-other", Map.of()),
                PerBlockOptions.NONE);
        add("nonlocal", SELF_ATTENTION, List.of("in_channels"), null, NonLocal.OPTIONS, NonLocal::new,
                f -> new DefaultPlacement("after-block", DefaultPlacement.stages(2, 1), "every-other", Map.of()),
                PerBlockOptions.NONE);
        // DANet's and CCNet's heads sit on the final features
        add("danet-pam", SELF_ATTENTION, List.of("in_dim"), null, PositionAttention.OPTIONS, PositionAttention::new,
                finalFeatures(Map.of()), PerBlockOptions.NONE);
        add("danet-cam", SELF_ATTENTION, List.of("in_dim"), null, ChannelAttention.OPTIONS, ChannelAttention::new,
                finalFeatures(Map.of()), PerBlockOptions.NONE);
        add("cc", SELF_ATTENTION, List.of("in_dim"), null, CrissCrossAttention.OPTIONS, CrissCrossAttention::new,
                finalFeatures(Map.of("recurrence", 2)), PerBlockOptions.NONE);
    }

    private Attentions() {}

    private static void add(
            String name,
            String group,
            List<String> channelKeys,
            Integer defaultChannels,
            Set<String> options,
            BiFunction<Integer, AttentionOptions, AttentionBlock> factory,
            Function<BackboneFamily, DefaultPlacement> placement,
            PerBlockOptions perBlock) {
        register(new Entry(name, group, channelKeys, defaultChannels, options, factory, placement, perBlock));
    }

    /**
     * Registers a block, for example one defined outside this package; the name must be new.
     *
     * @param entry the block's entry
     * @return closing it removes the entry again (for tests and plug-ins with a lifetime)
     * @throws IllegalArgumentException if the name is taken
     */
    public static synchronized AutoCloseable register(Entry entry) {
        if (entries.containsKey(entry.name())) {
            throw new IllegalArgumentException("attention block '" + entry.name() + "' is already registered");
        }
        Map<String, Entry> next = new LinkedHashMap<>(entries);
        next.put(entry.name(), entry);
        entries = Collections.unmodifiableMap(next);
        return () -> unregister(entry);
    }

    private static synchronized void unregister(Entry entry) {
        Map<String, Entry> next = new LinkedHashMap<>(entries);
        next.remove(entry.name(), entry);
        entries = Collections.unmodifiableMap(next);
    }

    /** SE, ECA, CBAM, Triplet: on the branch of every block. */
    private static Function<BackboneFamily, DefaultPlacement> everyBranch() {
        return f -> new DefaultPlacement("branch", DefaultPlacement.stages(1, 0), "all", Map.of());
    }

    /** SKNet, ResNeSt: in place of every block's 3x3 conv. */
    private static Function<BackboneFamily, DefaultPlacement> everyConv() {
        return f -> new DefaultPlacement("conv", DefaultPlacement.stages(1, 0), "all", Map.of());
    }

    /** open-aff: every stage with r=4 on CIFAR; stages 3 on with r=16 on ImageNet. */
    private static Function<BackboneFamily, DefaultPlacement> openAff(String position) {
        return f -> f == BackboneFamily.CIFAR
                ? new DefaultPlacement(position, DefaultPlacement.stages(1, 0), "all", Map.of())
                : new DefaultPlacement(position, DefaultPlacement.stages(3, 0), "all", Map.of("r", 16));
    }

    private static Function<BackboneFamily, DefaultPlacement> finalFeatures(Map<String, Object> options) {
        return f -> new DefaultPlacement("after-block", DefaultPlacement.lastStage(), "last", options);
    }

    /** SKNet's SKUnit: the conv's widths, stride and groups; d = max(C/r, L) with r = 16, L = 32. */
    private static Map<String, Object> selectiveKernelConv(PerBlockOptions.Site site, AttentionOptions options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stride", site.stride());
        m.put("out_channels", site.out());
        m.put("groups", site.groups());
        if (!options.has("rd_ratio") && !options.has("rd_divisor")) {
            m.put("rd_channels", Math.max(site.out() / 16, 32));
        }
        return m;
    }

    /**
     * ResNeSt's bottleneck: SplAtConv2d(width, width, 3, stride, padding=1, groups, bias=False, norm_layer=BN);
     * a bias in the spec's options under timm's name wins (under the reference's, it replaces this one).
     */
    private static Map<String, Object> splitAttentionConv(PerBlockOptions.Site site, AttentionOptions options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stride", site.stride());
        m.put("channels", site.out());
        m.put("kernel_size", 3);
        m.put("padding", 1);
        m.put("groups", site.groups());
        if (!options.has(TimmNames.USE_BIAS)) {
            m.put("bias", false);
        }
        m.put("norm_layer", "BatchNorm2d");
        return m;
    }

    /**
     * The registered names, in registry order (grouped by cost).
     *
     * @return the names
     */
    public static Set<String> names() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    /**
     * One registered block.
     *
     * @param name the registry name
     * @return the entry
     * @throws IllegalArgumentException naming the valid names if there is no such block
     */
    public static Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "unknown attention block '%s'; valid names: %s",
                            name,
                            String.join(", ", entries.keySet())));
        }
        return e;
    }

    /**
     * Creates a block.
     *
     * @param name the registry name
     * @param channels the input channel count
     * @param options the options (a channel keyword among them must agree with {@code channels})
     * @return the new, uninitialised block
     * @throws IllegalArgumentException for an unknown name, an unknown or invalid option
     */
    public static AttentionBlock create(String name, int channels, AttentionOptions options) {
        Entry e = entry(name);
        for (Map.Entry<String, List<Object>> d : DEFAULT_ONLY.entrySet()) {
            String key = d.getKey();
            if (options.has(key) && !e.options().contains(key)) {
                Object v = options.asMap().get(key);
                Object norm = v instanceof String str ? Activations.canonical(str) : v;
                if (!d.getValue().contains(norm)) {
                    throw new IllegalArgumentException(
                            String.format(
                                    Locale.ROOT,
                                    "%s: option %s=%s is not supported; only the reference default %s",
                                    name,
                                    key,
                                    v,
                                    d.getValue().isEmpty() ? "(none)" : d.getValue().get(0)));
                }
                options = options.without(List.of(key));
            }
        }
        options.requireKnown(name, e.options());
        for (String key : e.channelKeys()) {
            if (options.has(key) && options.getInt(key, channels) != channels) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "%s: option %s=%s disagrees with the channel count %d",
                                name,
                                key,
                                options.asMap().get(key),
                                channels));
            }
        }
        return e.factory().apply(channels, options);
    }

    /**
     * Creates a block with the default options (its default reference).
     *
     * @param name the registry name
     * @param channels the input channel count
     * @return the new, uninitialised block
     */
    public static AttentionBlock create(String name, int channels) {
        return create(name, channels, AttentionOptions.defaults());
    }

    /**
     * The channel count a reference config names (its channel keyword), else the reference's
     * default, else the given fallback (for example the input's channel count).
     *
     * @param name the registry name
     * @param options the config
     * @param fallback used when the config and the reference give none; may be null
     * @return the channel count, or null if none is known
     */
    public static Integer channelsOf(String name, AttentionOptions options, Integer fallback) {
        Entry e = entry(name);
        for (String key : e.channelKeys()) {
            if (options.has(key)) {
                return options.getInt(key, 0);
            }
        }
        return e.defaultChannels() != null ? e.defaultChannels() : fallback;
    }
}
