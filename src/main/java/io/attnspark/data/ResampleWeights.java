package io.attnspark.data;

/**
 * The fixed-point weights of PIL's antialiased bilinear resampling along one axis, computed as
 * Pillow's {@code precompute_coeffs} and {@code normalize_coeffs_8bpc} (libImaging/Resample.c)
 * compute them, so that {@link Resampler} gives PIL's pixels exactly.
 *
 * <p>When shrinking, the triangle filter is stretched by the scale factor (its support widens
 * from 1 to {@code in / out} source pixels each side), which is PIL's antialiasing. Weights are
 * normalised to sum to 1 over the taps inside the image, then rounded to {@value #PRECISION_BITS}
 * fractional bits; sums start at one half so that the final shift rounds.
 */
final class ResampleWeights {

    /** Pillow's {@code PRECISION_BITS}: 32 bits minus 8 for the sample minus 2 of headroom. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    /** The rounding term every sum starts from. */
    static final int HALF = 1 << (PRECISION_BITS - 1);

    /** Taps reserved per output sample. */
    final int taps;
    /** First source index read for each output sample. */
    final int[] first;
    /** Number of source samples read for each output sample. */
    final int[] count;
    /** {@code taps} weights per output sample, fixed point. */
    final int[] weights;

    private ResampleWeights(int taps, int[] first, int[] count, int[] weights) {
        this.taps = taps;
        this.first = first;
        this.count = count;
        this.weights = weights;
    }

    /**
     * Computes the weights for resampling {@code inSize} samples to {@code outSize}.
     *
     * @param inSize source samples along the axis, positive
     * @param outSize output samples along the axis, positive
     * @return the weights
     */
    static ResampleWeights bilinear(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // the bilinear filter's support is 1 before stretching
        int taps = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * taps];
        double[] raw = new double[taps];
        double inverseScale = 1.0 / filterScale;
        for (int out = 0; out < outSize; out++) {
            double center = (out + 0.5) * scale;
            // (int) truncates towards zero like C's cast; the clamps follow Pillow.
            int min = Math.max(0, (int) (center - support + 0.5));
            int max = Math.min(inSize, (int) (center + support + 0.5)) - min;
            double sum = 0;
            for (int x = 0; x < max; x++) {
                double w = triangle((x + min - center + 0.5) * inverseScale);
                raw[x] = w;
                sum += w;
            }
            for (int x = 0; x < max; x++) {
                double w = sum != 0.0 ? raw[x] / sum : raw[x];
                weights[out * taps + x] = w < 0
                        ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                        : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            first[out] = min;
            count[out] = max;
        }
        return new ResampleWeights(taps, first, count, weights);
    }

    /** PIL's {@code clip8}: the fixed-point sum shifted down and clamped to 0..255. */
    static int clip8(int sum) {
        int value = sum >> PRECISION_BITS;
        return value < 0 ? 0 : Math.min(value, 255);
    }

    private static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }
}
