package io.attnspark.train;

import io.attnspark.data.BatchAssembler;
import io.attnspark.data.Normalization;
import io.attnspark.data.Seeds;
import io.attnspark.data.ShardData;
import io.attnspark.data.ShardSampler;
import java.util.SplittableRandom;

/**
 * Trains a replica on the batches of one shard. Which images form step t's batch and how they are
 * augmented depend only on (seed, shard, t), so the same steps give the same updates whether
 * they run in one process, in a Spark task, or in a retry of that task.
 */
public final class ShardTrainer {

    private static final long AUGMENT_STREAM = 0x5A17L;

    private final ShardData data;
    private final int shard;
    private final TrainingPlan plan;
    private final ShardSampler sampler;
    private final BatchAssembler assembler;
    private final float[] images;
    private final long[] labels;

    /**
     * Creates a trainer for one shard.
     *
     * @param data the shard's images
     * @param shard the shard index
     * @param plan how to train
     * @param normalization the input normalisation
     */
    public ShardTrainer(ShardData data, int shard, TrainingPlan plan, Normalization normalization) {
        this.data = data;
        this.shard = shard;
        this.plan = plan;
        this.sampler = new ShardSampler(data.size(), plan.batchSize(), plan.seed(), shard);
        this.assembler = new BatchAssembler(normalization, plan.cropPadding(), plan.flip());
        this.images = new float[plan.batchSize() * data.imageSize()];
        this.labels = new long[plan.batchSize()];
    }

    /**
     * Returns the full batches per epoch of this shard.
     *
     * @return steps per epoch
     */
    public int stepsPerEpoch() {
        return sampler.stepsPerEpoch();
    }

    /**
     * Trains the global steps {@code [fromStep, toStep)}.
     *
     * @param replica the replica, already holding the state to start from
     * @param fromStep the first global step
     * @param toStep one past the last global step
     * @return the sums over these steps
     */
    public StepStats train(Replica replica, long fromStep, long toStep) {
        StepStats total = StepStats.EMPTY;
        for (long step = fromStep; step < toStep; step++) {
            SplittableRandom random = new SplittableRandom(Seeds.mix(plan.seed(), AUGMENT_STREAM, shard, step));
            assembler.assemble(data, sampler.batch(step), random, images, labels);
            StepStats stats =
                    replica.trainStep(images, labels, plan.batchSize(), plan.schedule().rate(step), plan.sgd());
            if (!Double.isFinite(stats.lossSum())) {
                throw new NonFiniteLossException(shard, step, stats.lossSum());
            }
            total = total.plus(stats);
        }
        return total;
    }

    /**
     * Evaluates a replica on every image of a shard, in inference mode, without augmentation.
     *
     * @param replica the replica
     * @param data the images
     * @param normalization the input normalisation
     * @param batchSize images per forward pass
     * @return the sums over all images
     */
    public static StepStats evaluate(Replica replica, ShardData data, Normalization normalization, int batchSize) {
        BatchAssembler plain = new BatchAssembler(normalization, 0, false);
        float[] images = new float[batchSize * data.imageSize()];
        long[] labels = new long[batchSize];
        StepStats total = StepStats.EMPTY;
        for (int start = 0; start < data.size(); start += batchSize) {
            int n = Math.min(batchSize, data.size() - start);
            int[] indices = new int[n];
            for (int i = 0; i < n; i++) {
                indices[i] = start + i;
            }
            plain.assemble(data, indices, null, images, labels);
            total = total.plus(replica.evaluate(images, labels, n));
        }
        return total;
    }
}
