package io.attnspark.ablation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The paired t-test against scipy 1.17: {@code stats.ttest_rel(a, b)} for the p-value, the interval and the
 * minimal detectable difference from numpy's mean and {@code std(ddof=1)} of the differences and
 * {@code stats.t.ppf} (src/test/resources/io/attnspark/ablation/reference_statistics.py).
 */
class PairedTestTest {

    // Seeds 1, 2, 3 of a variant and of its baseline: differences 0.012, 0.008, 0.022.
    private static final double[] VARIANT = {0.912, 0.905, 0.921};
    private static final double[] BASELINE = {0.900, 0.897, 0.899};

    @Test
    void matchesScipyOnThreePairs() {
        PairedTest t = PairedTest.of(VARIANT, BASELINE);
        assertEquals(3, t.pairs());
        assertEquals(0.014, t.difference(), 1e-12);
        // mean -+ t(0.975, 2) * sd / sqrt(3), sd = 0.007211102550927985
        assertEquals(-0.003913371790059201, t.ciLow(), 1e-9);
        assertEquals(0.03191337179005922, t.ciHigh(), 1e-9);
        assertEquals(0.07820230925709111, t.pValue(), 1e-9);
        // (t(0.975, 2) + t(0.8, 2)) * sd / sqrt(3)
        assertEquals(0.022329252223223142, t.minimalDetectableDifference(), 1e-9);
    }

    @Test
    void pairingRemovesTheSharedNoise() {
        // The same data unpaired (Welch): p 0.0893; paired: 0.0782 with a narrower interval.
        WelchTest unpaired = WelchTest.of(VARIANT, BASELINE);
        PairedTest paired = PairedTest.of(VARIANT, BASELINE);
        assertTrue(paired.ciHigh() - paired.ciLow() < unpaired.ciHigh() - unpaired.ciLow());
        assertTrue(paired.pValue() < unpaired.pValue());
    }

    @Test
    void equalDifferencesHaveNoSpreadToTest() {
        PairedTest t = PairedTest.of(new double[] {0.90, 0.92}, new double[] {0.87, 0.89});
        assertEquals(0.03, t.difference(), 1e-12);
        assertEquals(0.03, t.ciLow(), 1e-12);
        assertEquals(0.03, t.ciHigh(), 1e-12);
        assertTrue(Double.isNaN(t.pValue()));
        assertTrue(Double.isNaN(t.minimalDetectableDifference()));
    }

    @Test
    void needsTwoMatchedPairs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairedTest.of(new double[] {0.5}, new double[] {0.4}));
        assertTrue(e.getMessage().contains("at least 2 pairs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PairedTest.of(new double[] {0.5, 0.6}, new double[] {0.4}));
    }
}
