package io.attnspark.data;

import java.io.Serializable;
import java.util.Locale;

/**
 * How a shard's images become the model's input: the input shape, the normalisation, the training
 * augmentation and how many threads decode. One pipeline serves both kinds of shard: a decoded-once
 * {@link ShardData} (its images already have the input size; padded crops and flips) and an
 * {@link EncodedShard} (decoded per use; random-resized crops or the evaluation view, then the same
 * padded crops and flips).
 *
 * @param normalization per-channel mean and std on the 0..1 scale
 * @param channels input channels (1 or 3)
 * @param height input height
 * @param width input width
 * @param cropPadding random-crop padding in pixels after the view is taken, 0 for none
 * @param flip whether training images are flipped horizontally with probability 1/2
 * @param randomResizedCrop the random-resized crop that training views are (torchvision's
 *     {@code RandomResizedCrop}), or null for none: a training view is then the evaluation view when the
 *     images are not of the input size
 * @param decodeThreads threads that decode the images of one batch (streamed shards)
 */
public record InputPipeline(
        Normalization normalization, int channels, int height, int width, int cropPadding, boolean flip,
        RandomResizedCrop randomResizedCrop, int decodeThreads) implements Serializable {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public InputPipeline {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("input channels must be 1 or 3, got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "input size must be positive, got %dx%d", height, width));
        }
        if (cropPadding < 0) {
            throw new IllegalArgumentException("crop padding must be >= 0, got " + cropPadding);
        }
        if (decodeThreads < 1) {
            throw new IllegalArgumentException("decode threads must be >= 1, got " + decodeThreads);
        }
        if (normalization.mean().length != channels) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "normalisation has %d channels, the input %d", normalization.mean().length, channels));
        }
    }

    /**
     * The pipeline of a decoded-once shard: the images' own size, padded crops and flips, one thread.
     *
     * @param normalization the normalisation
     * @param channels channels
     * @param height height
     * @param width width
     * @param cropPadding random-crop padding, 0 for none
     * @param flip random horizontal flips
     * @return the pipeline
     */
    public static InputPipeline fixed(
            Normalization normalization, int channels, int height, int width, int cropPadding, boolean flip) {
        return new InputPipeline(normalization, channels, height, width, cropPadding, flip, null, 1);
    }

    /**
     * Returns the floats of one input image.
     *
     * @return channels * height * width
     */
    public int imageSize() {
        return channels * height * width;
    }

    /**
     * Describes the pipeline for a run's fingerprint and logs.
     *
     * @return for example {@code 3x64x64 random-resized-crop flip}
     */
    public String describe() {
        return String.format(Locale.ROOT, "%dx%dx%d%s%s%s", channels, height, width,
                randomResizedCrop != null ? " " + randomResizedCrop : "", cropPadding > 0 ? " crop-padding=" + cropPadding : "",
                flip ? " flip" : "");
    }
}
