package io.attnspark.data;

import java.util.Locale;

/**
 * Resizes an image to any height and width with a bilinear (triangle) filter, computed as PIL's
 * {@code Image.resize(..., BILINEAR)} does: separable, horizontal pass first, pixel centres at
 * {@code x + 0.5}, the filter widened by the scale factor when shrinking (antialiasing), weights
 * normalised at the borders, and each pass rounded to 8 bits.
 */
public final class BilinearScaler {

    private BilinearScaler() {}

    /**
     * Resizes an image.
     *
     * @param image the source
     * @param height rows of the result, at least 1
     * @param width columns of the result, at least 1
     * @return the resized image, with the source's channels
     * @throws IllegalArgumentException if a size is below 1
     */
    public static DecodedImage resize(DecodedImage image, int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "a resized image needs at least 1x1 pixels, got %dx%d", height, width));
        }
        int channels = image.channels();
        byte[] wide = new byte[channels * image.height() * width];
        Taps across = taps(image.width(), width);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < image.height(); y++) {
                int in = (c * image.height() + y) * image.width();
                int out = (c * image.height() + y) * width;
                for (int x = 0; x < width; x++) {
                    wide[out + x] = across.apply(image.pixels(), in, 1, x);
                }
            }
        }
        byte[] result = new byte[channels * height * width];
        Taps down = taps(image.height(), height);
        for (int c = 0; c < channels; c++) {
            int plane = c * image.height() * width;
            for (int y = 0; y < height; y++) {
                int out = (c * height + y) * width;
                for (int x = 0; x < width; x++) {
                    result[out + x] = down.apply(wide, plane + x, width, y);
                }
            }
        }
        return new DecodedImage(channels, height, width, result);
    }

    /** For each output position: the first input index and the normalised weights of the inputs it reads. */
    private record Taps(int[] first, double[][] weights) {

        byte apply(byte[] samples, int offset, int stride, int position) {
            double sum = 0;
            double[] w = weights[position];
            int index = offset + first[position] * stride;
            for (int k = 0; k < w.length; k++, index += stride) {
                sum += w[k] * (samples[index] & 0xFF);
            }
            return (byte) Math.max(0, Math.min(255, (int) Math.floor(sum + 0.5)));
        }
    }

    private static Taps taps(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // the triangle's support is 1 source pixel, widened when shrinking
        int[] first = new int[outSize];
        double[][] weights = new double[outSize][];
        for (int x = 0; x < outSize; x++) {
            double center = (x + 0.5) * scale;
            int lo = Math.max((int) (center - support + 0.5), 0);
            int hi = Math.min((int) (center + support + 0.5), inSize);
            double[] w = new double[Math.max(hi - lo, 1)];
            double total = 0;
            for (int i = 0; i < hi - lo; i++) {
                double t = Math.abs((i + lo - center + 0.5) / filterScale);
                w[i] = t < 1 ? 1 - t : 0;
                total += w[i];
            }
            if (total == 0) { // cannot happen for the triangle, but never divide by zero
                w[0] = 1;
                total = 1;
            }
            for (int i = 0; i < w.length; i++) {
                w[i] /= total;
            }
            first[x] = Math.min(lo, inSize - 1);
            weights[x] = w;
        }
        return new Taps(first, weights);
    }
}
