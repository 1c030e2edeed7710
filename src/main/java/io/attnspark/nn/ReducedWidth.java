package io.attnspark.nn;

import java.util.Locale;

/**
 * A block's reduced (bottleneck) width, read in timm's vocabulary or, failing that, under the
 * reference's own keyword, so that one ablation axis ({@code rd_ratio}) reaches every block:
 *
 * <ul>
 *   <li>{@code rd_channels} (when above 0) is the width itself; the reference's own explicit width
 *       keyword ({@code planes} in GC, {@code inter_channels} in Non-local) is its alias;
 *   <li>{@code rd_ratio} gives timm's {@code make_divisible(C * rd_ratio, rd_divisor)} (round to the
 *       nearest multiple of {@code rd_divisor}, at least one multiple), {@code rd_divisor} defaulting
 *       to the block's own (1 where the reference has none);
 *   <li>otherwise the reference keyword keeps the reference's own arithmetic: {@code C // r} for a
 *       divisor ({@code reduction_ratio} 16 in BAM), {@code int(C * ratio)} for a ratio ({@code
 *       ratio} 1/16 in GC). With {@code rd_ratio = 1/r} and C a multiple of r the two agree.
 * </ul>
 *
 * The timm names take precedence over the reference's, as {@code rd_channels} does over {@code
 * rd_ratio} in timm: a backbone's per-paper default in the reference's terms (MS-CAM's {@code r=16} on
 * ImageNet-style backbones) thus yields to an ablation axis over {@code rd_ratio}. Giving both
 * explicit widths ({@code rd_channels} and the reference's width keyword) is an error naming the two.
 *
 * @param block the block name, for messages
 * @param referenceKey the reference's reduction keyword ({@code reduction_ratio}, {@code r}, ...)
 * @param referenceDefault its default value
 * @param divides true if the reference divides by it ({@code C // r}), false if it multiplies
 * @param widthAlias the reference's explicit-width keyword, or null
 * @param divisor the default {@code rd_divisor}
 */
record ReducedWidth(
        String block, String referenceKey, double referenceDefault, boolean divides, String widthAlias, int divisor) {

    /** The timm options every block with a reduced width accepts. */
    static final java.util.Set<String> TIMM_OPTIONS = java.util.Set.of("rd_ratio", "rd_channels", "rd_divisor");

    /** A reference that divides the channels by an integer keyword ({@code C // r}). */
    static ReducedWidth dividing(String block, String key, int byDefault) {
        return new ReducedWidth(block, key, byDefault, true, null, 1);
    }

    /** A reference that multiplies the channels by a ratio keyword ({@code int(C * ratio)}). */
    static ReducedWidth multiplying(String block, String key, double byDefault) {
        return new ReducedWidth(block, key, byDefault, false, null, 1);
    }

    /** The same with the reference's keyword for an explicit width. */
    ReducedWidth withWidthAlias(String alias) {
        return new ReducedWidth(block, referenceKey, referenceDefault, divides, alias, divisor);
    }

    /**
     * The width for a channel count.
     *
     * @param channels the channel count the reduction applies to
     * @param options the block's options
     * @return the width, at least 1
     * @throws IllegalArgumentException if both explicit widths are given, or the width is below 1
     */
    int of(int channels, AttentionOptions options) {
        if (widthAlias != null) {
            exclusive(options, "rd_channels", widthAlias);
            if (options.has(widthAlias)) {
                return Widths.positive(block, "reduced width", options.getInt(widthAlias, 0), "option " + widthAlias);
            }
        }
        Integer rd = options.getIntOrNull("rd_channels");
        if (rd != null && rd > 0) {
            return rd;
        }
        if (options.has("rd_ratio")) {
            double ratio = options.getDouble("rd_ratio", 0);
            int d = options.getInt("rd_divisor", divisor);
            return Widths.positive(block, "reduced width", ratio > 0 ? Widths.makeDivisible(channels * ratio, d, 0.0) : 0,
                    String.format(Locale.ROOT, "make_divisible(%d * rd_ratio %s, rd_divisor %d)", channels, ratio, d));
        }
        if (divides) {
            int r = options.getInt(referenceKey, (int) referenceDefault);
            return Widths.positive(block, "reduced width", r > 0 ? channels / r : 0,
                    String.format(Locale.ROOT, "%d // %s %d", channels, referenceKey, r));
        }
        double ratio = options.getDouble(referenceKey, referenceDefault);
        return Widths.positive(block, "reduced width", (int) (channels * ratio),
                String.format(Locale.ROOT, "int(%d * %s %s)", channels, referenceKey, ratio));
    }

    private void exclusive(AttentionOptions options, String timmKey, String ownKey) {
        if (options.has(timmKey) && options.has(ownKey)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: give %s or %s (the reference's name for it), not both", block, timmKey, ownKey));
        }
    }
}
