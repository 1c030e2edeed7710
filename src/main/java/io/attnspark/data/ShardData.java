package io.attnspark.data;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The decoded images of one shard, kept as uint8 pixels (CHW per image, images one after another)
 * so that a shard is decoded once per job and costs one byte per pixel in memory. Batches are
 * normalised to floats only when they are assembled.
 */
public final class ShardData implements ImageShard {

    private static final long serialVersionUID = 1L;

    private final int channels;
    private final int height;
    private final int width;
    private final int[] labels;
    private final byte[] pixels;

    /**
     * Wraps decoded pixels.
     *
     * @param channels channels per image
     * @param height image height
     * @param width image width
     * @param labels one label per image
     * @param pixels {@code labels.length * channels * height * width} bytes
     */
    public ShardData(int channels, int height, int width, int[] labels, byte[] pixels) {
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%d images of %dx%dx%d need %d pixel bytes, got %d",
                            labels.length,
                            channels,
                            height,
                            width,
                            expected,
                            pixels.length));
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.labels = labels;
        this.pixels = pixels;
    }

    /**
     * Decodes encoded images (PNG or JPEG) of one size into a shard.
     *
     * @param ids the images' ids, for error messages
     * @param images the encoded images
     * @param labels their labels
     * @return the shard
     * @throws BadInputException naming the first image that does not decode or differs in size
     */
    public static ShardData decode(String[] ids, byte[][] images, int[] labels) {
        if (images.length == 0) {
            return new ShardData(1, 1, 1, new int[0], new byte[0]);
        }
        DecodedImage first = decodeOne(ids[0], images[0]);
        int imageSize = first.pixels().length;
        byte[] pixels = new byte[Math.multiplyExact(imageSize, images.length)];
        System.arraycopy(first.pixels(), 0, pixels, 0, imageSize);
        for (int i = 1; i < images.length; i++) {
            DecodedImage img = decodeOne(ids[i], images[i]);
            if (img.channels() != first.channels()
                    || img.height() != first.height()
                    || img.width() != first.width()) {
                throw new BadInputException(
                        String.format(
                                Locale.ROOT,
                                "image %s is %dx%dx%d but %s is %dx%dx%d: all images of a training"
                                        + " table must have one size",
                                ids[i],
                                img.channels(),
                                img.height(),
                                img.width(),
                                ids[0],
                                first.channels(),
                                first.height(),
                                first.width()));
            }
            System.arraycopy(img.pixels(), 0, pixels, i * imageSize, imageSize);
        }
        return new ShardData(first.channels(), first.height(), first.width(), labels, pixels);
    }

    private static DecodedImage decodeOne(String id, byte[] image) {
        return ImageDecoder.decode(image, "image " + id); // names the image in its errors
    }

    /**
     * Returns the number of images.
     *
     * @return the count
     */
    @Override
    public int size() {
        return labels.length;
    }

    /**
     * Returns channels per image.
     *
     * @return channels
     */
    public int channels() {
        return channels;
    }

    /**
     * Returns the image height.
     *
     * @return height
     */
    public int height() {
        return height;
    }

    /**
     * Returns the image width.
     *
     * @return width
     */
    public int width() {
        return width;
    }

    /**
     * Returns the bytes per image.
     *
     * @return channels * height * width
     */
    public int imageSize() {
        return channels * height * width;
    }

    /**
     * Returns a label.
     *
     * @param i the image index
     * @return its label
     */
    @Override
    public int label(int i) {
        return labels[i];
    }

    /**
     * Returns the pixels of all images, CHW per image, images one after another.
     *
     * @return the array itself (not a copy)
     */
    byte[] pixelArray() {
        return pixels;
    }

    /**
     * Returns a maker of batches: padded crops and flips of the images as they are when the input has
     * their size, else views (random-resized crops, or resized and centre-cropped) of the decoded pixels.
     *
     * @param input the pipeline; its channels must be this shard's
     * @return the batch maker
     * @throws IllegalArgumentException if the channels differ
     */
    @Override
    public BatchMaker batches(InputPipeline input) {
        if (input.channels() != channels) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "decoded images of %dx%dx%d cannot feed an input of %s", channels, height, width, input.describe()));
        }
        if (input.height() != height || input.width() != width || input.randomResizedCrop() != null) {
            return new ViewedBatches(this, this::image, input);
        }
        BatchAssembler training = new BatchAssembler(input.normalization(), input.cropPadding(), input.flip());
        BatchAssembler plain = new BatchAssembler(input.normalization(), 0, false);
        return new BatchMaker() {
            @Override
            public void trainBatch(int[] indices, long seed, float[] out, long[] labels) {
                training.assemble(ShardData.this, indices, new SplittableRandom(seed), out, labels);
            }

            @Override
            public void evalBatch(int[] indices, float[] out, long[] labels) {
                plain.assemble(ShardData.this, indices, null, out, labels);
            }
        };
    }

    /**
     * Returns one image, copied out.
     *
     * @param i the image index
     * @return the image
     */
    public DecodedImage image(int i) {
        int size = imageSize();
        byte[] copy = new byte[size];
        System.arraycopy(pixels, i * size, copy, 0, size);
        return new DecodedImage(channels, height, width, copy);
    }

    /**
     * Returns one pixel value, 0..255.
     *
     * @param i the image index
     * @param offset offset inside the image, CHW
     * @return the pixel value
     */
    public int pixel(int i, int offset) {
        return pixels[i * imageSize() + offset] & 0xFF;
    }

    /**
     * Sums pixel values and their squares per channel, on the 0..1 scale, for normalisation.
     *
     * @return {@code [sum_c..., sumSquares_c...]}, length {@code 2 * channels}
     */
    public double[] channelMoments() {
        double[] moments = new double[2 * channels];
        int plane = height * width;
        for (int i = 0; i < size(); i++) {
            for (int c = 0; c < channels; c++) {
                long sum = 0;
                long squares = 0;
                int base = i * imageSize() + c * plane;
                for (int p = 0; p < plane; p++) {
                    int v = pixels[base + p] & 0xFF;
                    sum += v;
                    squares += v * v;
                }
                moments[c] += sum / 255.0;
                moments[channels + c] += squares / (255.0 * 255.0);
            }
        }
        return moments;
    }
}
