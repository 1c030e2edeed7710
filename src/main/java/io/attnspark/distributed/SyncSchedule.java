package io.attnspark.distributed;

import java.io.Serializable;

/**
 * When replicas synchronise and how the driver combines them.
 *
 * <ul>
 *   <li>{@code every} (K): local steps between two averages.
 *   <li>{@code warmupRounds}: the first rounds average after every step (K = 1), where replicas
 *       drift apart fastest (large early gradients, learning-rate warm-up).
 *   <li>{@code serverMomentum} (beta): momentum on the averaged update at the driver, as in FedAvgM
 *       (Hsu et al. 2019, arXiv:1909.06335) and SlowMo (Wang et al. 2020, arXiv:1910.00643) with a
 *       server learning rate of 1: {@code v = beta v + (w - avg); w = w - v}. 0 is plain averaging.
 *       It applies to trainable parameters; BatchNorm running statistics are always plain averages.
 * </ul>
 *
 * @param every local steps between averages, at least 1
 * @param warmupRounds rounds of one step each at the start, at least 0
 * @param serverMomentum beta in [0, 1)
 * @param treeDepth depth of the {@code treeAggregate}, at least 1
 */
public record SyncSchedule(int every, int warmupRounds, double serverMomentum, int treeDepth) implements Serializable {

    /** Validates the schedule. */
    public SyncSchedule {
        if (every < 1) {
            throw new IllegalArgumentException("sync.every must be >= 1, got " + every);
        }
        if (warmupRounds < 0) {
            throw new IllegalArgumentException("sync.warmup-rounds must be >= 0, got " + warmupRounds);
        }
        if (serverMomentum < 0 || serverMomentum >= 1) {
            throw new IllegalArgumentException("sync.server-momentum must be in [0, 1), got " + serverMomentum);
        }
        if (treeDepth < 1) {
            throw new IllegalArgumentException("sync.tree-depth must be >= 1, got " + treeDepth);
        }
    }

    /**
     * Plain averaging every K steps.
     *
     * @param every K
     * @param treeDepth depth of the tree aggregation
     * @return the schedule
     */
    public static SyncSchedule every(int every, int treeDepth) {
        return new SyncSchedule(every, 0, 0, treeDepth);
    }

    /**
     * Returns the first global step of a round.
     *
     * @param round the round, from 0
     * @return its first step
     */
    public long firstStep(int round) {
        return round < warmupRounds ? round : warmupRounds + (long) (round - warmupRounds) * every;
    }

    /**
     * Returns the number of rounds that cover a run.
     *
     * @param totalSteps local steps per replica in the run
     * @return the rounds
     */
    public int rounds(long totalSteps) {
        if (totalSteps <= warmupRounds) {
            return Math.toIntExact(totalSteps);
        }
        return Math.toIntExact(warmupRounds + (totalSteps - warmupRounds + every - 1) / every);
    }

    /**
     * Returns one past the last step of a round.
     *
     * @param round the round
     * @param totalSteps local steps per replica in the run
     * @return the end step, exclusive
     */
    public long endStep(int round, long totalSteps) {
        return Math.min(totalSteps, round < warmupRounds ? round + 1 : firstStep(round) + every);
    }

    /**
     * Returns how many partial averages Spark's {@code treeAggregate} of this depth sends to the driver
     * for a number of tasks (its algorithm: {@code scale = max(ceil(tasks^(1/depth)), 2)}, and a reduce
     * level dividing the partitions by {@code scale} while there are more than
     * {@code scale + ceil(partitions / scale)}).
     *
     * @param tasks the round's tasks (replicas)
     * @return the results the driver receives and merges
     */
    public int driverResults(int tasks) {
        int scale = Math.max((int) Math.ceil(Math.pow(tasks, 1.0 / treeDepth)), 2);
        int partitions = tasks;
        while (partitions > scale + (int) Math.ceil((double) partitions / scale)) {
            partitions /= scale;
        }
        return partitions;
    }
}
