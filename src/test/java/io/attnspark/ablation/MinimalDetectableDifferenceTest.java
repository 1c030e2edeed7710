package io.attnspark.ablation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The power formula against scipy 1.17's {@code stats.t.ppf} and the normal limit. */
class MinimalDetectableDifferenceTest {

    @Test
    void sumsTheTwoTQuantilesTimesTheStandardError() {
        // scipy: t.ppf(0.975, 2) = 4.302652729749462, t.ppf(0.8, 2) = 1.0606601717798214
        assertEquals((4.302652729749462 + 1.0606601717798214) * 0.01, MinimalDetectableDifference.of(0.01, 2), 1e-12);
    }

    @Test
    void approachesTheNormalFormulaWithManyDegreesOfFreedom() {
        // z(0.975) + z(0.8) = 1.959963984540054 + 0.8416212335729143 = 2.8015852181129683
        assertEquals(2.8015852181129683, MinimalDetectableDifference.of(1, 1e7), 1e-5);
    }

    @Test
    void needsASpreadAndDegreesOfFreedom() {
        assertThrows(IllegalArgumentException.class, () -> MinimalDetectableDifference.of(0, 2));
        assertThrows(IllegalArgumentException.class, () -> MinimalDetectableDifference.of(0.01, Double.NaN));
    }
}
