package io.attnspark.data;

import java.util.Locale;

/**
 * An image as unsigned 8-bit samples in channels x height x width (CHW) order: one channel for
 * grayscale, three (R, G, B) for colour. This is the layout a tensor wants, so training code can
 * copy {@link #pixels()} straight into an {@code NDArray} of shape (channels, height, width).
 *
 * @param channels 1 (gray) or 3 (RGB)
 * @param height rows
 * @param width columns
 * @param pixels {@code channels * height * width} samples, each read as {@code b & 0xFF}
 */
public record DecodedImage(int channels, int height, int width, byte[] pixels) {

    /**
     * Checks that the sizes agree, so a wrong layout fails here rather than deep in a tensor op.
     *
     * @throws IllegalArgumentException if a size is not positive, the channel count is not 1 or 3,
     *     or the pixel array has the wrong length
     */
    public DecodedImage {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "channels must be 1 (gray) or 3 (RGB), got %d", channels));
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "height and width must be positive, got %dx%d", height, width));
        }
        long expected = (long) channels * height * width;
        if (pixels == null || pixels.length != expected) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "pixels must hold channels*height*width = %d*%d*%d = %d samples, got %s",
                    channels, height, width, expected,
                    pixels == null ? "null" : Integer.toString(pixels.length)));
        }
    }

    /**
     * Returns one sample as an int in 0..255.
     *
     * @param channel the channel, 0-based
     * @param row the row, 0-based
     * @param column the column, 0-based
     * @return the sample value
     */
    public int sample(int channel, int row, int column) {
        return pixels[(channel * height + row) * width + column] & 0xFF;
    }
}
