package io.attnspark.distributed;

import io.attnspark.data.InputPipeline;
import io.attnspark.data.ImageShard;
import io.attnspark.train.StepStats;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Averaging through the driver: the driver broadcasts the averaged state, each task returns its
 * replica's state, {@code treeAggregate} sums them weighted by samples seen, and the driver
 * divides. Per round the driver sends one state S (the broadcast's blocks are also served by
 * executors) and receives {@link SyncSchedule#driverResults} partial averages of S each.
 */
final class TreeExchange implements StateExchange {

    private final JavaSparkContext jsc;
    private final SyncSchedule sync;
    private final int[][] trainable;
    private float[] parameters;
    private float[] momentum;
    private float[] velocity;

    /**
     * Starts from a state held on the driver.
     *
     * @param jsc the context
     * @param sync the schedule (tree depth, server momentum)
     * @param trainable the trainable parameters' ranges in the flat parameters
     * @param start the state
     */
    TreeExchange(JavaSparkContext jsc, SyncSchedule sync, int[][] trainable, TrainingState start) {
        this.jsc = jsc;
        this.sync = sync;
        this.trainable = trainable;
        this.parameters = start.parameters();
        this.momentum = start.momentum();
        this.velocity = start.serverVelocity();
    }

    @Override
    public Round round(JavaRDD<ImageShard> trainShards, RoundTask task, String checkpointFolder) {
        long start = System.nanoTime();
        Broadcast<ReplicaState> state = jsc.broadcast(new ReplicaState(parameters, momentum));
        double broadcastSeconds = (System.nanoTime() - start) / 1e9;
        long stateBytes = 4L * (parameters.length + momentum.length);
        RoundAccumulator sum;
        try {
            sum = trainShards
                    .mapPartitionsWithIndex((shard, it) -> trainShard(shard, it, state, task, stateBytes), true)
                    .treeAggregate(new RoundAccumulator(), RoundAccumulator::merge, RoundAccumulator::merge,
                            sync.treeDepth());
        } finally {
            state.destroy(false);
        }
        float[] average = sum.averageParameters();
        if (sync.serverMomentum() > 0) {
            if (velocity == null) {
                velocity = new float[average.length];
            }
            parameters = withServerMomentum(parameters, average);
        } else {
            parameters = average;
        }
        momentum = sum.averageMomentum();
        int tasks = trainShards.getNumPartitions();
        int fanIn = sync.levelFanIn(tasks);
        sum.taskBytes(fanIn == 0 ? 2 * stateBytes : (fanIn + 1) * stateBytes);
        return new Round(sum, broadcastSeconds, stateBytes * (1 + sync.driverResults(tasks)));
    }

    private static Iterator<RoundAccumulator> trainShard(
            int shard, Iterator<ImageShard> shardData, Broadcast<ReplicaState> state, RoundTask task, long stateBytes) {
        long start = System.nanoTime();
        RoundTask.Trained t = task.train(shard, shardData.next(), state::value, null); // the broadcast is shared
        return List.of(new RoundAccumulator()
                .add(t.parameters(), t.momentum(), t.stats(), (System.nanoTime() - start) / 1e9, t.loadSeconds(),
                        t.computeSeconds())
                .device(t.device())
                .taskBytes(2 * stateBytes))
                .iterator();
    }

    /**
     * Applies server momentum: {@code v = beta v + (w - avg); w = w - v} on trainable parameters,
     * the plain average elsewhere (running statistics).
     */
    private float[] withServerMomentum(float[] previous, float[] average) {
        float beta = (float) sync.serverMomentum();
        float[] next = average.clone();
        for (int[] range : trainable) {
            for (int i = range[0]; i < range[1]; i++) {
                velocity[i] = beta * velocity[i] + (previous[i] - average[i]);
                next[i] = previous[i] - velocity[i];
            }
        }
        return next;
    }

    @Override
    public StepStats evaluate(JavaRDD<ImageShard> testShards, ReplicaPool.Claim claim, InputPipeline input,
            int batch, int treeDepth) {
        return evaluate(jsc, testShards, parameters, claim, input, batch, treeDepth);
    }

    /** Evaluates parameters held on the driver: broadcast, one task per shard, {@code treeReduce}. */
    static StepStats evaluate(JavaSparkContext jsc, JavaRDD<ImageShard> testShards, float[] parameters,
            ReplicaPool.Claim claim, InputPipeline input, int batch, int treeDepth) {
        Broadcast<float[]> state = jsc.broadcast(parameters);
        try {
            return testShards
                    .map(data -> RoundTask.evaluate(claim, data, state::value, input, batch))
                    .treeReduce(StepStats::plus, treeDepth);
        } finally {
            state.destroy(false);
        }
    }

    @Override
    public TrainingState checkpointState(int nextRound, List<RoundMetrics> rounds, long trainedSamples,
            double elapsedSeconds) {
        return new TrainingState(nextRound, parameters, momentum, rounds, trainedSamples, elapsedSeconds, velocity, null);
    }

    @Override
    public float[] parameters() {
        return parameters;
    }

    @Override
    public void close() {}
}
