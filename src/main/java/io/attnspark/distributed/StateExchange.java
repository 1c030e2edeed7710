package io.attnspark.distributed;

import io.attnspark.data.InputPipeline;
import io.attnspark.data.ImageShard;
import io.attnspark.train.StepStats;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * Where the averaged state lives between rounds, and how a round's replicas average it: one
 * implementation per {@link SyncMethod}. The training loop in {@link DistributedTrainer} is the
 * same for both.
 */
interface StateExchange extends AutoCloseable {

    /**
     * A round's result as the driver sees it.
     *
     * @param sum the replicas' statistics and timings (for {@code tree} also the averaged state)
     * @param broadcastSeconds driver time spent sending the state out before the tasks ran
     * @param driverBytes model-state bytes the driver sent or received
     */
    record Round(RoundAccumulator sum, double broadcastSeconds, long driverBytes) {}

    /**
     * Runs a round: every shard's replica trains from the current average, and the average is
     * replaced by the sample-weighted mean of their states.
     *
     * @param trainShards the cached shards
     * @param task what each task does
     * @param checkpointFolder where the state after the round is also written, slice by slice,
     *     or null when no checkpoint is due (the {@code tree} exchange ignores it)
     * @return the round
     */
    Round round(JavaRDD<ImageShard> trainShards, RoundTask task, String checkpointFolder);

    /**
     * Evaluates the current average on the evaluation shards.
     *
     * @param testShards the cached shards
     * @param claim what the executors' pools are asked for
     * @param input how images become input
     * @param batch images per forward pass
     * @param treeDepth depth of the {@code treeReduce} of the statistics
     * @return sums over all images
     */
    StepStats evaluate(JavaRDD<ImageShard> testShards, ReplicaPool.Claim claim, InputPipeline input, int batch,
            int treeDepth);

    /**
     * Describes the state after a round for a checkpoint: with its arrays ({@code tree}), or naming
     * the slices written to the checkpoint folder during the round ({@code sharded}).
     *
     * @param nextRound the round after it
     * @param rounds the metrics so far
     * @param trainedSamples images trained on so far
     * @param elapsedSeconds wall time so far
     * @return the state
     */
    TrainingState checkpointState(int nextRound, List<RoundMetrics> rounds, long trainedSamples, double elapsedSeconds);

    /**
     * Returns the averaged parameters, assembled on the driver (once, at the end of a run).
     *
     * @return flat parameters
     */
    float[] parameters();

    /** Releases what the exchange keeps on the executors. */
    @Override
    void close();
}
