package io.attnspark.train;

import java.io.Serializable;

/**
 * How each replica trains: batch size, seed, learning-rate schedule, optimizer, augmentation, and the
 * precision of its forward and backward passes.
 *
 * @param batchSize images per step and replica
 * @param seed the run's seed; batches and augmentation derive from it
 * @param schedule the learning rate per global step
 * @param sgd momentum and weight decay
 * @param cropPadding random-crop padding in pixels, 0 for no cropping
 * @param flip random horizontal flips
 * @param precision the precision replicas are asked to compute in ({@code train.precision})
 */
public record TrainingPlan(
        int batchSize,
        long seed,
        LearningRateSchedule schedule,
        SgdSettings sgd,
        int cropPadding,
        boolean flip,
        Precision precision) implements Serializable {

    /** How a fingerprint names a precision other than float32: {@code precision=bfloat16}. */
    public static final String PRECISION_MARK = "precision=";

    /** Validates the plan. */
    public TrainingPlan {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (cropPadding < 0) {
            throw new IllegalArgumentException("crop padding must be >= 0, got " + cropPadding);
        }
        if (precision == null) {
            throw new IllegalArgumentException("precision must be float32 or bfloat16, got null");
        }
    }

    /**
     * A plan that computes in float32.
     *
     * @param batchSize images per step and replica
     * @param seed the run's seed
     * @param schedule the learning rate per global step
     * @param sgd momentum and weight decay
     * @param cropPadding random-crop padding in pixels, 0 for no cropping
     * @param flip random horizontal flips
     */
    public TrainingPlan(
            int batchSize, long seed, LearningRateSchedule schedule, SgdSettings sgd, int cropPadding, boolean flip) {
        this(batchSize, seed, schedule, sgd, cropPadding, flip, Precision.FLOAT32);
    }

    /**
     * Returns what a checkpoint must agree on to be resumed under this plan. A float32 plan keeps the
     * form of checkpoints written before there was a precision, so that they still resume; bfloat16
     * adds {@code precision=bfloat16}.
     *
     * @return the text
     */
    public String fingerprint() {
        String plan = "TrainingPlan[batchSize=" + batchSize + ", seed=" + seed + ", schedule=" + schedule + ", sgd="
                + sgd + ", cropPadding=" + cropPadding + ", flip=" + flip + "]";
        return precision == Precision.FLOAT32 ? plan : plan + " " + PRECISION_MARK + precision.configName();
    }
}
