package io.attnspark.ablation;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Welch's unequal-variance t-test for the difference of two means, with its 95% confidence interval
 * (Welch–Satterthwaite degrees of freedom).
 *
 * @param difference mean of the first sample minus mean of the second
 * @param ciLow lower end of the 95% confidence interval of the difference
 * @param ciHigh upper end
 * @param pValue two-sided p-value of "the means are equal"
 * @param degreesOfFreedom the Welch–Satterthwaite degrees of freedom
 */
public record WelchTest(double difference, double ciLow, double ciHigh, double pValue, double degreesOfFreedom) {

    /**
     * Compares two samples.
     *
     * @param a the first sample (e.g. a variant's accuracies over seeds), at least 2 values
     * @param b the second sample (e.g. the baseline's), at least 2 values
     * @return the test; when both samples have zero variance the interval is the difference itself and
     *     the p-value is NaN (no spread to test against)
     * @throws IllegalArgumentException if a sample has fewer than 2 values
     */
    public static WelchTest of(double[] a, double[] b) {
        if (a.length < 2 || b.length < 2) {
            throw new IllegalArgumentException("Welch's t-test needs at least 2 values per sample, got "
                    + a.length + " and " + b.length);
        }
        double va = variance(a) / a.length;
        double vb = variance(b) / b.length;
        double diff = mean(a) - mean(b);
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            return new WelchTest(diff, diff, diff, Double.NaN, Double.NaN);
        }
        double df = (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
        TDistribution t = new TDistribution(null, df);
        double half = t.inverseCumulativeProbability(0.975) * se;
        double p = 2 * t.cumulativeProbability(-Math.abs(diff / se));
        return new WelchTest(diff, diff - half, diff + half, p, df);
    }

    /**
     * Returns the mean.
     *
     * @param x the values
     * @return their mean
     */
    public static double mean(double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        return sum / x.length;
    }

    /**
     * Returns the sample variance (n - 1 in the denominator).
     *
     * @param x at least 2 values
     * @return their sample variance
     */
    public static double variance(double[] x) {
        double m = mean(x);
        double sum = 0;
        for (double v : x) {
            sum += (v - m) * (v - m);
        }
        return sum / (x.length - 1);
    }
}
