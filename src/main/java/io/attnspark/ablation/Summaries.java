package io.attnspark.ablation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.commons.math3.stat.StatUtils;

/**
 * Turns the finished runs of an ablation into one summary row per variant, with its difference to the baseline
 * unpaired (Welch) and paired by seed, each with p-values adjusted for the number of variants compared with the
 * same baseline (Holm), and the smallest difference the grid's seeds could detect.
 */
public final class Summaries {

    /**
     * What a summary needs of one finished run (a row of the {@code runs} table).
     *
     * @param variant the variant label
     * @param attention the attention module ({@code none} for the plain backbone)
     * @param seed the seed
     * @param params trainable parameters
     * @param macs multiply-accumulates per image
     * @param testTop1 final test top-1
     * @param testTop5 final test top-5, null when not measured (5 classes or fewer)
     * @param imagesPerSecond training throughput
     */
    public record Run(String variant, String attention, long seed, long params, long macs, double testTop1,
            Double testTop5, double imagesPerSecond) {}

    /**
     * A variant's test top-1 difference to its baseline, as one test sees it; every field is null where the
     * test cannot say (no baseline runs, too few runs or pairs, no spread).
     *
     * @param mean the difference of means (unpaired) or the mean per-seed difference (paired)
     * @param ciLow lower end of its 95% confidence interval
     * @param ciHigh upper end
     * @param pValue the test's two-sided p-value
     * @param pValueHolm the p-value adjusted by Holm's step-down over the variants compared with the same
     *     baseline (the same extra-axis values)
     * @param minimalDetectableDifference the difference the test would detect with 80% power at alpha 0.05
     *     ({@link MinimalDetectableDifference})
     */
    public record Difference(Double mean, Double ciLow, Double ciHigh, Double pValue, Double pValueHolm,
            Double minimalDetectableDifference) {

        /** No comparison: the baseline itself, or a variant whose baseline has no runs. */
        public static final Difference NONE = new Difference(null, null, null, null, null, null);

        /**
         * Returns this difference with its adjusted p-value.
         *
         * @param adjusted the Holm-adjusted p-value, null when there is no p-value
         * @return the copy
         */
        public Difference withPValueHolm(Double adjusted) {
            return new Difference(mean, ciLow, ciHigh, pValue, adjusted, minimalDetectableDifference);
        }

        private Object[] values() {
            return new Object[] {mean, ciLow, ciHigh, pValue, pValueHolm, minimalDetectableDifference};
        }
    }

    /**
     * A variant's test accuracy over its seeds.
     *
     * @param runs finished runs (seeds)
     * @param top1Mean mean test top-1 over seeds
     * @param top1Std sample standard deviation of test top-1, null with one run
     * @param top5Mean mean test top-5, null when not measured
     * @param top5Std its standard deviation, null when not measured or one run
     */
    public record Accuracy(int runs, double top1Mean, Double top1Std, Double top5Mean, Double top5Std) {}

    /**
     * What a variant costs, and what it costs over its baseline.
     *
     * @param params trainable parameters
     * @param paramsOverhead relative parameter overhead vs the baseline (0.05 = +5%), null without baseline
     * @param macs multiply-accumulates per image
     * @param macsOverhead relative MAC overhead vs the baseline, null without baseline
     * @param imagesPerSecond mean training images/s
     */
    public record Cost(long params, Double paramsOverhead, long macs, Double macsOverhead, double imagesPerSecond) {}

    /**
     * One row of the {@code summary} table ({@link SummaryTable#SCHEMA} order); nullable fields are null
     * where the schema allows.
     *
     * @param variant the variant label
     * @param attention the attention module
     * @param accuracy test top-1 and top-5 over the seeds
     * @param cost parameters, MACs and throughput, with the overheads over the baseline
     * @param unpaired the difference of means to the baseline (Welch's t-test); its mean alone with fewer
     *     than 2 runs a side; {@link Difference#NONE} for the baseline or without baseline runs
     * @param pairedSeeds the seeds the variant shares with its baseline, null where {@code unpaired} is NONE
     * @param paired the per-seed difference over the shared seeds (paired t-test), NONE with fewer than 2
     */
    public record Row(String variant, String attention, Accuracy accuracy, Cost cost, Difference unpaired,
            Integer pairedSeeds, Difference paired) {

        /**
         * Returns the row's values in {@link SummaryTable#SCHEMA} order.
         *
         * @return the values
         */
        public Object[] values() {
            List<Object> values = new ArrayList<>(List.of(variant, attention, accuracy.runs(), accuracy.top1Mean()));
            values.addAll(Arrays.asList(accuracy.top1Std(), accuracy.top5Mean(), accuracy.top5Std(), cost.params(),
                    cost.paramsOverhead(), cost.macs(), cost.macsOverhead(), cost.imagesPerSecond()));
            values.addAll(Arrays.asList(unpaired.values()));
            values.add(pairedSeeds);
            values.addAll(Arrays.asList(paired.values()));
            return values.toArray();
        }

        private Row withDifferences(Difference newUnpaired, Difference newPaired) {
            return new Row(variant, attention, accuracy, cost, newUnpaired, pairedSeeds, newPaired);
        }
    }

    private Summaries() {}

    /**
     * Summarises runs per variant.
     *
     * @param runs the finished runs of the plan, one per variant and seed
     * @param variants the variant labels in the order to report them
     * @param baselineOf each variant label's baseline label
     * @return a row per variant that has runs, in {@code variants} order
     */
    public static List<Row> summarise(List<Run> runs, List<String> variants, Map<String, String> baselineOf) {
        Map<String, List<Run>> byVariant = new LinkedHashMap<>();
        for (String v : variants) {
            byVariant.put(v, new ArrayList<>());
        }
        for (Run r : runs) {
            List<Run> list = byVariant.get(r.variant());
            if (list != null) {
                list.add(r);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<Run>> e : byVariant.entrySet()) {
            List<Run> mine = e.getValue();
            if (mine.isEmpty()) {
                continue;
            }
            String baselineLabel = baselineOf.getOrDefault(e.getKey(), e.getKey());
            List<Run> base = byVariant.getOrDefault(baselineLabel, List.of());
            double[] top1 = mine.stream().mapToDouble(Run::testTop1).toArray();
            boolean hasTop5 = mine.stream().allMatch(r -> r.testTop5() != null);
            double[] top5 = hasTop5 ? mine.stream().mapToDouble(Run::testTop5).toArray() : null;
            Run first = mine.get(0);
            Double paramsOverhead = null;
            Double macsOverhead = null;
            Difference unpaired = Difference.NONE;
            Integer pairedSeeds = null;
            Difference paired = Difference.NONE;
            if (!base.isEmpty()) {
                Run b = base.get(0);
                paramsOverhead = b.params() == 0 ? null : (double) (first.params() - b.params()) / b.params();
                macsOverhead = b.macs() == 0 ? null : (double) (first.macs() - b.macs()) / b.macs();
                if (!e.getKey().equals(baselineLabel)) {
                    unpaired = unpaired(top1, base.stream().mapToDouble(Run::testTop1).toArray());
                    double[][] pairs = sharedSeeds(mine, base);
                    pairedSeeds = pairs[0].length;
                    paired = paired(pairs[0], pairs[1]);
                }
            }
            Accuracy accuracy = new Accuracy(mine.size(), StatUtils.mean(top1),
                    top1.length >= 2 ? Math.sqrt(StatUtils.variance(top1)) : null,
                    hasTop5 ? StatUtils.mean(top5) : null,
                    hasTop5 && top5.length >= 2 ? Math.sqrt(StatUtils.variance(top5)) : null);
            Cost cost = new Cost(first.params(), paramsOverhead, first.macs(), macsOverhead,
                    StatUtils.mean(mine.stream().mapToDouble(Run::imagesPerSecond).toArray()));
            rows.add(new Row(e.getKey(), first.attention(), accuracy, cost, unpaired, pairedSeeds, paired));
        }
        return adjustPerBaseline(rows, baselineOf);
    }

    private static Difference unpaired(double[] top1, double[] baseTop1) {
        double diff = StatUtils.mean(top1) - StatUtils.mean(baseTop1);
        if (top1.length < 2 || baseTop1.length < 2) {
            return new Difference(diff, null, null, null, null, null);
        }
        WelchTest t = WelchTest.of(top1, baseTop1);
        return new Difference(diff, t.ciLow(), t.ciHigh(), orNull(t.pValue()), null,
                orNull(t.minimalDetectableDifference()));
    }

    private static Difference paired(double[] top1, double[] baseTop1) {
        if (top1.length < 2) {
            return Difference.NONE;
        }
        PairedTest t = PairedTest.of(top1, baseTop1);
        return new Difference(t.difference(), t.ciLow(), t.ciHigh(), orNull(t.pValue()), null,
                orNull(t.minimalDetectableDifference()));
    }

    /** The top-1 of the seeds both have, as {variant's, baseline's}, in the variant's run order. */
    private static double[][] sharedSeeds(List<Run> variant, List<Run> baseline) {
        Map<Long, Double> baseBySeed = new LinkedHashMap<>();
        baseline.forEach(r -> baseBySeed.putIfAbsent(r.seed(), r.testTop1()));
        List<Run> shared = variant.stream().filter(r -> baseBySeed.containsKey(r.seed())).toList();
        return new double[][] {shared.stream().mapToDouble(Run::testTop1).toArray(),
            shared.stream().mapToDouble(r -> baseBySeed.get(r.seed())).toArray()};
    }

    /**
     * Adds Holm-adjusted p-values: one family per baseline label, i.e. the variants compared with the same
     * baseline at the same extra-axis values; unpaired and paired p-values are adjusted separately.
     */
    private static List<Row> adjustPerBaseline(List<Row> rows, Map<String, String> baselineOf) {
        Map<String, List<Integer>> families = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).unpaired() != Difference.NONE) {
                String variant = rows.get(i).variant();
                families.computeIfAbsent(baselineOf.getOrDefault(variant, variant), k -> new ArrayList<>()).add(i);
            }
        }
        List<Row> adjusted = new ArrayList<>(rows);
        for (List<Integer> family : families.values()) {
            double[] unpaired = holm(rows, family, Row::unpaired);
            double[] paired = holm(rows, family, Row::paired);
            for (int k = 0; k < family.size(); k++) {
                Row r = rows.get(family.get(k));
                adjusted.set(family.get(k), r.withDifferences(r.unpaired().withPValueHolm(orNull(unpaired[k])),
                        r.paired().withPValueHolm(orNull(paired[k]))));
            }
        }
        return adjusted;
    }

    private static double[] holm(List<Row> rows, List<Integer> family, Function<Row, Difference> test) {
        double[] raw = family.stream()
                .mapToDouble(i -> Objects.requireNonNullElse(test.apply(rows.get(i)).pValue(), Double.NaN))
                .toArray();
        return HolmAdjustment.adjust(raw);
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /**
     * Renders rows as a plain-text table for the console.
     *
     * @param rows the rows
     * @return the table, one line per row after a header
     */
    public static String format(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        int width = Math.max(8, rows.stream().mapToInt(r -> r.variant().length()).max().orElse(8));
        String header = "%-" + width + "s %4s %16s %9s %8s %8s %8s %24s %7s %7s %7s%n";
        String line = "%-" + width + "s %4d %16s %9s %8s %8s %8.0f %24s %7s %7s %7s%n";
        out.append(String.format(Locale.ROOT, header, "variant", "runs", "top-1 mean±std", "top-5", "params", "MACs",
                "img/s", "Δ top-1 [95% CI]", "p", "p Holm", "MDD"));
        for (Row r : rows) {
            Difference d = r.unpaired();
            Accuracy a = r.accuracy();
            out.append(String.format(Locale.ROOT, line, r.variant(), a.runs(),
                    String.format(Locale.ROOT, "%.4f±%s", a.top1Mean(),
                            a.top1Std() == null ? "-" : String.format(Locale.ROOT, "%.4f", a.top1Std())),
                    a.top5Mean() == null ? "-" : String.format(Locale.ROOT, "%.4f", a.top5Mean()),
                    percent(r.cost().paramsOverhead()), percent(r.cost().macsOverhead()), r.cost().imagesPerSecond(),
                    d.mean() == null ? "-" : d.ciLow() == null
                            ? String.format(Locale.ROOT, "%+.4f", d.mean())
                            : String.format(Locale.ROOT, "%+.4f [%+.4f, %+.4f]", d.mean(), d.ciLow(), d.ciHigh()),
                    decimal(d.pValue(), "%.3f"), decimal(d.pValueHolm(), "%.3f"),
                    decimal(d.minimalDetectableDifference(), "%.4f")));
        }
        return out.toString();
    }

    private static String decimal(Double v, String format) {
        return v == null ? "-" : String.format(Locale.ROOT, format, v);
    }

    private static String percent(Double overhead) {
        return Objects.isNull(overhead) ? "-" : String.format(Locale.ROOT, "%+.1f%%", 100 * overhead);
    }
}
