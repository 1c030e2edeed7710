package io.attnspark.train;

import java.io.Serializable;

/**
 * Sums over some training or evaluation steps of one replica.
 *
 * @param samples images seen
 * @param lossSum the loss summed over images
 * @param correct images whose top-1 prediction was right
 * @param correctTop5 images whose label was among the top 5 predictions (evaluation only; 0 when training)
 * @param computeNanos time spent in forward, backward and update
 */
public record StepStats(long samples, double lossSum, long correct, long correctTop5, long computeNanos)
        implements Serializable {

    /** No steps. */
    public static final StepStats EMPTY = new StepStats(0, 0, 0, 0, 0);

    /**
     * Sums of training steps, which do not count top-5.
     *
     * @param samples images seen
     * @param lossSum the loss summed over images
     * @param correct images whose top-1 prediction was right
     * @param computeNanos time spent in forward, backward and update
     */
    public StepStats(long samples, double lossSum, long correct, long computeNanos) {
        this(samples, lossSum, correct, 0, computeNanos);
    }

    /**
     * Adds two sums.
     *
     * @param other the other sums
     * @return the total
     */
    public StepStats plus(StepStats other) {
        return new StepStats(
                samples + other.samples,
                lossSum + other.lossSum,
                correct + other.correct,
                correctTop5 + other.correctTop5,
                computeNanos + other.computeNanos);
    }

    /**
     * Returns the mean loss.
     *
     * @return loss per image, NaN with no samples
     */
    public double meanLoss() {
        return samples == 0 ? Double.NaN : lossSum / samples;
    }

    /**
     * Returns the top-1 accuracy.
     *
     * @return correct per image, NaN with no samples
     */
    public double accuracy() {
        return samples == 0 ? Double.NaN : (double) correct / samples;
    }

    /**
     * Returns the top-5 accuracy of evaluation sums.
     *
     * @return the share of images whose label was among the 5 highest scores
     */
    public double top5Accuracy() {
        return samples == 0 ? Double.NaN : (double) correctTop5 / samples;
    }
}
