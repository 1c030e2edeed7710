package io.attnspark.data;

import java.io.Serializable;

/**
 * Per-channel mean and standard deviation on the 0..1 pixel scale, computed from the training
 * data, applied as {@code (pixel / 255 - mean) / std}.
 *
 * @param mean per-channel mean
 * @param std per-channel standard deviation
 */
public record Normalization(float[] mean, float[] std) implements Serializable {

    /**
     * Computes the normalisation from per-channel sums.
     *
     * @param moments {@code [sum_c..., sumSquares_c...]} as from {@link ShardData#channelMoments()}
     * @param pixelsPerChannel the number of pixels summed per channel
     * @return the normalisation (population standard deviation; at least 1e-6)
     */
    public static Normalization fromMoments(double[] moments, long pixelsPerChannel) {
        int channels = moments.length / 2;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = moments[c] / pixelsPerChannel;
            double var = Math.max(0, moments[channels + c] / pixelsPerChannel - m * m);
            mean[c] = (float) m;
            std[c] = (float) Math.max(Math.sqrt(var), 1e-6);
        }
        return new Normalization(mean, std);
    }
}
