package io.attnspark.train;

import java.io.Serializable;

/**
 * Linear warm-up then cosine decay, as a pure function of the global step. Replicas are rebuilt
 * and reloaded every round; a schedule held by an optimizer (DJL's {@code Tracker}) would restart
 * with each rebuild, while a function of the step continues across rounds by construction.
 *
 * @param baseRate the peak learning rate, reached at the end of warm-up
 * @param warmupSteps steps of linear warm-up from {@code baseRate / warmupSteps}
 * @param totalSteps the step at which the cosine reaches {@code finalRate}
 * @param finalRate the learning rate at the end
 */
public record LearningRateSchedule(double baseRate, long warmupSteps, long totalSteps, double finalRate)
        implements Serializable {

    /** Validates the schedule. */
    public LearningRateSchedule {
        if (!(baseRate > 0) || finalRate < 0 || finalRate > baseRate) {
            throw new IllegalArgumentException(
                    "learning rates must satisfy 0 <= final <= base and base > 0, got base "
                            + baseRate + ", final " + finalRate);
        }
        if (warmupSteps < 0 || totalSteps < 1 || warmupSteps >= totalSteps) {
            throw new IllegalArgumentException(
                    "warm-up steps (" + warmupSteps + ") must be >= 0 and below total steps ("
                            + totalSteps + ")");
        }
    }

    /**
     * Returns the learning rate of a step.
     *
     * @param step the global step, from 0
     * @return the learning rate used for that step's update
     */
    public double rate(long step) {
        if (step < warmupSteps) {
            return baseRate * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        return finalRate + 0.5 * (baseRate - finalRate) * (1 + Math.cos(Math.PI * progress));
    }
}
