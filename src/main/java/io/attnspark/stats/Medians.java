package io.attnspark.stats;

import java.util.Collection;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * The project's one median: commons-math3's {@link Median} with estimation type
 * {@link Percentile.EstimationType#R_7} (Hyndman and Fan's type 7, numpy's default), so a median printed by a
 * benchmark, stored in the {@code rounds} table or checked in Python is the same number: the middle value, or
 * the mean of the two middle values of an even count.
 */
public final class Medians {

    /** The estimation type of every median and percentile in the project. */
    public static final Percentile.EstimationType ESTIMATION = Percentile.EstimationType.R_7;

    private Medians() {}

    /**
     * Returns the median.
     *
     * @param values the values, not modified
     * @return their median, NaN when there are none
     */
    public static double of(double[] values) {
        return new Median().withEstimationType(ESTIMATION).evaluate(values);
    }

    /**
     * Returns the median.
     *
     * @param values the values
     * @return their median, NaN when there are none
     */
    public static double of(Collection<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
