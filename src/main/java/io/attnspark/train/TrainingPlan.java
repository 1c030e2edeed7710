package io.attnspark.train;

import java.io.Serializable;

/**
 * How each replica trains: batch size, seed, learning-rate schedule, optimizer, augmentation.
 *
 * @param batchSize images per step and replica
 * @param seed the run's seed; batches and augmentation derive from it
 * @param schedule the learning rate per global step
 * @param sgd momentum and weight decay
 * @param cropPadding random-crop padding in pixels, 0 for no cropping
 * @param flip random horizontal flips
 */
public record TrainingPlan(
        int batchSize, long seed, LearningRateSchedule schedule, SgdSettings sgd, int cropPadding, boolean flip)
        implements Serializable {

    /** Validates the plan. */
    public TrainingPlan {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (cropPadding < 0) {
            throw new IllegalArgumentException("crop padding must be >= 0, got " + cropPadding);
        }
    }
}
