package io.attnspark.report;

import static io.attnspark.report.Markup.escape;
import static io.attnspark.report.Markup.fixed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The report page: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched) with what was
 * compared, accuracy against parameter overhead, learning curves, the summary table with its statistics,
 * throughput, the grid's timeline (when the cells table has times), and the runs.
 */
public final class HtmlReport {

    /** Chart ids, stable for tests and links. */
    public static final String ACCURACY_CHART = "accuracy-vs-params";
    /** The learning curves' chart id. */
    public static final String CURVES_CHART = "learning-curves";
    /** The throughput chart's id. */
    public static final String THROUGHPUT_CHART = "throughput";
    /** The timeline chart's id (present only when the cells table has start and end times). */
    public static final String TIMELINE_CHART = "timeline";
    /** Adjusted p-values below this are shown as significant. */
    static final double ALPHA = 0.05;

    private static final String CSS = """
            body { font-family: sans-serif; margin: 24px 32px; color: #222222; background: #ffffff; max-width: 1140px; }
            h1 { font-size: 24px; margin: 0 0 8px; }
            h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #dddddd; padding-bottom: 4px; }
            h3 { font-size: 15px; margin: 18px 0 6px; }
            p, li { line-height: 1.45; }
            dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 8px 0; }
            dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
            svg.chart { display: block; max-width: 100%; height: auto; border: 1px solid #e6e6e6; }
            table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
            th, td { padding: 4px 10px; border-bottom: 1px solid #e3e3e3; text-align: right; white-space: nowrap; }
            th { background: #f3f4f6; } td.text, th.text { text-align: left; }
            tr.baseline td { background: #fafafa; font-weight: bold; }
            td.significant { color: #0b6e2e; font-weight: bold; }
            .swatch { display: inline-block; width: 11px; height: 11px; margin-right: 6px; vertical-align: -1px; }
            .note { color: #666666; font-size: 13px; }
            """;

    /** Cells of variants without a summary row (every seed failed) get no palette colour. */
    private static final String UNLISTED_COLOUR = "#999999";

    private final ReportData data;
    private final List<String> variants;

    /**
     * Prepares a report.
     *
     * @param data what to show
     */
    public HtmlReport(ReportData data) {
        this.data = data;
        this.variants = data.variants();
    }

    private String colour(String variant) {
        return Palette.colour(variants.indexOf(variant));
    }

    /**
     * Renders the page.
     *
     * @return the HTML document
     */
    public String render() {
        StringBuilder html = new StringBuilder(65536);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>attnspark ablation report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        header(html);
        html.append("<h2>Test accuracy against parameter overhead</h2>\n");
        html.append(accuracyChart());
        html.append("<p class=\"note\">Mean final test top-1 over seeds; error bars: one standard deviation over seeds"
                + " (none with a single run). Overhead: parameters relative to the baseline.</p>\n");
        html.append("<h2>Learning curves</h2>\n");
        html.append(curvesChart());
        html.append("<p class=\"note\">Test top-1 after each evaluation, averaged over the runs evaluated at that epoch.</p>\n");
        html.append("<h2>Summary</h2>\n");
        summaryTable(html);
        failedCells(html);
        html.append("<h2>Training throughput</h2>\n");
        html.append(throughputChart());
        timeline(html);
        runsTable(html);
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private void header(StringBuilder html) {
        List<ReportData.Run> runs = data.shownRuns();
        html.append("<h1>Ablation report</h1>\n<dl class=\"facts\">\n");
        fact(html, "results", data.source());
        fact(html, "model", distinct(runs, ReportData.Run::model));
        fact(html, "variants", variants.size() + ": " + String.join(", ", variants));
        fact(html, "compared with", String.join(", ", data.summary().stream().filter(ReportData::isBaseline)
                .map(ReportData.VariantSummary::variant).toList()));
        fact(html, "seeds", distinct(runs, r -> Long.toString(r.seed())));
        fact(html, "runs", Integer.toString(runs.size()));
        if (!data.failedCells().isEmpty()) {
            fact(html, "failed cells", data.failedCells().size() + " of " + data.cells().size() + " (see below)");
        }
        fact(html, "epochs", distinct(runs, r -> trim(r.setup().epochs())));
        fact(html, "replicas \u00d7 sync every",
                distinct(runs, r -> r.setup().replicas() + " \u00d7 " + r.setup().syncEvery() + " steps"));
        fact(html, "images (train / test)",
                distinct(runs, r -> r.setup().trainImages() + " / " + r.setup().testImages()));
        html.append("</dl>\n");
        if (data.runsOutsidePlan() > 0) {
            html.append("<p class=\"note\">Left out: ").append(data.runsOutsidePlan())
                    .append(" run(s) in the runs table that are not cells of the last ablation job (an earlier plan or"
                            + " configuration in the same folder).</p>\n");
        }
        List<String> others = data.variantsWithoutSummary();
        if (!others.isEmpty()) {
            html.append("<p class=\"note\">Left out: runs of variants the summary table does not list (an earlier"
                    + " plan in the same folder?): ").append(escape(String.join(", ", others))).append("</p>\n");
        }
    }

    private static void fact(StringBuilder html, String name, String value) {
        html.append("<dt>").append(escape(name)).append("</dt><dd>").append(escape(value)).append("</dd>\n");
    }

    /** The distinct values, sorted numerically where they are numbers. */
    private static String distinct(List<ReportData.Run> runs, Function<ReportData.Run, String> value) {
        TreeSet<String> values = new TreeSet<>((a, b) -> {
            try {
                return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
            } catch (NumberFormatException e) {
                return a.compareTo(b);
            }
        });
        runs.forEach(r -> values.add(value.apply(r)));
        return String.join(", ", values);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private String accuracyChart() {
        List<ScatterChart.Point> points = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String v : variants) {
            ReportData.VariantSummary s = data.summaryOf(v).orElse(null);
            double overhead = s == null ? Double.NaN : ReportData.paramsOverhead(s);
            if (s == null || Double.isNaN(overhead) || Double.isNaN(s.accuracy().top1Mean())) {
                left.add(v);
                continue;
            }
            ReportData.Accuracy a = s.accuracy();
            points.add(new ScatterChart.Point(v, colour(v), overhead * 100, a.top1Mean() * 100, a.top1Std() * 100,
                    a.runs()));
        }
        String svg = ScatterChart.render(ACCURACY_CHART, "Test top-1 vs parameter overhead",
                "parameters relative to the baseline", "test top-1 (%)", points);
        return left.isEmpty() ? svg : svg + "<p class=\"note\">Not plotted (no baseline runs to compare with): " + escape(String.join(", ", left)) + "</p>\n";
    }

    private String curvesChart() {
        List<LineChart.Series> series = new ArrayList<>();
        for (Map.Entry<String, List<LearningCurves.Point>> e : LearningCurves.of(data).entrySet()) {
            List<LearningCurves.Point> points = e.getValue();
            double[] xs = points.stream().mapToDouble(LearningCurves.Point::epoch).toArray();
            double[] ys = points.stream().mapToDouble(p -> p.meanTop1() * 100).toArray();
            series.add(new LineChart.Series(e.getKey(), colour(e.getKey()), xs, ys));
        }
        return LineChart.render(CURVES_CHART, "Learning curves: test top-1 per epoch", "epoch", "test top-1 (%)", 0,
                100, series);
    }

    private String throughputChart() {
        List<BarChart.Bar> bars = new ArrayList<>();
        for (String v : variants) {
            data.summaryOf(v)
                    .filter(s -> Double.isFinite(s.cost().imagesPerSecond()) && s.cost().imagesPerSecond() >= 0)
                    .ifPresent(s -> bars.add(new BarChart.Bar(v, colour(v), s.cost().imagesPerSecond())));
        }
        return BarChart.render(THROUGHPUT_CHART, "Training throughput", "images / s", bars);
    }

    private void summaryTable(StringBuilder html) {
        boolean top5 = data.summary().stream().anyMatch(s -> !Double.isNaN(s.accuracy().top5Mean()));
        html.append("<table class=\"summary\">\n<thead><tr><th class=\"text\">variant</th><th>runs</th>")
                .append("<th>top-1 (%)</th>").append(top5 ? "<th>top-5 (%)</th>" : "")
                .append("<th>params</th><th>+params</th><th>MACs</th><th>+MACs</th><th>images/s</th>")
                .append("<th>\u0394 top-1 (pp) [95% CI]</th><th>p-value</th><th>p Holm</th></tr></thead>\n<tbody>\n");
        for (String v : variants) {
            ReportData.VariantSummary s = data.summaryOf(v).orElse(null);
            if (s == null) {
                continue;
            }
            boolean baseline = ReportData.isBaseline(s);
            openVariantRow(html, v, baseline);
            cell(html, Integer.toString(s.accuracy().runs()));
            cell(html, meanStd(s.accuracy().top1Mean(), s.accuracy().top1Std()));
            if (top5) {
                cell(html, meanStd(s.accuracy().top5Mean(), s.accuracy().top5Std()));
            }
            cell(html, Markup.count(s.cost().params()));
            cell(html, Markup.signedPercent(ReportData.paramsOverhead(s)));
            cell(html, Markup.count(s.cost().macs()));
            cell(html, Markup.signedPercent(baseline && Double.isNaN(s.cost().macsOverhead()) ? 0 : s.cost().macsOverhead()));
            cell(html, fixed(s.cost().imagesPerSecond(), 0));
            ReportData.Difference d = s.unpaired();
            cell(html, Double.isNaN(d.mean()) ? (baseline ? "reference" : "\u2014") : interval(d));
            cell(html, pValue(d.pValue()));
            adjustedCell(html, d.pValueHolm());
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n<p class=\"note\">Mean \u00b1 standard deviation over seeds. \u0394 top-1:"
                + " difference of means to the baseline in percentage points with its 95% confidence interval and"
                + " the p-value of Welch's t-test. p Holm: the p-value adjusted by Holm's step-down over the variants"
                + " compared with the same baseline, so that the chance of any false finding among them stays at"
                + " 5%; only adjusted p-values below 0.05 are in green (with many variants an unadjusted p below"
                + " 0.05 turns up by chance). Baselines (in bold) are each compared with themselves.</p>\n");
        if (data.summary().stream().noneMatch(s -> !Double.isNaN(s.unpaired().pValueHolm()))
                && data.summary().stream().anyMatch(s -> !Double.isNaN(s.unpaired().pValue()))) {
            html.append("<p class=\"note\">This summary table was written before adjusted p-values were recorded:"
                    + " no p-value is marked; run the ablation job again (it skips finished cells) to add them.</p>\n");
        }
        pairedTable(html);
    }

    /** Paired differences over shared seeds and the differences the grid could detect, per compared variant. */
    private void pairedTable(StringBuilder html) {
        List<ReportData.VariantSummary> compared = variants.stream().map(v -> data.summaryOf(v).orElse(null))
                .filter(s -> s != null && !Double.isNaN(s.unpaired().mean())).toList();
        boolean any = compared.stream().anyMatch(s -> !Double.isNaN(s.paired().mean())
                || !Double.isNaN(s.unpaired().minimalDetectableDifference()));
        html.append("<h3>Paired by seed, and what the grid can detect</h3>\n");
        if (!any) {
            html.append("<p class=\"note\">No paired differences or detectable differences: they need at least 2"
                    + " runs a side (2 seeds shared with the baseline for the paired test), and a summary table"
                    + " written since they were recorded.</p>\n");
            return;
        }
        html.append("<table class=\"paired\">\n<thead><tr><th class=\"text\">variant</th>")
                .append("<th>detectable \u0394 (pp)</th><th>shared seeds</th><th>paired \u0394 (pp) [95% CI]</th>")
                .append("<th>paired p</th><th>paired p Holm</th><th>paired detectable \u0394 (pp)</th></tr></thead>\n")
                .append("<tbody>\n");
        for (ReportData.VariantSummary s : compared) {
            openVariantRow(html, s.variant(), false);
            ReportData.Difference d = s.paired();
            cell(html, fixed(s.unpaired().minimalDetectableDifference() * 100, 2));
            cell(html, Integer.toString(s.pairedSeeds()));
            cell(html, Double.isNaN(d.mean()) ? "\u2014" : interval(d));
            cell(html, pValue(d.pValue()));
            adjustedCell(html, d.pValueHolm());
            cell(html, fixed(d.minimalDetectableDifference() * 100, 2));
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n<p class=\"note\">The same seed gives a variant and its baseline the same"
                + " data order, sharding and augmentation, so the per-seed difference (paired t-test over the shared"
                + " seeds) removes that common noise. Detectable \u0394: the difference a test of this many seeds"
                + " would find with 80% power at a two-sided 0.05, from the observed spread: (t<sub>0.975,df</sub> +"
                + " t<sub>0.8,df</sub>) \u00d7 standard error. A difference smaller than it that is \"not significant\""
                + " is no evidence of no effect. Only adjusted p-values below 0.05 are in green.</p>\n");
    }

    /** Opens a table row for a variant with its swatch and name as the first cell. */
    private void openVariantRow(StringBuilder html, String v, boolean baseline) {
        html.append("<tr data-variant=\"").append(escape(v)).append('"').append(baseline ? " class=\"baseline\"" : "")
                .append("><td class=\"text\"><span class=\"swatch\" style=\"background:").append(colour(v))
                .append("\"></span>").append(escape(v)).append("</td>");
    }

    /** An adjusted p-value, marked when below alpha: the only p-values the report calls significant. */
    private static void adjustedCell(StringBuilder html, double p) {
        html.append(p < ALPHA ? "<td class=\"significant\">" : "<td>").append(escape(pValue(p))).append("</td>");
    }

    private static String interval(ReportData.Difference d) {
        return Double.isNaN(d.ciLow())
                ? String.format(Locale.ROOT, "%+.2f", d.mean() * 100)
                : String.format(Locale.ROOT, "%+.2f [%s, %s]", d.mean() * 100, signed(d.ciLow() * 100),
                        signed(d.ciHigh() * 100));
    }

    private static void cell(StringBuilder html, String text) {
        html.append("<td>").append(escape(text)).append("</td>");
    }

    private static String meanStd(double mean, double std) {
        if (Double.isNaN(mean)) {
            return "\u2014";
        }
        String m = String.format(Locale.ROOT, "%.2f", mean * 100);
        return Double.isNaN(std) ? m : m + String.format(Locale.ROOT, " \u00b1 %.2f", std * 100);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%+.2f", v);
    }

    private static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "\u2014";
        }
        return p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", p);
    }

    /** The cells that failed in the last job: their variants' rows above lack these seeds. */
    private void failedCells(StringBuilder html) {
        List<ReportData.Cell> failed = data.failedCells();
        if (failed.isEmpty()) {
            return;
        }
        html.append("<h2>Failed cells</h2>\n<p class=\"note\">").append(failed.size()).append(" of ")
                .append(data.cells().size()).append(" cells failed in the last job and are not in the summary;"
                        + " running the job again retries them (finished cells are skipped).</p>\n")
                .append("<table class=\"failures\">\n<thead><tr><th class=\"text\">variant</th><th>seed</th>")
                .append("<th class=\"text\">run id</th><th class=\"text\">error</th></tr></thead>\n<tbody>\n");
        for (ReportData.Cell c : failed) {
            html.append("<tr><td class=\"text\">").append(escape(c.variant())).append("</td>");
            cell(html, Long.toString(c.seed()));
            html.append("<td class=\"text\">").append(escape(c.runId())).append("</td><td class=\"text\">")
                    .append(escape(c.error() == null ? "" : c.error())).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    /** The cells over wall time, from the cells table's start and end times; only a note without them. */
    private void timeline(StringBuilder html) {
        List<ReportData.Cell> timed = data.cells().stream().filter(ReportData.Cell::timed)
                .sorted(Comparator.comparing(ReportData.Cell::startedAt)).toList();
        if (timed.isEmpty()) {
            html.append("<p class=\"note\">No timeline: the cells table has no start and end times (it was written"
                    + " before they were recorded, or there is no cells table).</p>\n");
            return;
        }
        Instant first = timed.get(0).startedAt();
        List<TimelineChart.Span> spans = new ArrayList<>();
        for (ReportData.Cell c : timed) {
            spans.add(new TimelineChart.Span(c.variant(), c.seed(),
                    variants.contains(c.variant()) ? colour(c.variant()) : UNLISTED_COLOUR,
                    seconds(first, c.startedAt()), seconds(first, c.finishedAt()), c.failed(), c.executors()));
        }
        html.append("<h2>Timeline</h2>\n");
        html.append(TimelineChart.render(TIMELINE_CHART, "Cells over wall time", spans));
        long untimed = data.cells().size() - timed.size();
        html.append("<p class=\"note\">One bar per cell of the last job, from its start to its end, in order of"
                + " start; failed cells are pale with a dashed outline.")
                .append(untimed > 0 ? " Left out: " + untimed + " cell(s) without start and end times." : "")
                .append("</p>\n");
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

    private void runsTable(StringBuilder html) {
        html.append("<h2>Runs</h2>\n<details><summary>").append(data.shownRuns().size())
                .append(" runs</summary>\n<table class=\"runs\">\n<thead><tr><th class=\"text\">variant</th><th>seed</th>")
                .append("<th class=\"text\">run id</th><th>final top-1 (%)</th><th>best top-1 (%)</th><th>wall (s)</th>")
                .append("<th>images/s</th></tr></thead>\n<tbody>\n");
        List<ReportData.Run> sorted = data.shownRuns().stream()
                .sorted((a, b) -> a.variant().equals(b.variant())
                        ? Long.compare(a.seed(), b.seed())
                        : Integer.compare(variants.indexOf(a.variant()), variants.indexOf(b.variant())))
                .collect(Collectors.toList());
        for (ReportData.Run r : sorted) {
            html.append("<tr><td class=\"text\">").append(escape(r.variant())).append("</td>");
            cell(html, Long.toString(r.seed()));
            html.append("<td class=\"text\">").append(escape(r.runId())).append("</td>");
            cell(html, fixed(r.result().finalTop1() * 100, 2));
            cell(html, fixed(r.result().bestTop1() * 100, 2));
            cell(html, fixed(r.result().wallSeconds(), 0));
            cell(html, fixed(r.result().imagesPerSecond(), 0));
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n</details>\n");
    }

    /**
     * Writes a page so that {@code out} is either its old self or the complete new page: to a temporary file
     * beside it, then moved into place. Creates the parent folders.
     *
     * @param html the page
     * @param out the file
     * @throws IOException if it cannot be written (the temporary file is removed)
     */
    public static void write(String html, Path out) throws IOException {
        Path target = out.toAbsolutePath();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        // Not Files.createTempFile: its file is private to the owner, this one gets the umask's permissions.
        Path tmp = parent.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.writeString(tmp, html, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
