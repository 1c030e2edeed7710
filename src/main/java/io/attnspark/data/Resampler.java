package io.attnspark.data;

import java.util.Locale;

/**
 * Crops and resizes images exactly as torchvision does on PIL images with bilinear interpolation:
 * PIL's two-pass antialiased resampling (horizontal pass first, rounded to 8 bits, then the
 * vertical pass), with Pillow's fixed-point weights (see {@link ResampleWeights}). Thread-safe:
 * nothing is shared between calls.
 *
 * <p>A crop is taken first and then resized as an image of its own, so the filter never reads
 * pixels outside the box, as in torchvision's {@code resized_crop} (PIL crops, then resizes). The
 * crop is not copied when it lies inside the image: the passes read the source with an offset.
 */
public final class Resampler {

    private Resampler() {}

    /**
     * torchvision's {@code F.resized_crop(img, top, left, height, width, [outHeight, outWidth],
     * BILINEAR)} on a PIL image.
     *
     * @param src the image
     * @param box the crop; pixels outside the image read as zeros
     * @param outHeight output rows, positive
     * @param outWidth output columns, positive
     * @return the resized crop, same channel count as {@code src}
     * @throws IllegalArgumentException if an output size is not positive
     */
    public static DecodedImage resizedCrop(DecodedImage src, CropBox box, int outHeight, int outWidth) {
        checkOutput(outHeight, outWidth);
        if (!box.inside(src.height(), src.width())) {
            DecodedImage padded = crop(src, box);
            return resample(padded, new CropBox(0, 0, box.height(), box.width()), outHeight, outWidth);
        }
        return resample(src, box, outHeight, outWidth);
    }

    /**
     * torchvision's {@code Resize(shorter)} on a PIL image: the shorter side becomes
     * {@code shorter} and the longer {@code int(shorter * long / short)}; an image already of that
     * size is returned as it is.
     *
     * @param src the image
     * @param shorter the new length of the shorter side, positive
     * @return the resized image
     * @throws IllegalArgumentException if {@code shorter} is not positive
     */
    public static DecodedImage resizeShorter(DecodedImage src, int shorter) {
        if (shorter <= 0) {
            throw new IllegalArgumentException("the shorter side must be resized to a positive length, got " + shorter);
        }
        int h = src.height();
        int w = src.width();
        // Python's int(shorter * long / short): true division in double precision, then truncation.
        int longer = (int) ((double) shorter * Math.max(h, w) / Math.min(h, w));
        int outHeight = w <= h ? longer : shorter;
        int outWidth = w <= h ? shorter : longer;
        if (outHeight == h && outWidth == w) {
            return src;
        }
        return resample(src, new CropBox(0, 0, h, w), outHeight, outWidth);
    }

    /**
     * torchvision's {@code CenterCrop} offsets: {@code int(round((size - out) / 2.0))} per axis
     * (Python rounds halves to even). Where the crop is larger than the image, torchvision pads the
     * image with zeros first; the box then starts before the image, by the padding, and
     * {@link #crop} fills it with zeros the same way.
     *
     * @param height the image's rows
     * @param width the image's columns
     * @param outHeight the crop's rows, positive
     * @param outWidth the crop's columns, positive
     * @return the box
     */
    public static CropBox centerCrop(int height, int width, int outHeight, int outWidth) {
        return new CropBox(centerOffset(height, outHeight), centerOffset(width, outWidth), outHeight, outWidth);
    }

    /**
     * PIL's {@code Image.crop}: the box's pixels, zeros where it reaches outside the image.
     *
     * @param src the image
     * @param box the box
     * @return a new image of the box's size
     */
    public static DecodedImage crop(DecodedImage src, CropBox box) {
        int channels = src.channels();
        int h = src.height();
        int w = src.width();
        byte[] in = src.pixels();
        byte[] out = new byte[channels * box.height() * box.width()];
        int fromColumn = Math.max(0, -box.left());
        int toColumn = Math.min(box.width(), w - box.left());
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < box.height(); y++) {
                int sourceRow = box.top() + y;
                if (sourceRow < 0 || sourceRow >= h || fromColumn >= toColumn) {
                    continue;
                }
                System.arraycopy(in, (c * h + sourceRow) * w + box.left() + fromColumn,
                        out, (c * box.height() + y) * box.width() + fromColumn, toColumn - fromColumn);
            }
        }
        return new DecodedImage(channels, box.height(), box.width(), out);
    }

    /**
     * Mirrors an image left to right.
     *
     * @param src the image
     * @return a new, flipped image
     */
    public static DecodedImage flipHorizontal(DecodedImage src) {
        int w = src.width();
        byte[] in = src.pixels();
        byte[] out = new byte[in.length];
        for (int row = 0; row < in.length; row += w) {
            for (int x = 0; x < w; x++) {
                out[row + x] = in[row + w - 1 - x];
            }
        }
        return new DecodedImage(src.channels(), src.height(), w, out);
    }

    private static int centerOffset(int size, int out) {
        if (out > size) {
            return -((out - size) / 2); // torchvision pads (out - size) // 2 before the image
        }
        return (int) Math.rint((size - out) / 2.0);
    }

    /** Resizes the box (inside {@code src}) to the output size in PIL's two passes. */
    private static DecodedImage resample(DecodedImage src, CropBox box, int outHeight, int outWidth) {
        int channels = src.channels();
        int srcWidth = src.width();
        int srcHeight = src.height();
        byte[] in = src.pixels();
        boolean horizontal = outWidth != box.width();
        boolean vertical = outHeight != box.height();
        ResampleWeights rows = ResampleWeights.bilinear(box.height(), outHeight);
        // Only the rows the vertical pass reads go through the horizontal pass, as in Pillow.
        int firstRow = rows.first[0];
        int lastRow = rows.first[outHeight - 1] + rows.count[outHeight - 1];
        byte[] temp;
        int tempHeight;
        int tempWidth;
        int tempTop;
        int tempLeft;
        if (horizontal) {
            tempHeight = lastRow - firstRow;
            tempWidth = outWidth;
            temp = new byte[channels * tempHeight * outWidth];
            ResampleWeights columns = ResampleWeights.bilinear(box.width(), outWidth);
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < tempHeight; y++) {
                    int sourceRow = (c * srcHeight + box.top() + firstRow + y) * srcWidth + box.left();
                    horizontalRow(in, sourceRow, columns, temp, (c * tempHeight + y) * outWidth, outWidth);
                }
            }
            tempTop = -firstRow; // temp row r holds crop row r + firstRow
            tempLeft = 0;
        } else {
            temp = in;
            tempHeight = srcHeight;
            tempWidth = srcWidth;
            tempTop = box.top();
            tempLeft = box.left();
        }
        if (!vertical) {
            if (!horizontal) {
                return crop(src, box);
            }
            return new DecodedImage(channels, outHeight, outWidth, temp);
        }
        byte[] out = new byte[channels * outHeight * outWidth];
        int[] sums = new int[outWidth];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < outHeight; y++) {
                java.util.Arrays.fill(sums, ResampleWeights.HALF);
                int base = y * rows.taps;
                for (int k = 0; k < rows.count[y]; k++) {
                    int weight = rows.weights[base + k];
                    int row = (c * tempHeight + tempTop + rows.first[y] + k) * tempWidth + tempLeft;
                    for (int x = 0; x < outWidth; x++) {
                        sums[x] += (temp[row + x] & 0xFF) * weight;
                    }
                }
                int to = (c * outHeight + y) * outWidth;
                for (int x = 0; x < outWidth; x++) {
                    out[to + x] = (byte) ResampleWeights.clip8(sums[x]);
                }
            }
        }
        return new DecodedImage(channels, outHeight, outWidth, out);
    }

    private static void horizontalRow(byte[] in, int from, ResampleWeights columns, byte[] out, int to, int outWidth) {
        int taps = columns.taps;
        for (int x = 0; x < outWidth; x++) {
            int sum = ResampleWeights.HALF;
            int start = from + columns.first[x];
            int base = x * taps;
            for (int k = 0; k < columns.count[x]; k++) {
                sum += (in[start + k] & 0xFF) * columns.weights[base + k];
            }
            out[to + x] = (byte) ResampleWeights.clip8(sum);
        }
    }

    private static void checkOutput(int outHeight, int outWidth) {
        if (outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "output size must be positive, got %dx%d", outHeight, outWidth));
        }
    }
}
