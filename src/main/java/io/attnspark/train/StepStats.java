package io.attnspark.train;

import java.io.Serializable;

/**
 * Sums over some training or evaluation steps of one replica.
 *
 * @param samples images seen
 * @param lossSum the loss summed over images
 * @param correct images whose top-1 prediction was right
 * @param computeNanos time spent in forward, backward and update
 */
public record StepStats(long samples, double lossSum, long correct, long computeNanos) implements Serializable {

    /** No steps. */
    public static final StepStats EMPTY = new StepStats(0, 0, 0, 0);

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
}
