package io.attnspark.ablation;

import java.util.Locale;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The smallest true difference of means that a t-test of this size would detect with 80% power at a
 * two-sided alpha of 0.05, given the observed spread: MDD = (t_{1-alpha/2, df} + t_{1-beta, df}) * SE with
 * alpha = 0.05 and beta = 0.2 (the usual normal-approximation power formula with t quantiles in place of z).
 * <ul>
 *   <li>Unpaired (Welch): SE = sqrt(s1^2/n1 + s2^2/n2), df from Welch–Satterthwaite.
 *   <li>Paired: SE = s_d / sqrt(n), the standard deviation of the per-seed differences, df = n - 1.
 * </ul>
 * It is an approximation (an exact power calculation uses the noncentral t) and it takes the observed
 * spread as the true one, which with 2 or 3 seeds is itself very uncertain. Its use: a difference smaller
 * than the MDD that "is not significant" is not evidence of no effect; the grid could not have seen it.
 */
public final class MinimalDetectableDifference {

    /** Two-sided significance level. */
    public static final double ALPHA = 0.05;
    /** Power to detect a difference of the MDD. */
    public static final double POWER = 0.8;

    private MinimalDetectableDifference() {}

    /**
     * Returns the minimal detectable difference.
     *
     * @param standardError the standard error of the difference, finite and > 0
     * @param degreesOfFreedom the t-test's degrees of freedom, finite and > 0
     * @return (t_{0.975, df} + t_{0.8, df}) * SE
     * @throws IllegalArgumentException if the standard error or the degrees of freedom are not positive
     */
    public static double of(double standardError, double degreesOfFreedom) {
        if (!(standardError > 0) || !(degreesOfFreedom > 0) || Double.isInfinite(degreesOfFreedom)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "a minimal detectable difference needs a standard error > 0 and finite degrees of freedom > 0,"
                            + " got %s and %s", standardError, degreesOfFreedom));
        }
        TDistribution t = new TDistribution(null, degreesOfFreedom);
        return (t.inverseCumulativeProbability(1 - ALPHA / 2) + t.inverseCumulativeProbability(POWER))
                * standardError;
    }
}
