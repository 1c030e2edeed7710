package io.attnspark.ablation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-variant summaries against values worked out by hand. */
class SummariesTest {

    private static Summaries.Run run(String variant, String attention, long seed, long params, long macs, double top1,
            Double top5, double rate) {
        return new Summaries.Run(variant, attention, seed, params, macs, top1, top5, rate);
    }

    @Test
    void summarisesEachVariantAgainstTheBaseline() {
        List<Summaries.Run> runs = List.of(
                run("baseline", "none", 1, 1000, 2000, 0.87, 0.99, 100),
                run("se", "se", 1, 1100, 2010, 0.90, 0.995, 80),
                run("baseline", "none", 2, 1000, 2000, 0.89, 0.98, 110),
                run("se", "se", 2, 1100, 2010, 0.92, 1.0, 90),
                run("other", "gc", 1, 1200, 2500, 0.5, 0.9, 10)); // not in the plan: ignored
        List<Summaries.Row> rows = Summaries.summarise(runs, List.of("baseline", "se", "gc"),
                Map.of("baseline", "baseline", "se", "baseline", "gc", "baseline"));
        assertEquals(2, rows.size(), "gc has no runs: no row");

        Summaries.Row base = rows.get(0);
        assertEquals("baseline", base.variant());
        assertEquals(2, base.runs());
        assertEquals(0.88, base.top1Mean(), 1e-12);
        assertEquals(Math.sqrt(0.0002), base.top1Std(), 1e-12);
        assertEquals(0.985, base.top5Mean(), 1e-12);
        assertEquals(0.0, base.paramsOverhead(), 0);
        assertEquals(105, base.imagesPerSecond(), 1e-12);
        assertNull(base.diffTop1());
        assertNull(base.pValue());

        Summaries.Row se = rows.get(1);
        assertEquals("se", se.attention());
        assertEquals(0.91, se.top1Mean(), 1e-12);
        assertEquals(0.1, se.paramsOverhead(), 1e-12);
        assertEquals(0.005, se.macsOverhead(), 1e-12);
        assertEquals(0.03, se.diffTop1(), 1e-12);
        // Same numbers as WelchTestTest's first case: df = 2.
        assertEquals(-0.03084869845, se.diffCiLow(), 1e-6);
        assertEquals(0.09084869845, se.diffCiHigh(), 1e-6);
        assertEquals(0.16794970566, se.pValue(), 1e-6);
        assertEquals(85, se.imagesPerSecond(), 1e-12);
    }

    @Test
    void oneSeedHasNoSpreadIntervalOrPValueButADifference() {
        List<Summaries.Row> rows = Summaries.summarise(
                List.of(run("baseline", "none", 1, 10, 10, 0.8, null, 1), run("se", "se", 1, 11, 10, 0.85, null, 1)),
                List.of("baseline", "se"), Map.of("baseline", "baseline", "se", "baseline"));
        Summaries.Row se = rows.get(1);
        assertNull(se.top1Std());
        assertNull(se.top5Mean(), "top-5 not measured (5 classes or fewer)");
        assertEquals(0.05, se.diffTop1(), 1e-12);
        assertNull(se.diffCiLow());
        assertNull(se.pValue());
    }

    @Test
    void withoutBaselineRunsThereAreNoOverheadsOrDifferences() {
        List<Summaries.Row> rows = Summaries.summarise(List.of(run("se", "se", 1, 11, 10, 0.85, 0.9, 1)),
                List.of("baseline", "se"), Map.of("baseline", "baseline", "se", "baseline"));
        assertEquals(1, rows.size());
        assertNull(rows.get(0).paramsOverhead());
        assertNull(rows.get(0).diffTop1());
    }

    @Test
    void formatsOneLinePerVariant() {
        List<Summaries.Row> rows = Summaries.summarise(
                List.of(run("baseline", "none", 1, 10, 10, 0.8, null, 1), run("se", "se", 1, 11, 10, 0.85, null, 1)),
                List.of("baseline", "se"), Map.of("baseline", "baseline", "se", "baseline"));
        String text = Summaries.format(rows);
        assertEquals(3, text.lines().count(), text);
        assertTrue(text.contains("+10.0%"), text);
        assertTrue(text.contains("+0.0500"), text);
    }

    @Test
    void summaryRowsMatchTheTableSchema() {
        Summaries.Row row = Summaries.summarise(List.of(run("baseline", "none", 1, 10, 10, 0.8, null, 1)),
                List.of("baseline"), Map.of("baseline", "baseline")).get(0);
        assertEquals(SummaryTable.SCHEMA.size(), row.values().length);
    }
}
