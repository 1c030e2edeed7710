package io.attnspark.ablation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Holm's step-down adjustment of p-values for a family of m tests (Holm 1979, "A simple sequentially
 * rejective multiple test procedure"): sorted ascending, the i-th smallest (from 1) is multiplied by
 * m - i + 1, each adjusted value is raised to the largest before it (so adjusted values keep the raw
 * order), and capped at 1. Rejecting where the adjusted value is below alpha controls the family-wise error
 * rate at alpha, whatever the dependence between the tests. Equal raw p-values get equal adjusted ones.
 */
public final class HolmAdjustment {

    private HolmAdjustment() {}

    /**
     * Adjusts a family's p-values.
     *
     * @param raw the family's raw p-values, each in [0, 1]; NaN for a comparison that could not be tested,
     *     which is left out of the family (it does not count in m) and stays NaN
     * @return the adjusted p-values, in {@code raw}'s order
     * @throws IllegalArgumentException if a p-value is outside [0, 1]
     */
    public static double[] adjust(double[] raw) {
        Integer[] tested = IntStream.range(0, raw.length).filter(i -> !Double.isNaN(raw[i]))
                .boxed().toArray(Integer[]::new);
        for (int i : tested) {
            if (raw[i] < 0 || raw[i] > 1) {
                throw new IllegalArgumentException("a p-value is in [0, 1], got " + raw[i] + " at index " + i);
            }
        }
        Arrays.sort(tested, Comparator.comparingDouble(i -> raw[i])); // stable: ties keep their order
        double[] adjusted = new double[raw.length];
        Arrays.fill(adjusted, Double.NaN);
        int m = tested.length;
        double running = 0;
        for (int k = 0; k < m; k++) {
            running = Math.max(running, Math.min(1, (m - k) * raw[tested[k]]));
            adjusted[tested[k]] = running;
        }
        return adjusted;
    }
}
