package io.attnspark.ablation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Welch's t-test against values computed by hand (Python, numerical integration of the t density) and, for the
 * p-values and minimal detectable differences, scipy 1.17 ({@code stats.ttest_ind(a, b, equal_var=False)},
 * {@code stats.t.ppf}).
 */
class WelchTestTest {

    @Test
    void equalVariancesTwoRunsEachHaveTwoDegreesOfFreedom() {
        // se = sqrt(1e-4/2 * 2) = 0.0141421; t = 2.12132; df = 2: p = 1 - t / sqrt(t^2 + 2); t(0.975, 2) = 4.302653.
        WelchTest t = WelchTest.of(new double[] {0.90, 0.92}, new double[] {0.87, 0.89});
        assertEquals(0.03, t.difference(), 1e-12);
        assertEquals(2.0, t.degreesOfFreedom(), 1e-9);
        assertEquals(0.16794970566, t.pValue(), 1e-6);
        assertEquals(-0.03084869845, t.ciLow(), 1e-6);
        assertEquals(0.09084869845, t.ciHigh(), 1e-6);
        // (t(0.975, 2) + t(0.8, 2)) * se = (4.302653 + 1.060660) * 0.0141421
        assertEquals(0.07584869844593316, t.minimalDetectableDifference(), 1e-9);
    }

    @Test
    void unequalVariancesUseWelchSatterthwaiteDegreesOfFreedom() {
        WelchTest t = WelchTest.of(new double[] {0.912, 0.905, 0.921}, new double[] {0.900, 0.897, 0.899});
        assertEquals(0.014, t.difference(), 1e-12);
        assertEquals(2.14488712532, t.degreesOfFreedom(), 1e-9);
        assertEquals(0.08933154597, t.pValue(), 1e-6);
        assertEquals(-0.00502488707, t.ciLow(), 1e-6);
        assertEquals(0.03302488707, t.ciHigh(), 1e-6);
        // scipy: (t.ppf(0.975, df) + t.ppf(0.8, df)) * sqrt(s1^2/3 + s2^2/3) with df = 2.14488712532
        assertEquals(0.023942559946137757, t.minimalDetectableDifference(), 1e-9);
        assertEquals(0.08933154597249494, t.pValue(), 1e-12, "scipy.stats.ttest_ind(equal_var=False)");
    }

    @Test
    void noSpreadGivesThePointDifferenceAndNoPValue() {
        WelchTest t = WelchTest.of(new double[] {0.5, 0.5}, new double[] {0.4, 0.4});
        assertEquals(0.1, t.difference(), 1e-12);
        assertEquals(0.1, t.ciLow(), 1e-12);
        assertEquals(0.1, t.ciHigh(), 1e-12);
        assertTrue(Double.isNaN(t.pValue()));
        assertTrue(Double.isNaN(t.minimalDetectableDifference()));
    }

    @Test
    void oneRunCannotBeTested() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WelchTest.of(new double[] {0.5}, new double[] {0.4, 0.41}));
        assertTrue(e.getMessage().contains("at least 2 values"), e.getMessage());
    }

}
