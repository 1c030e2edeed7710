package io.attnspark.report;

import io.attnspark.ablation.SummaryTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a report shows, as plain Java values read from an ablation's result tables ({@link ReportTables}
 * reads them with Spark; the charts and the page need no Spark). Absent numbers (SQL nulls) are NaN.
 *
 * @param source where the tables were read from, shown in the report's header
 * @param runs the {@code runs} table, one row per finished (variant, seed) run
 * @param evaluations the evaluated rounds of those runs ({@code test_top1} not null)
 * @param summary the {@code summary} table, one row per variant
 */
public record ReportData(String source, List<Run> runs, List<Evaluation> evaluations, List<VariantSummary> summary) {

    /**
     * One finished run.
     *
     * @param runId the run's id
     * @param variant the variant label (a grid cell without its seed)
     * @param model the model's name
     * @param seed the run's seed
     * @param epochs the epochs trained
     * @param replicas the replicas (shards)
     * @param syncEvery local steps between averages
     * @param trainImages training images
     * @param testImages test images
     * @param finalTop1 final test top-1 accuracy (fraction)
     * @param bestTop1 best test top-1 accuracy (fraction)
     * @param finalTop5 final test top-5 accuracy (fraction), NaN when absent
     * @param wallSeconds the run's wall time
     * @param imagesPerSecond training throughput
     */
    public record Run(String runId, String variant, String model, long seed, double epochs, int replicas,
            int syncEvery, long trainImages, long testImages, double finalTop1, double bestTop1, double finalTop5,
            double wallSeconds, double imagesPerSecond) {}

    /**
     * One evaluation of the test split during a run.
     *
     * @param runId the run
     * @param epoch the epoch at which it was evaluated (e.g. 1.0)
     * @param top1 test top-1 accuracy (fraction)
     */
    public record Evaluation(String runId, double epoch, double top1) {}

    /**
     * One row of the {@code summary} table; fractions stay fractions.
     *
     * @param variant the variant label
     * @param attention the attention module
     * @param runs runs (seeds) summarised
     * @param top1Mean mean final test top-1
     * @param top1Std its standard deviation over seeds, NaN with one run
     * @param top5Mean mean final test top-5, NaN when absent
     * @param top5Std its standard deviation, NaN when absent
     * @param params parameters
     * @param paramsOverhead parameters relative to the baseline minus 1, NaN when absent
     * @param macs multiply-accumulates per image
     * @param macsOverhead MACs relative to the baseline minus 1, NaN when absent
     * @param imagesPerSecond mean training throughput
     * @param diffTop1 mean top-1 minus the baseline's, NaN for the baseline
     * @param diffCiLow low end of its 95% confidence interval
     * @param diffCiHigh high end of its 95% confidence interval
     * @param pValue p-value of the difference
     */
    public record VariantSummary(String variant, String attention, int runs, double top1Mean, double top1Std,
            double top5Mean, double top5Std, long params, double paramsOverhead, long macs, double macsOverhead,
            double imagesPerSecond, double diffTop1, double diffCiLow, double diffCiHigh, double pValue) {}

    /**
     * Copies the lists.
     *
     * @param source where the tables were read from
     * @param runs the runs
     * @param evaluations the evaluations
     * @param summary the summary rows
     */
    public ReportData {
        runs = List.copyOf(runs);
        evaluations = List.copyOf(evaluations);
        summary = List.copyOf(summary);
    }

    /**
     * Every variant in the runs or the summary: the baseline first, then the others by name. A variant's
     * position here gives its colour in every chart.
     *
     * @return the variants
     */
    public List<String> variants() {
        Set<String> all = new LinkedHashSet<>();
        runs.forEach(r -> all.add(r.variant()));
        summary.forEach(s -> all.add(s.variant()));
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing((String v) -> !v.equals(SummaryTable.BASELINE))
                .thenComparing(Comparator.naturalOrder()));
        return sorted;
    }

    /**
     * The summary row of a variant.
     *
     * @param variant the variant
     * @return its row, if the summary has one
     */
    public Optional<VariantSummary> summaryOf(String variant) {
        return summary.stream().filter(s -> s.variant().equals(variant)).findFirst();
    }

    /**
     * A variant's parameter overhead as a fraction: the summary's value; 0 for the baseline; computed from
     * the baseline's parameters when the summary leaves it empty; NaN when there is no baseline to compare.
     *
     * @param s the variant's summary row
     * @return the overhead
     */
    public double paramsOverhead(VariantSummary s) {
        if (!Double.isNaN(s.paramsOverhead())) {
            return s.paramsOverhead();
        }
        if (s.variant().equals(SummaryTable.BASELINE)) {
            return 0;
        }
        return summaryOf(SummaryTable.BASELINE)
                .filter(b -> b.params() > 0)
                .map(b -> (double) s.params() / b.params() - 1)
                .orElse(Double.NaN);
    }
}
