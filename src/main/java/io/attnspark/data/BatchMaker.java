package io.attnspark.data;

/**
 * Fills normalised float batches (NCHW) from one shard's images. A training batch's augmentation
 * depends only on the seed it is given, so the same step gives the same batch in any thread, process
 * or task retry.
 */
public interface BatchMaker extends AutoCloseable {

    /**
     * Fills a training batch, augmented.
     *
     * @param indices which images, in batch order
     * @param seed the batch's augmentation seed
     * @param out {@code indices.length * imageSize} floats
     * @param labels {@code indices.length} labels, filled
     * @throws BadInputException naming an image that does not decode
     */
    void trainBatch(int[] indices, long seed, float[] out, long[] labels);

    /**
     * Fills an evaluation batch: no augmentation.
     *
     * @param indices which images, in batch order
     * @param out {@code indices.length * imageSize} floats
     * @param labels {@code indices.length} labels, filled
     * @throws BadInputException naming an image that does not decode
     */
    void evalBatch(int[] indices, float[] out, long[] labels);

    /** Stops any decode threads. */
    @Override
    default void close() {}
}
