package io.attnspark.ablation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cells of an ablation: every variant crossed with every combination of the extra axes and every
 * seed, in that order (variant-major, seeds innermost, so a variant's seeds run back to back).
 *
 * @param cells the cells in run order
 * @param baseline the name of the variant every other variant is compared with
 */
public record AblationPlan(List<Cell> cells, String baseline) {

    /**
     * One named variant: the config keys it sets on top of the base config.
     *
     * @param name its name, e.g. {@code se} or {@code baseline}
     * @param overrides config key to HOCON value text, e.g. {@code model.attention -> "se"}
     */
    public record Variant(String name, Map<String, String> overrides) {}

    /**
     * One run of the ablation.
     *
     * @param variant the variant label: the variant's name, then each extra axis as {@code key=value}
     * @param variantName the variant's name alone
     * @param axisLabel the extra axes' part of the label ("" without extra axes)
     * @param seed the run seed ({@code train.seed})
     * @param overrides every config key the cell sets on top of the base config, in order
     */
    public record Cell(String variant, String variantName, String axisLabel, long seed, Map<String, String> overrides) {

        /**
         * A run id that names the cell and changes with anything that shapes its result, so that a job
         * started again recognises its finished cells and an edited config does not reuse them.
         *
         * @param resolvedConfig the cell's resolved config as text, without its output path
         * @return e.g. {@code se-s1-3f2a9c01}
         */
        public String runId(String resolvedConfig) {
            String slug = variant.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("(^-|-$)", "");
            return slug + "-s" + seed + "-" + sha256(resolvedConfig).substring(0, 8);
        }
    }

    /**
     * Expands a grid.
     *
     * @param variants the variants, at least one
     * @param axes extra axes: config key to its values (HOCON value text), crossed with every variant
     * @param seeds the seeds, at least one, without repeats
     * @param baseline the name of the reference variant, one of {@code variants}
     * @return the plan
     * @throws IllegalArgumentException naming the problem (empty grid, repeated names or seeds, an axis
     *     that a variant also sets, an unknown baseline)
     */
    public static AblationPlan expand(
            List<Variant> variants, Map<String, List<String>> axes, List<Long> seeds, String baseline) {
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("ablation.variants is empty: list at least one variant");
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("ablation.seeds is empty: list at least one seed");
        }
        if (seeds.stream().distinct().count() != seeds.size()) {
            throw new IllegalArgumentException("ablation.seeds = " + seeds + " repeats a seed");
        }
        List<String> names = new ArrayList<>();
        for (Variant v : variants) {
            if (v.name().isBlank()) {
                throw new IllegalArgumentException("ablation.variants has a variant without a name");
            }
            if (names.contains(v.name())) {
                throw new IllegalArgumentException("ablation.variants names '" + v.name() + "' twice");
            }
            names.add(v.name());
            for (String key : axes.keySet()) {
                if (v.overrides().containsKey(key)) {
                    throw new IllegalArgumentException("variant '" + v.name() + "' sets " + key
                            + ", which is also an axis in ablation.axes: set it in one place");
                }
            }
            if (v.overrides().containsKey("train.seed")) {
                throw new IllegalArgumentException("variant '" + v.name() + "' sets train.seed: seeds come from"
                        + " ablation.seeds");
            }
        }
        if (!names.contains(baseline)) {
            throw new IllegalArgumentException("ablation.baseline = " + baseline + " is not one of the variants "
                    + names);
        }
        for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
            if (axis.getValue().isEmpty()) {
                throw new IllegalArgumentException("ablation.axes.\"" + axis.getKey() + "\" has no values");
            }
            if (axis.getKey().equals("train.seed")) {
                throw new IllegalArgumentException("ablation.axes sets train.seed: seeds come from ablation.seeds");
            }
        }
        List<Map<String, String>> combinations = new ArrayList<>();
        combinations.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : combinations) {
                for (String value : axis.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(partial);
                    m.put(axis.getKey(), value);
                    next.add(m);
                }
            }
            combinations = next;
        }
        List<Cell> cells = new ArrayList<>();
        for (Variant v : variants) {
            for (Map<String, String> combination : combinations) {
                StringBuilder axisLabel = new StringBuilder();
                combination.forEach((k, value) -> axisLabel.append(axisLabel.length() == 0 ? "" : " ")
                        .append(k).append('=').append(unquote(value)));
                String label = axisLabel.length() == 0 ? v.name() : v.name() + " " + axisLabel;
                for (long seed : seeds) {
                    Map<String, String> overrides = new LinkedHashMap<>(v.overrides());
                    overrides.putAll(combination);
                    overrides.put("train.seed", Long.toString(seed));
                    cells.add(new Cell(label, v.name(), axisLabel.toString(), seed, overrides));
                }
            }
        }
        return new AblationPlan(List.copyOf(cells), baseline);
    }

    /**
     * Returns the variant label each variant label is compared with: the baseline with the same extra
     * axis values.
     *
     * @return variant label to baseline label
     */
    public Map<String, String> baselineOf() {
        Map<String, String> of = new LinkedHashMap<>();
        for (Cell c : cells) {
            of.put(c.variant(), c.axisLabel().isEmpty() ? baseline : baseline + " " + c.axisLabel());
        }
        return of;
    }

    /**
     * Returns the variant labels in plan order, without repeats.
     *
     * @return the labels
     */
    public List<String> variants() {
        return cells.stream().map(Cell::variant).distinct().toList();
    }

    /**
     * Returns HOCON value text without its quotes ({@code "se"} to {@code se}); other values unchanged.
     *
     * @param value HOCON value text
     * @return the plain text
     */
    public static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
