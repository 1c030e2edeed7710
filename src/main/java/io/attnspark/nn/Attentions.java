package io.attnspark.nn;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

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
     * One registered block.
     *
     * @param name the registry name
     * @param group the cost group ({@link #LIGHTWEIGHT}, ...)
     * @param channelKeys the reference constructor's keyword(s) for the input channel count
     * @param defaultChannels the reference's default channel count, or null if it has none
     * @param options the options the block reads (channel keywords included)
     * @param factory makes the block from the channel count and the options
     */
    public record Entry(
            String name,
            String group,
            List<String> channelKeys,
            Integer defaultChannels,
            Set<String> options,
            BiFunction<Integer, AttentionOptions, AttentionBlock> factory) {}

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    /**
     * Reference keyword arguments that select layers or features these blocks only have in their
     * default form: accepted with the default value (so that a config written for the reference
     * runs), rejected otherwise.
     */
    private static final Map<String, List<Object>> DEFAULT_ONLY =
            Map.of(
                    "act_layer", List.of("relu", "nn.relu"),
                    "gate_layer", List.of("sigmoid", "nn.sigmoid"),
                    "aa_layer", List.of(),
                    "drop_layer", List.of(),
                    "use_mlp", List.of(false),
                    "dimension", List.of(2));

    static {
        // lightweight, added beside existing convs
        add("se", LIGHTWEIGHT, List.of("channels", "channel"), null, SqueezeExcite.OPTIONS, SqueezeExcite::new);
        add("eca", LIGHTWEIGHT, List.of("channel", "channels"), null, EfficientChannelAttention.OPTIONS,
                EfficientChannelAttention::new);
        add("cbam", LIGHTWEIGHT, List.of("gate_channels", "channels"), null, Cbam.OPTIONS, Cbam::new);
        add("gc", LIGHTWEIGHT, List.of("inplanes"), null, GlobalContext.OPTIONS, GlobalContext::new);
        add("bam", LIGHTWEIGHT, List.of("gate_channel"), null, BottleneckAttention.OPTIONS, BottleneckAttention::new);
        add("triplet", LIGHTWEIGHT, List.of("channels", "gate_channels"), null, TripletAttention.OPTIONS,
                TripletAttention::new);
        add("gsop", LIGHTWEIGHT, List.of("in_channels"), null, GsopChannelAttention.OPTIONS, GsopChannelAttention::new);
        add("mscam", LIGHTWEIGHT, List.of("channels"), 64, MultiScaleChannelAttention.OPTIONS,
                MultiScaleChannelAttention::new);
        // replaces a conv
        add("sk", REPLACES_CONV, List.of("in_channels"), null, SelectiveKernel.OPTIONS, SelectiveKernel::new);
        add("splat", REPLACES_CONV, List.of("in_channels"), null, SplitAttentionConv.OPTIONS, SplitAttentionConv::new);
        // feature fusion (two inputs)
        add("aff", FUSION, List.of("channels"), 64, AttentionalFeatureFusion.OPTIONS, AttentionalFeatureFusion::new);
        add("iaff", FUSION, List.of("channels"), 64, IterativeAttentionalFeatureFusion.OPTIONS,
                IterativeAttentionalFeatureFusion::new);
        // self-attention
        add("a2", SELF_ATTENTION, List.of("in_channels", "in_c"), null, DoubleAttention.OPTIONS, DoubleAttention::new);
        add("nonlocal", SELF_ATTENTION, List.of("in_channels"), null, NonLocal.OPTIONS, NonLocal::new);
        add("danet-pam", SELF_ATTENTION, List.of("in_dim"), null, PositionAttention.OPTIONS, PositionAttention::new);
        add("danet-cam", SELF_ATTENTION, List.of("in_dim"), null, ChannelAttention.OPTIONS, ChannelAttention::new);
        add("cc", SELF_ATTENTION, List.of("in_dim"), null, CrissCrossAttention.OPTIONS, CrissCrossAttention::new);
    }

    private Attentions() {}

    private static void add(
            String name,
            String group,
            List<String> channelKeys,
            Integer defaultChannels,
            Set<String> options,
            BiFunction<Integer, AttentionOptions, AttentionBlock> factory) {
        Set<String> all = new HashSet<>(options);
        all.addAll(channelKeys);
        all.add(AttentionOptions.IMPL);
        ENTRIES.put(
                name,
                new Entry(name, group, channelKeys, defaultChannels, Collections.unmodifiableSet(all), factory));
    }

    /**
     * The registered names, in registry order (grouped by cost).
     *
     * @return the names
     */
    public static Set<String> names() {
        return Collections.unmodifiableSet(ENTRIES.keySet());
    }

    /**
     * One registered block.
     *
     * @param name the registry name
     * @return the entry
     * @throws IllegalArgumentException naming the valid names if there is no such block
     */
    public static Entry entry(String name) {
        Entry e = ENTRIES.get(name);
        if (e == null) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "unknown attention block '%s'; valid names: %s",
                            name,
                            String.join(", ", ENTRIES.keySet())));
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
                Object norm = v instanceof String str ? str.toLowerCase(Locale.ROOT) : v;
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
