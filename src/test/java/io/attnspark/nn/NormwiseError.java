package io.attnspark.nn;

import java.util.Collection;

/** Normwise relative error, the measure the bfloat16 tests bound: ||a - b|| / ||b||. */
public final class NormwiseError {

    private NormwiseError() {}

    /**
     * The normwise relative error of an approximation.
     *
     * @param approximate e.g. the bfloat16 result
     * @param exact e.g. the float32 result, of the same length
     * @return ||approximate - exact|| / ||exact||
     */
    public static double relative(float[] approximate, float[] exact) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < exact.length; i++) {
            double diff = (double) approximate[i] - exact[i];
            d += diff * diff;
            n += (double) exact[i] * exact[i];
        }
        return Math.sqrt(d / n);
    }

    /**
     * The arrays one after another, so that several gradients are measured as one vector.
     *
     * @param parts the arrays, in a fixed order
     * @return their concatenation
     */
    public static float[] concat(Collection<float[]> parts) {
        float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
