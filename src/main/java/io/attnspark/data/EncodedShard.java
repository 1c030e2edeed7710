package io.attnspark.data;

import java.util.Locale;

/**
 * The images of one shard as they are stored (JPEG, PNG, ...), decoded each time a batch needs them,
 * so a shard costs its encoded size in memory and its images may have any size. This is the path for
 * large tables and mixed sizes; small fixed-size tables are decoded once into a {@link ShardData}.
 */
public final class EncodedShard implements ImageShard {

    private static final long serialVersionUID = 1L;

    private final String[] ids;
    private final byte[][] images;
    private final int[] labels;

    /**
     * Wraps encoded images.
     *
     * @param ids the images' ids, for error messages
     * @param images the encoded images
     * @param labels their labels
     */
    public EncodedShard(String[] ids, byte[][] images, int[] labels) {
        if (ids.length != images.length || labels.length != images.length) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d ids, %d images and %d labels: one of each per image", ids.length, images.length,
                    labels.length));
        }
        this.ids = ids;
        this.images = images;
        this.labels = labels;
    }

    /** {@inheritDoc} */
    @Override
    public int size() {
        return images.length;
    }

    /** {@inheritDoc} */
    @Override
    public int label(int i) {
        return labels[i];
    }

    /**
     * Returns an image's id.
     *
     * @param i the image index
     * @return its id
     */
    public String id(int i) {
        return ids[i];
    }

    /**
     * Returns an image's encoded bytes.
     *
     * @param i the image index
     * @return the bytes (not a copy)
     */
    public byte[] encoded(int i) {
        return images[i];
    }

    /**
     * Returns the encoded bytes held, for memory estimates.
     *
     * @return the sum of the images' encoded sizes
     */
    public long encodedBytes() {
        long sum = 0;
        for (byte[] image : images) {
            sum += image.length;
        }
        return sum;
    }

    /**
     * Decodes one image with the given channels.
     *
     * @param i the image index
     * @param channels 1 (gray) or 3 (RGB)
     * @return the decoded image at its own size
     * @throws BadInputException naming the image if it does not decode
     */
    public DecodedImage decode(int i, int channels) {
        return ImageDecoder.decode(images[i], ids[i], channels);
    }

    /** {@inheritDoc} */
    @Override
    public BatchMaker batches(InputPipeline input) {
        return new ViewedBatches(this, i -> decode(i, input.channels()), input);
    }

    /**
     * Sums pixel values and their squares per channel, on the 0..1 scale, over the evaluation views of
     * the first {@code limit} images: the shard's contribution to the normalisation.
     *
     * @param channels input channels
     * @param height input height
     * @param width input width
     * @param limit at most this many images
     * @return {@code [sum_c..., sumSquares_c...]}
     */
    public double[] viewMoments(int channels, int height, int width, int limit) {
        int n = Math.min(limit, size());
        byte[] pixels = new byte[n * channels * height * width];
        for (int i = 0; i < n; i++) {
            DecodedImage view = InputViews.eval(decode(i, channels), height, width);
            System.arraycopy(view.pixels(), 0, pixels, i * view.pixels().length, view.pixels().length);
        }
        return new ShardData(channels, height, width, new int[n], pixels).channelMoments();
    }
}
