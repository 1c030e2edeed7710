package io.attnspark.nn;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * timm's names for the options several blocks share, besides the reduced width ({@link
 * ReducedWidth}): {@code kernel_size}, {@code act_layer}, {@code gate_layer}, {@code use_bias}.
 * A block takes them wherever it has the concept, so that one ablation axis reaches every block; a
 * reference's own keyword for the same thing stays accepted as its alias ({@code k_size} in ECA,
 * {@code spatial_kernel_size} in timm's CBAM, {@code bias} in SE and SplAt, {@code mlp_bias} in
 * CBAM), so that reference configs still load. Giving both with different values is an error naming
 * the two. Where a reference fixes the thing (an activation it takes no argument for, a bias it
 * always or never has), the block accepts that value only; blocks without any choice of activation
 * or gate accept the timm defaults {@code relu} and {@code sigmoid} ({@link Attentions#create}).
 */
public final class TimmNames {

    /** The kernel size of the block's own convolution(s). */
    public static final String KERNEL_SIZE = "kernel_size";

    /** The activation inside the block ({@link Activations} lists the names). */
    public static final String ACT_LAYER = "act_layer";

    /** The gate's squashing function ({@link Activations} lists the names). */
    public static final String GATE_LAYER = "gate_layer";

    /** Whether the block's attention layers have a bias. */
    public static final String USE_BIAS = "use_bias";

    /**
     * The shared names, each with the reference keywords that are its aliases in some block (a block
     * takes an alias only if it lists it among its options).
     */
    public static final Map<String, List<String>> ALIASES =
            Map.of(
                    KERNEL_SIZE, List.of("k_size", "spatial_kernel_size"),
                    ACT_LAYER, List.of(),
                    GATE_LAYER, List.of(),
                    USE_BIAS, List.of("bias", "mlp_bias"));

    private TimmNames() {}

    /**
     * The options with a reference keyword folded into timm's name for it, which the block then reads.
     *
     * @param block the block name, for the message
     * @param options the options as given
     * @param timmKey timm's name ({@link #USE_BIAS}, ...)
     * @param referenceKey the reference's keyword for the same thing
     * @return the options without {@code referenceKey}, its value under {@code timmKey}
     * @throws IllegalArgumentException naming both keys if both are given with different values
     */
    static AttentionOptions alias(String block, AttentionOptions options, String timmKey, String referenceKey) {
        if (!options.has(referenceKey)) {
            return options;
        }
        Object own = options.asMap().get(referenceKey);
        if (options.has(timmKey)) {
            Object timm = options.asMap().get(timmKey);
            if (!same(timm, own)) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "%s: %s=%s and %s=%s (the reference's name for it) disagree; give one of them",
                                block,
                                timmKey,
                                timm,
                                referenceKey,
                                own));
            }
            return options.without(List.of(referenceKey));
        }
        return options.renamed(referenceKey, timmKey);
    }

    /**
     * Fails unless an option the reference fixes is absent or has the fixed value.
     *
     * @param block the block name, for the message
     * @param options the options
     * @param key the option
     * @param fixed the reference's value
     * @param where when the reference fixes it, for the message ({@code "with ref=selayer"})
     * @throws IllegalArgumentException naming the option, its value and the only accepted one
     */
    static void fixed(String block, AttentionOptions options, String key, boolean fixed, String where) {
        if (options.getBoolean(key, fixed) != fixed) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s: option %s=%s is not supported %s; only the reference's %s",
                            block,
                            options.given(key),
                            options.asMap().get(key),
                            where,
                            fixed));
        }
    }

    /**
     * The {@code kernel_size} of a block that pads to keep the spatial size ({@code (k - 1) / 2} on
     * each side).
     *
     * @param block the block name, for the message
     * @param options the options
     * @param def the reference's kernel size
     * @return the kernel size
     * @throws IllegalArgumentException naming the key given unless the size is odd and positive
     */
    static int oddKernelSize(String block, AttentionOptions options, int def) {
        int k = options.getInt(KERNEL_SIZE, def);
        if (k < 1 || k % 2 == 0) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s: %s must be odd and positive (the block pads to keep the size), got %d",
                            block,
                            options.given(KERNEL_SIZE),
                            k));
        }
        return k;
    }

    /** Equal values, numbers by value (HOCON may give 5 or 5.0), lists element by element. */
    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof Collection<?> x && b instanceof Collection<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            Iterator<?> i = x.iterator();
            for (Object o : y) {
                if (!same(i.next(), o)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
