package io.attnspark.ablation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Grid expansion: variants x axes x seeds, labels, overrides and bad grids. */
class AblationPlanTest {

    private static final AblationPlan.Variant BASE = new AblationPlan.Variant("baseline", Map.of("model.attention", "none"));
    private static final AblationPlan.Variant SE = new AblationPlan.Variant("se", Map.of("model.attention", "se"));

    @Test
    void variantsTimesSeedsInVariantMajorOrder() {
        AblationPlan plan = AblationPlan.expand(List.of(BASE, SE), Map.of(), List.of(1L, 2L), "baseline");
        assertEquals(List.of("baseline", "baseline", "se", "se"),
                plan.cells().stream().map(AblationPlan.Cell::variant).toList());
        assertEquals(List.of(1L, 2L, 1L, 2L), plan.cells().stream().map(AblationPlan.Cell::seed).toList());
        assertEquals(Map.of("model.attention", "se", "train.seed", "2"), plan.cells().get(3).overrides());
        assertEquals(List.of("baseline", "se"), plan.variants());
        assertEquals(Map.of("baseline", "baseline", "se", "baseline"), plan.baselineOf());
    }

    @Test
    void axesAreCrossedWithEveryVariantAndNamedInTheLabel() {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        axes.put("sync.every", List.of("10", "50"));
        axes.put("model.attention-options.rd_ratio", List.of("0.25"));
        AblationPlan plan = AblationPlan.expand(List.of(BASE, SE), axes, List.of(7L), "baseline");
        assertEquals(4, plan.cells().size());
        AblationPlan.Cell cell = plan.cells().get(3);
        assertEquals("se sync.every=50 model.attention-options.rd_ratio=0.25", cell.variant());
        assertEquals("50", cell.overrides().get("sync.every"));
        assertEquals("7", cell.overrides().get("train.seed"));
        assertEquals("baseline sync.every=50 model.attention-options.rd_ratio=0.25",
                plan.baselineOf().get(cell.variant()), "compared with the baseline at the same axis values");
    }

    @Test
    void runIdsNameTheCellAndChangeWithItsConfig() {
        AblationPlan.Cell cell = AblationPlan.expand(List.of(BASE, SE), Map.of("sync.every", List.of("\"x y\"")),
                List.of(3L), "baseline").cells().get(1);
        String id = cell.runId("{a:1}");
        assertTrue(id.startsWith("se-sync.every-x-y-s3-"), id);
        assertEquals(id, cell.runId("{a:1}"));
        assertNotEquals(id, cell.runId("{a:2}"));
    }

    @Test
    void badGridsAreNamed() {
        assertMessage("ablation.variants is empty", () -> AblationPlan.expand(List.of(), Map.of(), List.of(1L), "b"));
        assertMessage("ablation.seeds is empty",
                () -> AblationPlan.expand(List.of(BASE), Map.of(), List.of(), "baseline"));
        assertMessage("repeats a seed",
                () -> AblationPlan.expand(List.of(BASE), Map.of(), List.of(1L, 1L), "baseline"));
        assertMessage("names 'se' twice",
                () -> AblationPlan.expand(List.of(BASE, SE, SE), Map.of(), List.of(1L), "baseline"));
        assertMessage("ablation.baseline = plain is not one of the variants [baseline, se]",
                () -> AblationPlan.expand(List.of(BASE, SE), Map.of(), List.of(1L), "plain"));
        assertMessage("sets model.attention, which is also an axis",
                () -> AblationPlan.expand(List.of(BASE, SE), Map.of("model.attention", List.of("\"eca\"")),
                        List.of(1L), "baseline"));
        assertMessage("ablation.axes.\"sync.every\" has no values",
                () -> AblationPlan.expand(List.of(BASE), Map.of("sync.every", List.of()), List.of(1L), "baseline"));
        assertMessage("seeds come from ablation.seeds", () -> AblationPlan.expand(
                List.of(new AblationPlan.Variant("s", Map.of("train.seed", "3"))), Map.of(), List.of(1L), "s"));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
