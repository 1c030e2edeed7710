package io.attnspark.ablation;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The paired t-test of two samples matched by seed: the same seed gives a variant and its baseline the same
 * data order, sharding and augmentation, so the per-seed difference removes that shared noise. Gives the mean
 * difference with its 95% confidence interval (t distribution, n - 1 degrees of freedom), the two-sided
 * p-value and the {@link MinimalDetectableDifference} from the spread of the differences.
 *
 * @param pairs the number of pairs (shared seeds)
 * @param difference mean of the per-pair differences (first minus second)
 * @param ciLow lower end of its 95% confidence interval
 * @param ciHigh upper end
 * @param pValue two-sided p-value of "the mean difference is 0"
 * @param minimalDetectableDifference the difference detected with 80% power at alpha 0.05
 */
public record PairedTest(int pairs, double difference, double ciLow, double ciHigh, double pValue,
        double minimalDetectableDifference) {

    /**
     * Compares two matched samples.
     *
     * @param a the first sample (a variant's accuracies), at least 2 values
     * @param b the second (the baseline's), {@code b[i]} matched with {@code a[i]}
     * @return the test; when every pair differs by the same amount the interval is that difference and the
     *     p-value and the minimal detectable difference are NaN (no spread to test against)
     * @throws IllegalArgumentException if the samples differ in length or have fewer than 2 pairs
     */
    public static PairedTest of(double[] a, double[] b) {
        if (a.length != b.length || a.length < 2) {
            throw new IllegalArgumentException("a paired t-test needs at least 2 pairs of matched values, got "
                    + a.length + " and " + b.length + " values");
        }
        int n = a.length;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[i] - b[i];
        }
        double diff = StatUtils.mean(d);
        double se = Math.sqrt(StatUtils.variance(d) / n);
        if (se == 0) {
            return new PairedTest(n, diff, diff, diff, Double.NaN, Double.NaN);
        }
        double half = new TDistribution(null, n - 1).inverseCumulativeProbability(0.975) * se;
        double p = new TTest().pairedTTest(a, b);
        return new PairedTest(n, diff, diff - half, diff + half, p, MinimalDetectableDifference.of(se, n - 1));
    }
}
