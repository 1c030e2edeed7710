package io.attnspark.ablation;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * Welch's unequal-variance t-test for the difference of two means, with its 95% confidence interval
 * (Welch–Satterthwaite degrees of freedom) and the {@link MinimalDetectableDifference} of its size.
 *
 * @param difference mean of the first sample minus mean of the second
 * @param ciLow lower end of the 95% confidence interval of the difference
 * @param ciHigh upper end
 * @param pValue two-sided p-value of "the means are equal"
 * @param degreesOfFreedom the Welch–Satterthwaite degrees of freedom
 * @param minimalDetectableDifference the difference detected with 80% power at alpha 0.05
 */
public record WelchTest(double difference, double ciLow, double ciHigh, double pValue, double degreesOfFreedom,
        double minimalDetectableDifference) {

    /**
     * Compares two samples.
     *
     * @param a the first sample (e.g. a variant's accuracies over seeds), at least 2 values
     * @param b the second sample (e.g. the baseline's), at least 2 values
     * @return the test; when both samples have zero variance the interval is the difference itself and
     *     the p-value, the degrees of freedom and the minimal detectable difference are NaN (no spread to
     *     test against)
     * @throws IllegalArgumentException if a sample has fewer than 2 values
     */
    public static WelchTest of(double[] a, double[] b) {
        if (a.length < 2 || b.length < 2) {
            throw new IllegalArgumentException("Welch's t-test needs at least 2 values per sample, got "
                    + a.length + " and " + b.length);
        }
        double va = StatUtils.variance(a) / a.length;
        double vb = StatUtils.variance(b) / b.length;
        double diff = StatUtils.mean(a) - StatUtils.mean(b);
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            return new WelchTest(diff, diff, diff, Double.NaN, Double.NaN, Double.NaN);
        }
        double df = (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
        double half = new TDistribution(null, df).inverseCumulativeProbability(0.975) * se;
        double p = new TTest().tTest(a, b); // Welch's, with the same degrees of freedom
        return new WelchTest(diff, diff - half, diff + half, p, df, MinimalDetectableDifference.of(se, df));
    }
}
