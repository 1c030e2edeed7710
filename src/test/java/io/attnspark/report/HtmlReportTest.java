package io.attnspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page without a browser or Spark: content, escaping, self-containment, odd data, the atomic write. */
class HtmlReportTest {

    @TempDir Path dir;

    static ReportData.Run run(String id, String variant, long seed, double top1) {
        return new ReportData.Run(id, variant, "resnet-cifar-20", seed, new ReportData.RunSetup(2, 2, 10, 60_000, 10_000),
                new ReportData.RunResult(top1, top1, Double.NaN, 100, 900));
    }

    static ReportData.VariantSummary summary(String variant, int runs, double mean, double std, long params,
            double overhead, double diff, double p) {
        return summary(variant, runs, mean, std, params, overhead, new ReportData.Difference(diff, diff - 0.01,
                diff + 0.01, p, p, Double.NaN), ReportData.Difference.NONE);
    }

    static ReportData.VariantSummary summary(String variant, int runs, double mean, double std, long params,
            double overhead, ReportData.Difference unpaired, ReportData.Difference paired) {
        return new ReportData.VariantSummary(variant, variant, new ReportData.Accuracy(runs, mean, std, Double.NaN,
                Double.NaN), new ReportData.Cost(params, overhead, 41_000_000, overhead, 900), unpaired,
                Double.isNaN(paired.mean()) ? 0 : 2, paired);
    }

    private static ReportData threeVariants() {
        List<ReportData.Run> runs = new ArrayList<>();
        List<ReportData.Evaluation> evals = new ArrayList<>();
        String[] variants = {"se", "baseline", "x</svg><script>alert(1)</script>"};
        for (int v = 0; v < variants.length; v++) {
            for (int seed = 1; seed <= 2; seed++) {
                String id = v + "-" + seed;
                runs.add(run(id, variants[v], seed, 0.9));
                for (int e = 1; e <= 2; e++) {
                    evals.add(new ReportData.Evaluation(id, e, 0.8 + 0.05 * e));
                }
            }
        }
        return new ReportData("/results/<a>", runs, evals, List.of(
                summary("baseline", 2, 0.90, 0.002, 270_000, Double.NaN, Double.NaN, Double.NaN),
                // Two variants against one baseline: Holm doubles the smaller p-value (0.03 -> 0.06).
                summary("se", 2, 0.91, 0.003, 280_000, 0.037, new ReportData.Difference(0.01, 0.0, 0.02, 0.03, 0.06,
                        0.025), new ReportData.Difference(0.012, 0.002, 0.022, 0.004, 0.008, 0.011)),
                summary(variants[2], 2, 0.89, Double.NaN, 300_000, 0.11, -0.01, 0.5)));
    }

    private static String chart(String html, String id) {
        int at = html.indexOf("id=\"" + id + "\"");
        assertTrue(at >= 0, id);
        return html.substring(html.lastIndexOf("<svg", at), html.indexOf("</svg>", at));
    }

    @Test
    void everyChartHasOneSeriesPerVariantAndTheTableARow() {
        String html = new HtmlReport(threeVariants()).render();
        List<String> expected = List.of("baseline", "se", "x&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
        for (String id : List.of(HtmlReport.ACCURACY_CHART, HtmlReport.CURVES_CHART, HtmlReport.THROUGHPUT_CHART)) {
            assertEquals(expected, ChartsTest.series(chart(html, id)), id);
            ChartsTest.assertWellFormedNumbers(chart(html, id));
        }
        List<String> rows = new ArrayList<>();
        String summaryTable = html.substring(html.indexOf("<table class=\"summary\">"), html.indexOf("</table>"));
        Matcher m = Pattern.compile("<tr data-variant=\"([^\"]*)\"").matcher(summaryTable);
        while (m.find()) {
            rows.add(m.group(1));
        }
        assertEquals(expected, rows);
        String paired = html.substring(html.indexOf("<table class=\"paired\">"));
        assertTrue(paired.indexOf("<tr data-variant=\"se\">") < paired.indexOf("</table>"), "compared variants only");
        assertFalse(paired.substring(0, paired.indexOf("</table>")).contains("data-variant=\"baseline\""));
        assertTrue(html.contains("reference"), "the baseline's row says it is the reference");
        assertTrue(html.contains("+1.00 [+0.00, +2.00]"), "difference with its CI in percentage points");
        assertTrue(html.contains("<td>0.030</td><td>0.060</td>"), "raw p next to the adjusted one, not marked");
        assertTrue(html.contains("only adjusted p-values below 0.05 are in green"));
        assertTrue(html.contains("<td>+1.20 [+0.20, +2.20]</td><td>0.004</td><td class=\"significant\">0.008</td>"),
                "the paired difference with its interval, p and marked adjusted p");
        assertTrue(html.contains("<td>2.50</td><td>2</td>"), "detectable difference (pp) and shared seeds");
        assertEquals(1, html.split("class=\"significant\"", -1).length - 1, "only the adjusted p below 0.05");
        assertTrue(html.contains("89.00</td>"), "a NaN std shows the mean alone");
    }

    @Test
    void isSelfContainedAndEscapesTableText() {
        String html = new HtmlReport(threeVariants()).render();
        assertFalse(html.contains("<script"), "no script, and a variant named <script> stays text");
        assertFalse(html.contains("</svg><script"));
        assertFalse(Pattern.compile("\\b(src|href)\\s*=|url\\(|@import", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                "nothing is fetched");
        assertEquals(html.split("http", -1).length - 1, html.split("xmlns=\"http://www.w3.org/2000/svg\"", -1).length - 1,
                "the only URLs are SVG namespace names");
        assertTrue(html.contains("/results/&lt;a&gt;"));
        assertTrue(html.contains("resnet-cifar-20"));
    }

    @Test
    void baselinesAreRecognisedByTheirRows() {
        ReportData data = threeVariants();
        ReportData.VariantSummary defaultName = data.summaryOf("baseline").orElseThrow(); // overhead left empty
        assertTrue(ReportData.isBaseline(defaultName));
        assertEquals(0, ReportData.paramsOverhead(defaultName), 0);
        assertFalse(ReportData.isBaseline(data.summaryOf("se").orElseThrow()));
        assertEquals(0.037, ReportData.paramsOverhead(data.summaryOf("se").orElseThrow()), 0);
        // As the ablation job writes them: a configurable name, one baseline per extra-axis value.
        ReportData.VariantSummary perAxis = summary("plain sync.every=50", 2, 0.9, 0.01, 270_000, 0.0, Double.NaN, Double.NaN);
        assertTrue(ReportData.isBaseline(perAxis));
        // A variant whose baseline has no runs: no overhead, no difference, and not a baseline.
        ReportData.VariantSummary orphan = summary("eca", 1, 0.9, Double.NaN, 297_000, Double.NaN, Double.NaN, Double.NaN);
        assertFalse(ReportData.isBaseline(orphan));
        assertTrue(Double.isNaN(ReportData.paramsOverhead(orphan)));

        ReportData axes = new ReportData("r", List.of(run("1", "eca", 1, 0.9), run("2", perAxis.variant(), 1, 0.9)),
                List.of(), List.of(orphan, perAxis));
        assertEquals(List.of("eca", "plain sync.every=50"), axes.variants(), "the summary's (plan's) order");
        String html = new HtmlReport(axes).render();
        assertEquals(List.of("plain sync.every=50"), ChartsTest.series(chart(html, HtmlReport.ACCURACY_CHART)));
        assertTrue(html.contains("Not plotted (no baseline runs to compare with): eca"), "a variant that cannot be placed is named");
        assertTrue(html.contains("<dt>compared with</dt><dd>plain sync.every=50</dd>"));
        assertTrue(html.contains("<tr data-variant=\"plain sync.every=50\" class=\"baseline\">"));
    }

    @Test
    void runsOfVariantsWithoutASummaryRowAreLeftOutAndNamed() {
        ReportData base = threeVariants();
        List<ReportData.Run> runs = new ArrayList<>(base.runs());
        runs.add(run("old", "gc", 1, 0.5));
        List<ReportData.Evaluation> evals = new ArrayList<>(base.evaluations());
        evals.add(new ReportData.Evaluation("old", 1, 0.5));
        ReportData data = new ReportData("r", runs, evals, base.summary());
        assertEquals(List.of("gc"), data.variantsWithoutSummary());
        assertEquals(base.runs().size(), data.shownRuns().size());
        String html = new HtmlReport(data).render();
        assertFalse(ChartsTest.series(chart(html, HtmlReport.CURVES_CHART)).contains("gc"));
        assertTrue(html.contains("the summary table does not list (an earlier plan in the same folder?): gc"));
        assertTrue(html.contains("<dt>runs</dt><dd>6</dd>"));
    }

    @Test
    void onlyTheLastPlansCellsAreShownAndItsFailedCellsAreListed() {
        ReportData base = threeVariants();
        List<ReportData.Cell> cells = new ArrayList<>();
        base.runs().forEach(r -> cells.add(new ReportData.Cell(r.runId(), r.variant(), r.seed(), false, null)));
        cells.add(new ReportData.Cell("se-3", "se", 3, true, "train.batch-size = 500 is larger than <the shard>"));
        // A run of an earlier config with the same label "se": not a cell of the last plan.
        List<ReportData.Run> runs = new ArrayList<>(base.runs());
        runs.add(run("se-old", "se", 1, 0.1));
        List<ReportData.Evaluation> evals = new ArrayList<>(base.evaluations());
        evals.add(new ReportData.Evaluation("se-old", 1, 0.1));
        evals.add(new ReportData.Evaluation("se-old", 2, 0.1));
        ReportData data = new ReportData("r", runs, evals, base.summary(), cells);

        assertEquals(base.runs(), data.shownRuns());
        assertEquals(1, data.runsOutsidePlan());
        assertEquals(LearningCurves.of(base), LearningCurves.of(data), "the old run does not pull the se curve down");
        assertEquals(List.of(cells.get(cells.size() - 1)), data.failedCells());
        String html = new HtmlReport(data).render();
        assertTrue(html.contains("<dt>runs</dt><dd>6</dd>"));
        assertTrue(html.contains("<dt>failed cells</dt><dd>1 of 7 (see below)</dd>"));
        assertTrue(html.contains("Left out: 1 run(s) in the runs table that are not cells of the last ablation job"));
        assertTrue(html.contains("<h2>Failed cells</h2>"));
        assertTrue(html.contains("<td class=\"text\">se-3</td><td class=\"text\">train.batch-size = 500 is larger than"
                + " &lt;the shard&gt;</td>"), "the error, escaped");
        assertFalse(html.contains("se-old"), "the old run is not in the runs list");
    }

    @Test
    void withoutFailuresThereIsNoFailedCellsSection() {
        ReportData base = threeVariants();
        List<ReportData.Cell> cells = new ArrayList<>();
        base.runs().forEach(r -> cells.add(new ReportData.Cell(r.runId(), r.variant(), r.seed(), false, null)));
        String html = new HtmlReport(new ReportData("r", base.runs(), base.evaluations(), base.summary(), cells)).render();
        assertFalse(html.contains("Failed cells"));
        assertFalse(html.contains("failed cells"));
        assertFalse(html.contains("Left out"));
    }

    @Test
    void oneVariantOneRunOneEpoch() {
        ReportData data = new ReportData("r", List.of(run("a", "baseline", 1, 0.9)),
                List.of(new ReportData.Evaluation("a", 1, 0.9)),
                List.of(summary("baseline", 1, 0.9, Double.NaN, 270_000, Double.NaN, Double.NaN, Double.NaN)));
        String html = new HtmlReport(data).render();
        for (String id : List.of(HtmlReport.ACCURACY_CHART, HtmlReport.CURVES_CHART, HtmlReport.THROUGHPUT_CHART)) {
            assertEquals(List.of("baseline"), ChartsTest.series(chart(html, id)), id);
            ChartsTest.assertWellFormedNumbers(chart(html, id));
        }
    }

    @Test
    void anAdjustedPValueBelowFivePercentIsMarked() {
        ReportData base = threeVariants();
        ReportData data = new ReportData("r", base.runs(), base.evaluations(), List.of(base.summary().get(0),
                summary("se", 2, 0.91, 0.003, 280_000, 0.037, 0.01, 0.004)));
        String html = new HtmlReport(data).render();
        assertTrue(html.contains("<td>0.004</td><td class=\"significant\">0.004</td>"), "a single comparison");
    }

    @Test
    void aSummaryWithoutAdjustedPValuesSaysSoAndMarksNothing() {
        ReportData base = threeVariants();
        ReportData.Difference oldStyle = new ReportData.Difference(0.01, 0.0, 0.02, 0.001, Double.NaN, Double.NaN);
        ReportData data = new ReportData("r", base.runs(), base.evaluations(), List.of(base.summary().get(0),
                summary("se", 2, 0.91, 0.003, 280_000, 0.037, oldStyle, ReportData.Difference.NONE)));
        String html = new HtmlReport(data).render();
        assertFalse(html.contains("class=\"significant\""));
        assertTrue(html.contains("written before adjusted p-values were recorded"));
        assertTrue(html.contains("No paired differences or detectable differences"));
        assertFalse(html.contains("<table class=\"paired\">"));
    }

    @Test
    void timelineHasABarPerTimedCellFromTheFirstStart() {
        ReportData base = threeVariants();
        Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
        List<ReportData.Cell> cells = new ArrayList<>();
        int i = 0;
        for (ReportData.Run r : base.runs()) {
            Instant start = t0.plusSeconds(300L * i++);
            cells.add(new ReportData.Cell(r.runId(), r.variant(), r.seed(), false, null, start, start.plusSeconds(600), 2));
        }
        cells.add(new ReportData.Cell("old", "se", 9, false, null)); // no times: left out and counted
        String html = new HtmlReport(new ReportData("r", base.runs(), base.evaluations(), base.summary(), cells)).render();
        String timeline = chart(html, HtmlReport.TIMELINE_CHART);
        assertEquals(List.of("se", "baseline", "x&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
                ChartsTest.series(timeline), "a series per variant, in order of first start");
        assertEquals(6, timeline.split("class=\"bar\"", -1).length - 1);
        assertTrue(timeline.contains("wall time since the first cell started (min)"), "35 minutes in minutes");
        assertTrue(timeline.contains("se seed 1: 0:00:00 to 0:10:00 (0:10:00), 2 executors"));
        assertTrue(timeline.contains("fill=\"" + Palette.colour(1) + "\""), "se keeps its summary colour");
        ChartsTest.assertWellFormedNumbers(timeline);
        assertTrue(html.contains("Left out: 1 cell(s) without start and end times."));
    }

    @Test
    void withoutCellTimesTheTimelineIsANote() {
        ReportData base = threeVariants();
        List<ReportData.Cell> cells = new ArrayList<>();
        base.runs().forEach(r -> cells.add(new ReportData.Cell(r.runId(), r.variant(), r.seed(), false, null)));
        for (ReportData data : List.of(base, new ReportData("r", base.runs(), base.evaluations(), base.summary(), cells))) {
            String html = new HtmlReport(data).render();
            assertFalse(html.contains("id=\"" + HtmlReport.TIMELINE_CHART + "\""));
            assertFalse(html.contains("<h2>Timeline</h2>"));
            assertTrue(html.contains("No timeline: the cells table has no start and end times"));
        }
    }

    @Test
    void writesAtomicallyAndCreatesTheParent() throws IOException {
        Path out = dir.resolve("a/b/report.html");
        HtmlReport.write("<p>one</p>", out);
        assertEquals("<p>one</p>", Files.readString(out));
        HtmlReport.write("<p>two</p>", out);
        assertEquals("<p>two</p>", Files.readString(out));
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temporary file left behind");
        }
        Path folder = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(folder.resolve("x"), "x");
        assertThrows(IOException.class, () -> HtmlReport.write("<p/>", folder));
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "a failed write cleans up");
        }
    }
}
