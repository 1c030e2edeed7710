package io.attnspark.report;

import io.attnspark.ablation.SummaryTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a report shows, as plain Java values read from an ablation's result tables ({@link ReportTables}
 * reads them with Spark; the charts and the page need no Spark). Absent numbers (SQL nulls) are NaN.
 *
 * @param source where the tables were read from, shown in the report's header
 * @param runs the {@code runs} table, one row per finished (variant, seed) run
 * @param evaluations the evaluated rounds of those runs ({@code test_top1} not null)
 * @param summary the {@code summary} table, one row per variant
 * @param cells the {@code cells} table: the last job's plan; empty for results written before it existed
 */
public record ReportData(String source, List<Run> runs, List<Evaluation> evaluations, List<VariantSummary> summary,
        List<Cell> cells) {

    /**
     * One cell of the last ablation job's plan.
     *
     * @param runId the run id
     * @param variant the variant label
     * @param seed the seed
     * @param failed whether the cell failed in that job (else it has a run)
     * @param error the failure's message, null when it did not fail
     * @param startedAt when the cell started, null when unknown (tables written before the column existed)
     * @param finishedAt when it finished or failed, null when unknown
     * @param executors the executors it ran on, 0 when unknown
     */
    public record Cell(String runId, String variant, long seed, boolean failed, String error, Instant startedAt,
            Instant finishedAt, int executors) {

        /**
         * A cell without its times (a {@code cells} table written before they were recorded).
         *
         * @param runId the run id
         * @param variant the variant label
         * @param seed the seed
         * @param failed whether the cell failed in that job
         * @param error the failure's message, null when it did not fail
         */
        public Cell(String runId, String variant, long seed, boolean failed, String error) {
            this(runId, variant, seed, failed, error, null, null, 0);
        }

        /**
         * Whether the cell has both times, finished no earlier than started, so it can be drawn on a timeline.
         *
         * @return whether it is timed
         */
        public boolean timed() {
            return startedAt != null && finishedAt != null && !finishedAt.isBefore(startedAt);
        }
    }

    /**
     * One finished run.
     *
     * @param runId the run's id
     * @param variant the variant label (a grid cell without its seed)
     * @param model the model's name
     * @param seed the run's seed
     * @param setup how it was trained
     * @param result what it achieved, and how fast
     */
    public record Run(String runId, String variant, String model, long seed, RunSetup setup, RunResult result) {}

    /**
     * How a run was trained.
     *
     * @param epochs the epochs trained
     * @param replicas the replicas (shards)
     * @param syncEvery local steps between averages
     * @param trainImages training images
     * @param testImages test images
     */
    public record RunSetup(double epochs, int replicas, int syncEvery, long trainImages, long testImages) {}

    /**
     * What a run achieved, and how fast.
     *
     * @param finalTop1 final test top-1 accuracy (fraction)
     * @param bestTop1 best test top-1 accuracy (fraction)
     * @param finalTop5 final test top-5 accuracy (fraction), NaN when absent
     * @param wallSeconds the run's wall time
     * @param imagesPerSecond training throughput
     */
    public record RunResult(double finalTop1, double bestTop1, double finalTop5, double wallSeconds,
            double imagesPerSecond) {}

    /**
     * One evaluation of the test split during a run.
     *
     * @param runId the run
     * @param epoch the epoch at which it was evaluated (e.g. 1.0)
     * @param top1 test top-1 accuracy (fraction)
     */
    public record Evaluation(String runId, double epoch, double top1) {}

    /**
     * A variant's test top-1 difference to its baseline as one test sees it (fractions); NaN where the test
     * cannot say (the baseline itself, too few runs or shared seeds, no spread, or a summary table written
     * before the column existed).
     *
     * @param mean difference of means (unpaired) or mean per-seed difference (paired)
     * @param ciLow low end of its 95% confidence interval
     * @param ciHigh high end
     * @param pValue the test's p-value
     * @param pValueHolm the p-value adjusted (Holm) over the variants compared with the same baseline
     * @param minimalDetectableDifference the difference the test detects with 80% power at alpha 0.05
     */
    public record Difference(double mean, double ciLow, double ciHigh, double pValue, double pValueHolm,
            double minimalDetectableDifference) {

        /** No comparison. */
        public static final Difference NONE =
                new Difference(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * One row of the {@code summary} table; fractions stay fractions.
     *
     * @param variant the variant label
     * @param attention the attention module
     * @param accuracy test top-1 and top-5 over the seeds
     * @param cost parameters, MACs and throughput, with the overheads over the baseline
     * @param unpaired the difference of means to the baseline (Welch); mean NaN for the baseline
     * @param pairedSeeds seeds shared with the baseline, 0 when none or unknown
     * @param paired the per-seed difference over the shared seeds (paired t-test)
     */
    public record VariantSummary(String variant, String attention, Accuracy accuracy, Cost cost,
            Difference unpaired, int pairedSeeds, Difference paired) {}

    /**
     * A variant's test accuracy over its seeds (fractions).
     *
     * @param runs runs (seeds) summarised
     * @param top1Mean mean final test top-1
     * @param top1Std its standard deviation over seeds, NaN with one run
     * @param top5Mean mean final test top-5, NaN when absent
     * @param top5Std its standard deviation, NaN when absent
     */
    public record Accuracy(int runs, double top1Mean, double top1Std, double top5Mean, double top5Std) {}

    /**
     * What a variant costs, and what it costs over its baseline.
     *
     * @param params parameters
     * @param paramsOverhead parameters relative to the baseline minus 1, NaN when absent
     * @param macs multiply-accumulates per image
     * @param macsOverhead MACs relative to the baseline minus 1, NaN when absent
     * @param imagesPerSecond mean training throughput
     */
    public record Cost(long params, double paramsOverhead, long macs, double macsOverhead, double imagesPerSecond) {}

    /**
     * Copies the lists.
     *
     * @param source where the tables were read from
     * @param runs the runs
     * @param evaluations the evaluations
     * @param summary the summary rows
     * @param cells the plan's cells
     */
    public ReportData {
        runs = List.copyOf(runs);
        evaluations = List.copyOf(evaluations);
        summary = List.copyOf(summary);
        cells = List.copyOf(cells);
    }

    /**
     * Data without a {@code cells} table (results written before it existed): every run counts.
     *
     * @param source where the tables were read from
     * @param runs the runs
     * @param evaluations the evaluations
     * @param summary the summary rows
     */
    public ReportData(String source, List<Run> runs, List<Evaluation> evaluations, List<VariantSummary> summary) {
        this(source, runs, evaluations, summary, List.of());
    }

    /**
     * The variants the report shows: those of the summary, in its order (the ablation plan's). Only without
     * a summary, the variants of the runs: the baseline first, then by name. A variant's position here gives
     * its colour in every chart.
     *
     * @return the variants
     */
    public List<String> variants() {
        Set<String> fromSummary = new LinkedHashSet<>();
        summary.forEach(s -> fromSummary.add(s.variant()));
        if (!fromSummary.isEmpty()) {
            return List.copyOf(fromSummary);
        }
        Set<String> fromRuns = new LinkedHashSet<>();
        runs.forEach(r -> fromRuns.add(r.variant()));
        List<String> sorted = new ArrayList<>(fromRuns);
        sorted.sort(Comparator.comparing((String v) -> !v.equals(SummaryTable.BASELINE))
                .thenComparing(Comparator.naturalOrder()));
        return sorted;
    }

    /**
     * Variants with runs but no summary row (runs of an earlier plan in the same output folder), by name.
     *
     * @return the variants, usually none
     */
    public List<String> variantsWithoutSummary() {
        Set<String> shown = new HashSet<>(variants());
        return planRuns().filter(r -> !shown.contains(r.variant())).map(Run::variant).distinct().sorted().toList();
    }

    /**
     * The runs the report shows: those of the last job's plan (every run without a {@code cells} table)
     * whose variant it shows. A run of an earlier plan or config with the same variant label stays out.
     *
     * @return the runs
     */
    public List<Run> shownRuns() {
        Set<String> shown = new HashSet<>(variants());
        return planRuns().filter(r -> shown.contains(r.variant())).toList();
    }

    /**
     * How many runs of the {@code runs} table are not in the last job's plan.
     *
     * @return the count, 0 without a {@code cells} table
     */
    public long runsOutsidePlan() {
        return runs.size() - planRuns().count();
    }

    /**
     * The plan's cells that failed in the last job, in plan order.
     *
     * @return the failed cells, usually none
     */
    public List<Cell> failedCells() {
        return cells.stream().filter(Cell::failed).toList();
    }

    private Stream<Run> planRuns() {
        if (cells.isEmpty()) {
            return runs.stream();
        }
        Set<String> planned = new HashSet<>();
        cells.stream().filter(c -> !c.failed()).forEach(c -> planned.add(c.runId()));
        return runs.stream().filter(r -> planned.contains(r.runId()));
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
     * Whether a summary row is a reference the others are compared with. An ablation with extra axes has one
     * baseline per axis value ({@code baseline sync.every=50}), and the baseline's name is configurable, so
     * a baseline is recognised by its row: no difference to itself and an overhead of exactly 0 (or, without
     * an overhead, the default name {@value SummaryTable#BASELINE}).
     *
     * @param s the row
     * @return whether it is a baseline
     */
    public static boolean isBaseline(VariantSummary s) {
        return Double.isNaN(s.unpaired().mean())
                && (s.cost().paramsOverhead() == 0
                        || (Double.isNaN(s.cost().paramsOverhead()) && s.variant().equals(SummaryTable.BASELINE)));
    }

    /**
     * A variant's parameter overhead as a fraction: the summary's value, 0 for a baseline, NaN when the
     * variant's baseline has no runs to compare with.
     *
     * @param s the variant's summary row
     * @return the overhead
     */
    public static double paramsOverhead(VariantSummary s) {
        return isBaseline(s) ? 0 : s.cost().paramsOverhead();
    }
}
