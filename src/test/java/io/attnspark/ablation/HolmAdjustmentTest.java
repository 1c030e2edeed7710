package io.attnspark.ablation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Holm's step-down against worked examples, each also computed with an independent numpy implementation
 * ({@code minimum(1, maximum.accumulate((m - arange(m)) * sorted(p)))}, put back in the input's order).
 */
class HolmAdjustmentTest {

    @Test
    void textbookExampleEnforcesMonotonicity() {
        // Wikipedia's "Holm–Bonferroni method" example: four hypotheses at alpha 0.05. Sorted: 0.005 * 4 = 0.02,
        // 0.01 * 3 = 0.03, 0.03 * 2 = 0.06, 0.04 * 1 = 0.04 raised to 0.06 (never below an earlier one).
        assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02},
                HolmAdjustment.adjust(new double[] {0.01, 0.04, 0.03, 0.005}), 1e-12);
    }

    @Test
    void adjustedValuesAreCappedAtOne() {
        // 0.01 * 3 = 0.03, 0.6 * 2 = 1.2 -> 1, 0.7 * 1 = 0.7 -> raised to 1
        assertArrayEquals(new double[] {0.03, 1, 1}, HolmAdjustment.adjust(new double[] {0.01, 0.6, 0.7}), 1e-12);
    }

    @Test
    void tiesGetEqualAdjustedValues() {
        // 0.01 * 3 = 0.03, 0.01 * 2 = 0.02 -> raised to 0.03, 0.04 * 1 = 0.04
        assertArrayEquals(new double[] {0.03, 0.03, 0.04}, HolmAdjustment.adjust(new double[] {0.01, 0.01, 0.04}),
                1e-12);
    }

    @Test
    void aSingleComparisonIsNotAdjusted() {
        assertArrayEquals(new double[] {0.3}, HolmAdjustment.adjust(new double[] {0.3}), 0);
        assertArrayEquals(new double[0], HolmAdjustment.adjust(new double[0]), 0);
    }

    @Test
    void untestedComparisonsStayOutOfTheFamily() {
        // m = 2, not 3: the NaN (no spread, too few runs) is no hypothesis tested.
        assertArrayEquals(new double[] {0.02, Double.NaN, 0.04},
                HolmAdjustment.adjust(new double[] {0.01, Double.NaN, 0.04}), 1e-12);
    }

    @Test
    void rejectsValuesThatAreNoPValues() {
        assertThrows(IllegalArgumentException.class, () -> HolmAdjustment.adjust(new double[] {0.1, 1.5}));
    }
}
