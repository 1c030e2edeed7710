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
 *   <li>{@code method}: {@code tree} through the driver, or {@code sharded} among the executors
 *       (see {@link SyncMethod}); {@code slices} cuts the state for {@code sharded} (0: one slice per
 *       replica); {@code wire} is the format of the trainable parameters a replica sends for averaging
 *       (see {@link WireFormat}; {@code sharded} only).
 * </ul>
 *
 * @param every local steps between averages, at least 1
 * @param warmupRounds rounds of one step each at the start, at least 0
 * @param serverMomentum beta in [0, 1)
 * @param treeDepth depth of the {@code treeAggregate}, at least 1
 * @param method how states are averaged
 * @param slices slices of the state for {@code sharded}, 0 for one per replica
 * @param wire the payload's format
 */
public record SyncSchedule(int every, int warmupRounds, double serverMomentum, int treeDepth, SyncMethod method,
        int slices, WireFormat wire) implements Serializable {

    /**
     * The tree method's schedule, with float32 payloads.
     *
     * @param every K
     * @param warmupRounds rounds of one step at the start
     * @param serverMomentum beta
     * @param treeDepth depth of the tree aggregation
     */
    public SyncSchedule(int every, int warmupRounds, double serverMomentum, int treeDepth) {
        this(every, warmupRounds, serverMomentum, treeDepth, SyncMethod.TREE, 0, WireFormat.FLOAT32);
    }

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
        if (method == null || wire == null) {
            throw new IllegalArgumentException("sync.method and sync.wire must be set");
        }
        if (slices < 0) {
            throw new IllegalArgumentException("sync.slices must be >= 0 (0: one per replica), got " + slices);
        }
        if (method == SyncMethod.TREE && wire != WireFormat.FLOAT32) {
            throw new IllegalArgumentException("sync.wire = " + wire.configName()
                    + " needs sync.method = sharded (the tree method sends float32 states)");
        }
    }

    /**
     * The same schedule with another averaging method.
     *
     * @param how the method
     * @param sliceCount slices for {@code sharded}, 0 for one per replica
     * @param format the payload's format
     * @return the schedule
     */
    public SyncSchedule exchangedBy(SyncMethod how, int sliceCount, WireFormat format) {
        return new SyncSchedule(every, warmupRounds, serverMomentum, treeDepth, how, sliceCount, format);
    }

    /**
     * Returns what a checkpoint must agree on to be resumed under this schedule: not the method or
     * its slices (a checkpoint resumes under either), but the wire format, which changes results.
     * The first part keeps the form of checkpoints written before there was a method.
     *
     * @return the text
     */
    public String fingerprint() {
        String schedule = "SyncSchedule[every=" + every + ", warmupRounds=" + warmupRounds + ", serverMomentum="
                + serverMomentum + ", treeDepth=" + treeDepth + "]";
        return wire == WireFormat.FLOAT32 ? schedule : schedule + " wire=" + wire.configName();
    }

    /**
     * Returns the slices a sharded round cuts the state into.
     *
     * @param replicas replicas in the run
     * @return {@code slices}, or the replica count when it is 0
     */
    public int slicesFor(int replicas) {
        return slices > 0 ? slices : replicas;
    }

    /**
     * Returns how many partial results one task of {@code treeAggregate}'s intermediate level
     * merges at most (Spark's algorithm, as in {@link #driverResults}), 0 when there is no level.
     *
     * @param tasks tasks in the round
     * @return the fan-in
     */
    public int levelFanIn(int tasks) {
        int scale = Math.max((int) Math.ceil(Math.pow(tasks, 1.0 / treeDepth)), 2);
        int partitions = tasks;
        int fanIn = 0;
        while (partitions > scale + (int) Math.ceil((double) partitions / scale)) {
            fanIn = Math.max(fanIn, (int) Math.ceil((double) partitions / (partitions / scale)));
            partitions /= scale;
        }
        return fanIn;
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
