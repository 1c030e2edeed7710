package io.attnspark.ablation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
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
        assertEquals(2, base.accuracy().runs());
        assertEquals(0.88, base.accuracy().top1Mean(), 1e-12);
        assertEquals(Math.sqrt(0.0002), base.accuracy().top1Std(), 1e-12);
        assertEquals(0.985, base.accuracy().top5Mean(), 1e-12);
        assertEquals(0.0, base.cost().paramsOverhead(), 0);
        assertEquals(105, base.cost().imagesPerSecond(), 1e-12);
        assertEquals(Summaries.Difference.NONE, base.unpaired());
        assertNull(base.pairedSeeds());
        assertEquals(Summaries.Difference.NONE, base.paired());

        Summaries.Row se = rows.get(1);
        assertEquals("se", se.attention());
        assertEquals(0.91, se.accuracy().top1Mean(), 1e-12);
        assertEquals(0.1, se.cost().paramsOverhead(), 1e-12);
        assertEquals(0.005, se.cost().macsOverhead(), 1e-12);
        assertEquals(0.03, se.unpaired().mean(), 1e-12);
        // Same numbers as WelchTestTest's first case: df = 2.
        assertEquals(-0.03084869845, se.unpaired().ciLow(), 1e-6);
        assertEquals(0.09084869845, se.unpaired().ciHigh(), 1e-6);
        assertEquals(0.16794970566, se.unpaired().pValue(), 1e-6);
        assertEquals(se.unpaired().pValue(), se.unpaired().pValueHolm(), 0, "one comparison: adjusted = raw");
        assertEquals(0.07584869844593316, se.unpaired().minimalDetectableDifference(), 1e-9);
        // Both seeds gain exactly 0.03: the paired mean and interval, but no spread to test.
        assertEquals(2, se.pairedSeeds());
        assertEquals(0.03, se.paired().mean(), 1e-12);
        assertEquals(0.03, se.paired().ciLow(), 1e-12);
        assertNull(se.paired().pValue());
        assertNull(se.paired().pValueHolm());
        assertNull(se.paired().minimalDetectableDifference());
        assertEquals(85, se.cost().imagesPerSecond(), 1e-12);
    }

    @Test
    void oneSeedHasNoSpreadIntervalOrPValueButADifference() {
        List<Summaries.Row> rows = Summaries.summarise(
                List.of(run("baseline", "none", 1, 10, 10, 0.8, null, 1), run("se", "se", 1, 11, 10, 0.85, null, 1)),
                List.of("baseline", "se"), Map.of("baseline", "baseline", "se", "baseline"));
        Summaries.Row se = rows.get(1);
        assertNull(se.accuracy().top1Std());
        assertNull(se.accuracy().top5Mean(), "top-5 not measured (5 classes or fewer)");
        assertEquals(0.05, se.unpaired().mean(), 1e-12);
        assertNull(se.unpaired().ciLow());
        assertNull(se.unpaired().pValue());
        assertNull(se.unpaired().pValueHolm());
        assertNull(se.unpaired().minimalDetectableDifference());
        assertEquals(1, se.pairedSeeds());
        assertEquals(Summaries.Difference.NONE, se.paired(), "one shared seed: nothing paired");
    }

    @Test
    void withoutBaselineRunsThereAreNoOverheadsOrDifferences() {
        List<Summaries.Row> rows = Summaries.summarise(List.of(run("se", "se", 1, 11, 10, 0.85, 0.9, 1)),
                List.of("baseline", "se"), Map.of("baseline", "baseline", "se", "baseline"));
        assertEquals(1, rows.size());
        assertNull(rows.get(0).cost().paramsOverhead());
        assertEquals(Summaries.Difference.NONE, rows.get(0).unpaired());
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

    private static List<Summaries.Run> threeSeeds(String variant, double... top1) {
        List<Summaries.Run> runs = new ArrayList<>();
        for (int i = 0; i < top1.length; i++) {
            runs.add(run(variant, variant, i + 1, 10, 10, top1[i], null, 1));
        }
        return runs;
    }

    @Test
    void pairsRunsBySeedAndMatchesScipy() {
        List<Summaries.Run> runs = new ArrayList<>(threeSeeds("baseline", 0.900, 0.897, 0.899));
        runs.addAll(threeSeeds("se", 0.912, 0.905, 0.921));
        runs.add(run("se", "se", 4, 10, 10, 0.95, null, 1)); // no baseline run with seed 4: unpaired only
        Summaries.Row se = Summaries.summarise(runs, List.of("baseline", "se"),
                Map.of("baseline", "baseline", "se", "baseline")).get(1);
        assertEquals(4, se.accuracy().runs());
        assertEquals(3, se.pairedSeeds());
        // PairedTestTest's numbers (scipy.stats.ttest_rel on seeds 1-3)
        assertEquals(0.014, se.paired().mean(), 1e-12);
        assertEquals(-0.003913371790059201, se.paired().ciLow(), 1e-9);
        assertEquals(0.03191337179005922, se.paired().ciHigh(), 1e-9);
        assertEquals(0.07820230925709111, se.paired().pValue(), 1e-9);
        assertEquals(0.07820230925709111, se.paired().pValueHolm(), 1e-9);
        assertEquals(0.022329252223223142, se.paired().minimalDetectableDifference(), 1e-9);
    }

    @Test
    void holmAdjustsWithinEachBaselinesFamily() {
        // Two axis values, each with its own baseline and two variants: two families of m = 2, not one of 4.
        List<Summaries.Run> runs = new ArrayList<>();
        runs.addAll(threeSeeds("baseline k=10", 0.900, 0.897, 0.899));
        runs.addAll(threeSeeds("se k=10", 0.912, 0.905, 0.921));
        runs.addAll(threeSeeds("gc k=10", 0.902, 0.896, 0.903));
        runs.addAll(threeSeeds("baseline k=50", 0.880, 0.890, 0.885));
        runs.addAll(threeSeeds("se k=50", 0.930, 0.931, 0.929));
        runs.addAll(threeSeeds("gc k=50", 0.881, 0.889, 0.886));
        List<String> variants = List.of("baseline k=10", "se k=10", "gc k=10", "baseline k=50", "se k=50", "gc k=50");
        Map<String, String> baselineOf = new HashMap<>();
        variants.forEach(v -> baselineOf.put(v, v.endsWith("k=10") ? "baseline k=10" : "baseline k=50"));
        List<Summaries.Row> rows = Summaries.summarise(runs, variants, baselineOf);
        for (int family : new int[] {0, 3}) {
            double[] raw = {rows.get(family + 1).unpaired().pValue(), rows.get(family + 2).unpaired().pValue()};
            double[] holm = HolmAdjustment.adjust(raw);
            assertEquals(holm[0], rows.get(family + 1).unpaired().pValueHolm(), 0);
            assertEquals(holm[1], rows.get(family + 2).unpaired().pValueHolm(), 0);
            double[] pairedRaw = {rows.get(family + 1).paired().pValue(), rows.get(family + 2).paired().pValue()};
            double[] pairedHolm = HolmAdjustment.adjust(pairedRaw);
            assertEquals(pairedHolm[0], rows.get(family + 1).paired().pValueHolm(), 0);
            assertEquals(pairedHolm[1], rows.get(family + 2).paired().pValueHolm(), 0);
            assertNull(rows.get(family).unpaired().pValueHolm(), "the baseline is in no family");
        }
        // scipy and an independent numpy Holm (reference_statistics.py): se k=10 has the smaller p of its
        // family, doubled; gc k=10 keeps its own, the larger.
        assertEquals(0.08933154597249494, rows.get(1).unpaired().pValue(), 1e-9);
        assertEquals(2 * 0.08933154597249494, rows.get(1).unpaired().pValueHolm(), 1e-9);
        assertEquals(0.5368841168531586, rows.get(2).unpaired().pValue(), 1e-9);
        assertEquals(0.5368841168531586, rows.get(2).unpaired().pValueHolm(), 1e-9);
        assertEquals(2 * 0.07820230925709111, rows.get(1).paired().pValueHolm(), 1e-9);
        assertEquals(0.37005921165128797, rows.get(2).paired().pValueHolm(), 1e-9);
        assertTrue(rows.get(2).unpaired().pValueHolm() >= rows.get(1).unpaired().pValueHolm());
    }

    @Test
    void formatShowsTheAdjustedPValue() {
        List<Summaries.Run> runs = new ArrayList<>(threeSeeds("baseline", 0.900, 0.897, 0.899));
        runs.addAll(threeSeeds("se", 0.912, 0.905, 0.921));
        runs.addAll(threeSeeds("gc", 0.902, 0.896, 0.903));
        String text = Summaries.format(Summaries.summarise(runs, List.of("baseline", "se", "gc"),
                Map.of("baseline", "baseline", "se", "baseline", "gc", "baseline")));
        assertTrue(text.lines().findFirst().orElseThrow().contains("p Holm"), text);
        assertTrue(text.contains(" 0.089   0.179 "), "raw 0.0893 and adjusted 0.1787 side by side: " + text);
    }

    @Test
    void summaryRowsMatchTheTableSchema() {
        Summaries.Row row = Summaries.summarise(List.of(run("baseline", "none", 1, 10, 10, 0.8, null, 1)),
                List.of("baseline"), Map.of("baseline", "baseline")).get(0);
        assertEquals(SummaryTable.SCHEMA.size(), row.values().length);
        Summaries.Row se = Summaries.summarise(List.of(run("baseline", "none", 1, 10, 10, 0.8, null, 1),
                run("se", "se", 1, 11, 10, 0.85, null, 1)), List.of("baseline", "se"),
                Map.of("baseline", "baseline", "se", "baseline")).get(1);
        Object[] values = se.values();
        assertEquals(0.05, (double) values[SummaryTable.SCHEMA.fieldIndex("diff_top1")], 1e-12);
        assertEquals(1, values[SummaryTable.SCHEMA.fieldIndex("paired_seeds")]);
        assertNull(values[SummaryTable.SCHEMA.fieldIndex("paired_p_value_holm")]);
        for (String added : SummaryTable.ADDED_COLUMNS) {
            assertTrue(SummaryTable.SCHEMA.getFieldIndex(added).isDefined(), added);
        }
    }
}
