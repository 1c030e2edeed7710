package io.attnspark.data;

import java.io.Serializable;

/**
 * The images of one shard, however they are held: decoded once ({@link ShardData}) or encoded and
 * decoded per use ({@link EncodedShard}). A trainer asks it for batches through an
 * {@link InputPipeline}.
 */
public interface ImageShard extends Serializable {

    /**
     * Returns the number of images.
     *
     * @return the count
     */
    int size();

    /**
     * Returns an image's label.
     *
     * @param i the image index
     * @return its label
     */
    int label(int i);

    /**
     * Returns what makes this shard's batches through a pipeline; close it when done.
     *
     * @param input the pipeline
     * @return the batch maker
     * @throws IllegalArgumentException if the shard cannot feed that pipeline (such as decoded images
     *     of another size)
     */
    BatchMaker batches(InputPipeline input);
}
