package io.attnspark.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps a data interval onto a pixel interval, with "nice" tick values (multiples of 1, 2 or 5 times a power
 * of ten) inside it.
 * {@link #fit} pads the data's range so points do not sit on the frame, and copes with what small result
 * tables give: one value, equal values, no finite value at all.
 */
public final class LinearScale {

    private static final int TARGET_TICKS = 5;

    private final double domainFrom;
    private final double domainTo;
    private final double pixelFrom;
    private final double pixelTo;
    private final double step;

    private LinearScale(double domainFrom, double domainTo, double pixelFrom, double pixelTo, double step) {
        this.domainFrom = domainFrom;
        this.domainTo = domainTo;
        this.pixelFrom = pixelFrom;
        this.pixelTo = pixelTo;
        this.step = step;
    }

    /**
     * A scale that shows every finite value given, padded by 5% of their range on each side (more when the
     * range is empty), and kept within {@code [floor, ceiling]} when the data is.
     *
     * @param values the data; NaN and infinities are ignored
     * @param floor the lowest sensible domain value (e.g. 0 for an accuracy in %), or -infinity
     * @param ceiling the highest sensible domain value (e.g. 100), or +infinity
     * @param pixelFrom the pixel of the domain's low end (for a y axis the bottom, the larger number)
     * @param pixelTo the pixel of the domain's high end
     * @return the scale
     */
    public static LinearScale fit(double[] values, double floor, double ceiling, double pixelFrom, double pixelTo) {
        return fit(values, floor, ceiling, 0, pixelFrom, pixelTo);
    }

    /**
     * As {@link #fit(double[], double, double, double, double)}, with a domain at least {@code minSpan} wide
     * (so one epoch or equal accuracies do not give ticks a thousandth apart).
     *
     * @param values the data; NaN and infinities are ignored
     * @param floor the lowest sensible domain value, or -infinity
     * @param ceiling the highest sensible domain value, or +infinity
     * @param minSpan the narrowest domain, centred on the data (0 for no minimum)
     * @param pixelFrom the pixel of the domain's low end
     * @param pixelTo the pixel of the domain's high end
     * @return the scale
     */
    public static LinearScale fit(
            double[] values, double floor, double ceiling, double minSpan, double pixelFrom, double pixelTo) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (min > max) { // no data: an arbitrary unit interval within the bounds
            min = Math.max(floor, 0);
            max = Math.min(ceiling, min + 1);
            if (min >= max) {
                min = max - 1;
            }
        }
        double lo;
        double hi;
        double range = max - min;
        if (range <= Math.max(Math.abs(max), Math.abs(min)) * 1e-9 || range == 0) {
            double half = max == 0 ? 1 : Math.abs(max) * 0.05;
            lo = min - half;
            hi = max + half;
        } else {
            lo = min - range * 0.05;
            hi = max + range * 0.05;
        }
        if (hi - lo < minSpan) {
            double mid = (min + max) / 2;
            lo = mid - minSpan / 2;
            hi = mid + minSpan / 2;
        }
        // Keep within the bounds the data respects, shifting rather than shrinking the domain.
        if (min >= floor && lo < floor) {
            hi = max <= ceiling ? Math.min(hi + (floor - lo), ceiling) : hi + (floor - lo);
            lo = floor;
        }
        if (max <= ceiling && hi > ceiling) {
            lo = min >= floor ? Math.max(lo - (hi - ceiling), floor) : lo - (hi - ceiling);
            hi = ceiling;
        }
        // The domain stays the padded data (like matplotlib's margins): extending it to whole ticks can waste
        // most of a step on each side, e.g. -20% when the lowest overhead is 0 and the step is 20.
        return new LinearScale(lo, hi, pixelFrom, pixelTo, niceStep((hi - lo) / TARGET_TICKS));
    }

    /** 1, 2 or 5 times a power of ten, the nearest to {@code rough} on a log scale (d3's rule). */
    static double niceStep(double rough) {
        if (!(rough > 0) || !Double.isFinite(rough)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double error = rough / power;
        double m = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
        return m * power;
    }

    /**
     * The pixel of a data value.
     *
     * @param v the value (finite)
     * @return the pixel
     */
    public double pixel(double v) {
        return pixelFrom + (v - domainFrom) / (domainTo - domainFrom) * (pixelTo - pixelFrom);
    }

    /**
     * The tick values, from the domain's low end to its high end.
     *
     * @return the ticks
     */
    public List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        double first = Math.ceil(domainFrom / step - 1e-9) * step;
        for (double t = first; t <= domainTo + step * 1e-9; t += step) {
            // Repeated addition drifts: round to the step's precision.
            ticks.add(Math.round(t / step) * step);
        }
        return ticks;
    }

    /**
     * The distance between ticks.
     *
     * @return the step
     */
    public double step() {
        return step;
    }

    /**
     * The domain's low end.
     *
     * @return the value
     */
    public double domainFrom() {
        return domainFrom;
    }

    /**
     * The domain's high end.
     *
     * @return the value
     */
    public double domainTo() {
        return domainTo;
    }
}
