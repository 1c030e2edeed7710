package io.attnspark.ablation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Turns the finished runs of an ablation into one summary row per variant. */
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
     * One row of the {@code summary} table ({@link SummaryTable#SCHEMA} order); nullable fields are null
     * where the schema allows.
     *
     * @param variant the variant label
     * @param attention the attention module
     * @param runs finished runs (seeds)
     * @param top1Mean mean test top-1 over seeds
     * @param top1Std sample standard deviation of test top-1, null with one run
     * @param top5Mean mean test top-5, null when not measured
     * @param top5Std its standard deviation, null when not measured or one run
     * @param params trainable parameters
     * @param paramsOverhead relative parameter overhead vs the baseline (0.05 = +5%), null without baseline
     * @param macs multiply-accumulates per image
     * @param macsOverhead relative MAC overhead vs the baseline, null without baseline
     * @param imagesPerSecond mean training images/s
     * @param diffTop1 mean top-1 minus the baseline's, null for the baseline or without baseline runs
     * @param diffCiLow lower end of its 95% confidence interval (Welch), null with fewer than 2 runs a side
     * @param diffCiHigh upper end
     * @param pValue Welch's t-test p-value, null with fewer than 2 runs a side or no spread
     */
    public record Row(String variant, String attention, int runs, double top1Mean, Double top1Std, Double top5Mean,
            Double top5Std, long params, Double paramsOverhead, long macs, Double macsOverhead, double imagesPerSecond,
            Double diffTop1, Double diffCiLow, Double diffCiHigh, Double pValue) {

        /**
         * Returns the row's values in {@link SummaryTable#SCHEMA} order.
         *
         * @return the values
         */
        public Object[] values() {
            return new Object[] {variant, attention, runs, top1Mean, top1Std, top5Mean, top5Std, params,
                paramsOverhead, macs, macsOverhead, imagesPerSecond, diffTop1, diffCiLow, diffCiHigh, pValue};
        }
    }

    private Summaries() {}

    /**
     * Summarises runs per variant.
     *
     * @param runs the finished runs of the plan
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
            Double diff = null;
            Double low = null;
            Double high = null;
            Double p = null;
            if (!base.isEmpty()) {
                Run b = base.get(0);
                paramsOverhead = b.params() == 0 ? null : (double) (first.params() - b.params()) / b.params();
                macsOverhead = b.macs() == 0 ? null : (double) (first.macs() - b.macs()) / b.macs();
                if (!e.getKey().equals(baselineLabel)) {
                    double[] baseTop1 = base.stream().mapToDouble(Run::testTop1).toArray();
                    diff = WelchTest.mean(top1) - WelchTest.mean(baseTop1);
                    if (top1.length >= 2 && baseTop1.length >= 2) {
                        WelchTest t = WelchTest.of(top1, baseTop1);
                        low = t.ciLow();
                        high = t.ciHigh();
                        p = Double.isNaN(t.pValue()) ? null : t.pValue();
                    }
                }
            }
            rows.add(new Row(e.getKey(), first.attention(), mine.size(), WelchTest.mean(top1),
                    top1.length >= 2 ? Math.sqrt(WelchTest.variance(top1)) : null,
                    hasTop5 ? WelchTest.mean(top5) : null,
                    hasTop5 && top5.length >= 2 ? Math.sqrt(WelchTest.variance(top5)) : null,
                    first.params(), paramsOverhead, first.macs(), macsOverhead,
                    mine.stream().mapToDouble(Run::imagesPerSecond).average().orElse(Double.NaN),
                    diff, low, high, p));
        }
        return rows;
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
        out.append(String.format(Locale.ROOT, "%-" + width + "s %4s %16s %9s %8s %8s %8s %24s %7s%n",
                "variant", "runs", "top-1 mean±std", "top-5", "params", "MACs", "img/s", "Δ top-1 [95% CI]", "p"));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s %4d %16s %9s %8s %8s %8.0f %24s %7s%n",
                    r.variant(), r.runs(),
                    String.format(Locale.ROOT, "%.4f±%s", r.top1Mean(),
                            r.top1Std() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.top1Std())),
                    r.top5Mean() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.top5Mean()),
                    percent(r.paramsOverhead()), percent(r.macsOverhead()), r.imagesPerSecond(),
                    r.diffTop1() == null ? "-" : r.diffCiLow() == null
                            ? String.format(Locale.ROOT, "%+.4f", r.diffTop1())
                            : String.format(Locale.ROOT, "%+.4f [%+.4f, %+.4f]", r.diffTop1(), r.diffCiLow(),
                                    r.diffCiHigh()),
                    r.pValue() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.pValue())));
        }
        return out.toString();
    }

    private static String percent(Double overhead) {
        return Objects.isNull(overhead) ? "-" : String.format(Locale.ROOT, "%+.1f%%", 100 * overhead);
    }
}
