package io.attnspark.train;

import io.attnspark.data.BatchMaker;
import io.attnspark.data.DaemonThreads;
import io.attnspark.data.ImageShard;
import io.attnspark.data.InputPipeline;
import io.attnspark.data.Normalization;
import io.attnspark.data.Seeds;
import io.attnspark.data.ShardData;
import io.attnspark.data.ShardSampler;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains a replica on the batches of one shard. Which images form step t's batch and how they are
 * augmented depend only on (seed, shard, t), so the same steps give the same updates whether
 * they run in one process, in a Spark task, or in a retry of that task. The next step's batch is made
 * on a prefetch thread while the current step trains, so decoding overlaps computing.
 */
public final class ShardTrainer {

    private static final long AUGMENT_STREAM = 0x5A17L;

    private final ImageShard data;
    private final int shard;
    private final TrainingPlan plan;
    private final InputPipeline input;
    private final ShardSampler sampler;

    /**
     * Creates a trainer for one shard.
     *
     * @param data the shard's images
     * @param shard the shard index
     * @param plan how to train
     * @param input how images become input
     */
    public ShardTrainer(ImageShard data, int shard, TrainingPlan plan, InputPipeline input) {
        this.data = data;
        this.shard = shard;
        this.plan = plan;
        this.input = input;
        this.sampler = new ShardSampler(data.size(), plan.batchSize(), plan.seed(), shard);
    }

    /**
     * Creates a trainer for a decoded-once shard, with the plan's padded crops and flips.
     *
     * @param data the shard's images
     * @param shard the shard index
     * @param plan how to train
     * @param normalization the input normalisation
     */
    public ShardTrainer(ShardData data, int shard, TrainingPlan plan, Normalization normalization) {
        this(data, shard, plan, fixedInput(data, plan, normalization));
    }

    private static InputPipeline fixedInput(ShardData data, TrainingPlan plan, Normalization normalization) {
        return InputPipeline.fixed(
                normalization, data.channels(), data.height(), data.width(), plan.cropPadding(), plan.flip());
    }

    /**
     * Returns the full batches per epoch of this shard.
     *
     * @return steps per epoch
     */
    public int stepsPerEpoch() {
        return sampler.stepsPerEpoch();
    }

    /** One step's inputs. */
    private record Batch(float[] images, long[] labels) {}

    /**
     * Trains the global steps {@code [fromStep, toStep)}.
     *
     * @param replica the replica, already holding the state to start from
     * @param fromStep the first global step
     * @param toStep one past the last global step
     * @return the sums over these steps
     */
    public StepStats train(Replica replica, long fromStep, long toStep) {
        if (fromStep >= toStep) {
            return StepStats.EMPTY;
        }
        Batch[] buffers = {newBatch(plan.batchSize()), newBatch(plan.batchSize())};
        ExecutorService ahead = Executors.newSingleThreadExecutor(DaemonThreads.named("attnspark-prefetch"));
        try (BatchMaker maker = data.batches(input)) {
            Future<Batch> next = ahead.submit(() -> fill(maker, fromStep, buffers[0]));
            StepStats total = StepStats.EMPTY;
            for (long step = fromStep; step < toStep; step++) {
                Batch current = await(next);
                if (step + 1 < toStep) {
                    long following = step + 1;
                    Batch free = buffers[(int) ((following - fromStep) % 2)];
                    next = ahead.submit(() -> fill(maker, following, free));
                }
                StepStats stats = replica.trainStep(
                        current.images(), current.labels(), plan.batchSize(), plan.schedule().rate(step), plan.sgd());
                if (!Double.isFinite(stats.lossSum())) {
                    throw new NonFiniteLossException(shard, step, stats.lossSum());
                }
                total = total.plus(stats);
            }
            return total;
        } finally {
            ahead.shutdownNow();
        }
    }

    private Batch newBatch(int size) {
        return new Batch(new float[size * input.imageSize()], new long[size]);
    }

    private Batch fill(BatchMaker maker, long step, Batch into) {
        maker.trainBatch(sampler.batch(step), Seeds.mix(plan.seed(), AUGMENT_STREAM, shard, step), into.images(),
                into.labels());
        return into;
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("making a batch failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        }
    }

    /**
     * Evaluates a replica on every image of a shard, in inference mode, without augmentation.
     *
     * @param replica the replica
     * @param data the images
     * @param input how images become input
     * @param batchSize images per forward pass
     * @return the sums over all images
     */
    public static StepStats evaluate(Replica replica, ImageShard data, InputPipeline input, int batchSize) {
        float[] images = new float[batchSize * input.imageSize()];
        long[] labels = new long[batchSize];
        StepStats total = StepStats.EMPTY;
        try (BatchMaker maker = data.batches(input)) {
            for (int start = 0; start < data.size(); start += batchSize) {
                int n = Math.min(batchSize, data.size() - start);
                int[] indices = new int[n];
                for (int i = 0; i < n; i++) {
                    indices[i] = start + i;
                }
                maker.evalBatch(indices, images, labels);
                total = total.plus(replica.evaluate(images, labels, n));
            }
        }
        return total;
    }

    /**
     * Evaluates a replica on a decoded-once shard.
     *
     * @param replica the replica
     * @param data the images
     * @param normalization the input normalisation
     * @param batchSize images per forward pass
     * @return the sums over all images
     */
    public static StepStats evaluate(Replica replica, ShardData data, Normalization normalization, int batchSize) {
        return evaluate(replica, data,
                InputPipeline.fixed(normalization, data.channels(), data.height(), data.width(), 0, false), batchSize);
    }
}
