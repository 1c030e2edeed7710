package io.attnspark.distributed;

import ai.djl.Device;
import io.attnspark.data.InputPipeline;
import io.attnspark.data.ImageShard;
import io.attnspark.train.NonFiniteLossException;
import io.attnspark.train.Replica;
import io.attnspark.train.ShardTrainer;
import io.attnspark.train.StepStats;
import io.attnspark.train.TorchRuntime;
import io.attnspark.train.TrainingPlan;
import java.io.Serializable;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;

/**
 * What one training task of a round does, whichever way the states are averaged: load the averaged
 * state into this task's replica, train the round's local steps on the shard, read the state back.
 *
 * @param claim what the executor's replica pool is asked for
 * @param plan per-replica training settings
 * @param input how images become input
 * @param round the round, from 0 (for messages)
 * @param from the first local step
 * @param to one past the last local step
 */
record RoundTask(ReplicaPool.Claim claim, TrainingPlan plan, InputPipeline input, int round, long from, long to)
        implements Serializable {

    /**
     * A replica's state after the round's steps, and what the steps cost.
     *
     * @param parameters flat parameters
     * @param momentum flat momentum buffers
     * @param stats sums over the steps
     * @param device where it ran
     * @param loadSeconds fetching the averaged state and loading it
     * @param computeSeconds the local steps
     */
    record Trained(float[] parameters, float[] momentum, StepStats stats, String device, double loadSeconds,
            double computeSeconds) {}

    /**
     * Trains one shard's replica for the round, on this task's device.
     *
     * @param shard the shard's index
     * @param data the shard
     * @param averaged fetches the averaged state (timed as loading)
     * @param into arrays the trained state is read back into (may be the averaged state's own), or
     *     null for new ones
     * @return the replica's state and statistics
     * @throws NonFiniteLossException naming the round and shard when the loss diverged
     */
    Trained train(int shard, ImageShard data, Supplier<ReplicaState> averaged, ReplicaState into) {
        return onTaskReplica(claim, (replica, device) -> {
            long start = System.nanoTime();
            ReplicaState s = averaged.get();
            replica.setState(s.parameters(), s.momentum());
            long loaded = System.nanoTime();
            StepStats stats;
            try {
                stats = new ShardTrainer(data, shard, plan, input).train(replica, from, to);
            } catch (NonFiniteLossException e) {
                throw new NonFiniteLossException("round " + round + ": " + e.getMessage());
            }
            long computed = System.nanoTime();
            float[] parameters = into != null ? into.parameters() : new float[replica.layout().size()];
            float[] momentum = into != null ? into.momentum() : new float[replica.layout().trainableSize()];
            replica.getState(parameters, momentum);
            return new Trained(parameters, momentum, stats, device, (loaded - start) / 1e9, (computed - loaded) / 1e9);
        });
    }

    /**
     * Evaluates a shard with this task's replica.
     *
     * @param claim what the pool is asked for
     * @param data the shard
     * @param parameters the flat parameters to evaluate
     * @param input how images become input
     * @param batch images per forward pass
     * @return the sums over the shard
     */
    static StepStats evaluate(
            ReplicaPool.Claim claim, ImageShard data, Supplier<float[]> parameters, InputPipeline input, int batch) {
        if (data.size() == 0) {
            return StepStats.EMPTY;
        }
        return onTaskReplica(claim, (replica, device) -> {
            replica.setState(parameters.get(), null);
            return ShardTrainer.evaluate(replica, data, input, batch);
        });
    }

    /**
     * Runs work on this task's replica, with the task's threads: borrowed from the executor's pool,
     * returned after success, closed after a failure (its state is then unknown).
     *
     * @param claim what the pool is asked for
     * @param work gets the replica and a description of the task's device
     * @return what the work returns
     */
    static <T> T onTaskReplica(ReplicaPool.Claim claim, BiFunction<Replica, String, T> work) {
        TaskContext task = TaskContext.get();
        TorchRuntime.useIntraOpThreads(DeviceAssignment.threadsForTask(task));
        Device device = DeviceAssignment.forTask(task);
        Replica replica = ReplicaPool.borrow(claim, device);
        boolean healthy = false;
        try {
            T result = work.apply(replica, DeviceAssignment.describe(task, device));
            healthy = true;
            return result;
        } finally {
            if (healthy) {
                ReplicaPool.release(claim, replica, device);
            } else {
                replica.close();
            }
        }
    }
}
