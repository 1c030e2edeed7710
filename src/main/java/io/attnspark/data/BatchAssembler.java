package io.attnspark.data;

import java.util.SplittableRandom;

/**
 * Turns shard images into a normalised float batch (NCHW), with the optional CIFAR-style
 * augmentation: a random crop from the image zero-padded by {@code cropPadding} pixels, and a
 * random horizontal flip. Padding is applied before normalisation, as torchvision does.
 */
public final class BatchAssembler {

    private final Normalization normalization;
    private final int cropPadding;
    private final boolean flip;

    /**
     * Creates an assembler.
     *
     * @param normalization the per-channel normalisation
     * @param cropPadding random-crop padding in pixels, 0 for none
     * @param flip whether to flip horizontally with probability 1/2
     */
    public BatchAssembler(Normalization normalization, int cropPadding, boolean flip) {
        if (cropPadding < 0) {
            throw new IllegalArgumentException("crop padding must be >= 0, got " + cropPadding);
        }
        this.normalization = normalization;
        this.cropPadding = cropPadding;
        this.flip = flip;
    }

    /**
     * Tells whether batches are augmented (and so need a random source).
     *
     * @return true if cropping or flipping
     */
    public boolean augments() {
        return cropPadding > 0 || flip;
    }

    /**
     * Fills a batch.
     *
     * @param shard the images
     * @param indices which images, in batch order
     * @param random the augmentation's random source (unused when not augmenting)
     * @param out {@code indices.length * imageSize} floats, NCHW
     * @param labels {@code indices.length} labels, filled
     */
    public void assemble(ShardData shard, int[] indices, SplittableRandom random, float[] out, long[] labels) {
        int size = shard.imageSize();
        for (int b = 0; b < indices.length; b++) {
            int image = indices[b];
            labels[b] = shard.label(image);
            place(shard.pixelArray(), image * size, shard.channels(), shard.height(), shard.width(),
                    augments() ? random : null, out, b * size);
        }
    }

    /**
     * Writes one image of the input size into a batch, padded-cropped and flipped as drawn from
     * {@code random} (in that order), or as it is when {@code random} is null.
     *
     * @param image the image
     * @param random the augmentation's random source, or null for none
     * @param out the batch
     * @param offset where the image starts in {@code out}
     */
    public void write(DecodedImage image, SplittableRandom random, float[] out, int offset) {
        place(image.pixels(), 0, image.channels(), image.height(), image.width(), augments() ? random : null, out,
                offset);
    }

    private void place(byte[] pixels, int from, int c, int h, int w, SplittableRandom random, float[] out, int base) {
        int plane = h * w;
        int dy = 0;
        int dx = 0;
        boolean mirror = false;
        if (random != null) {
            if (cropPadding > 0) {
                dy = random.nextInt(2 * cropPadding + 1) - cropPadding;
                dx = random.nextInt(2 * cropPadding + 1) - cropPadding;
            }
            mirror = flip && random.nextBoolean();
        }
        for (int ch = 0; ch < c; ch++) {
            float scale = 1f / (255f * normalization.std()[ch]);
            float shift = -normalization.mean()[ch] / normalization.std()[ch];
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                for (int x = 0; x < w; x++) {
                    int sx = (mirror ? w - 1 - x : x) + dx;
                    int v = (sy < 0 || sy >= h || sx < 0 || sx >= w) ? 0 : pixels[from + ch * plane + sy * w + sx] & 0xFF;
                    out[base + ch * plane + y * w + x] = v * scale + shift;
                }
            }
        }
    }
}
