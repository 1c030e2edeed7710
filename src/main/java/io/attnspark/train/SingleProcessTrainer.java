package io.attnspark.train;

import ai.djl.Device;
import io.attnspark.data.Normalization;
import io.attnspark.data.ShardData;
import io.attnspark.model.ModelSpec;

/**
 * The plain training loop: one replica, one process, no Spark. It is the reference the
 * distributed trainer must reproduce with one shard and {@code sync.every = 1}, and the baseline
 * of the throughput benchmark.
 */
public final class SingleProcessTrainer {

    private final ModelSpec spec;
    private final TrainingPlan plan;

    /**
     * Creates the loop.
     *
     * @param spec the model
     * @param plan the training settings
     */
    public SingleProcessTrainer(ModelSpec spec, TrainingPlan plan) {
        this.spec = spec;
        this.plan = plan;
    }

    /**
     * Trains from initial parameters for a number of steps on the calling thread.
     *
     * @param data the training images (as shard 0)
     * @param initialParameters flat parameters to start from
     * @param steps steps to train
     * @param threads libtorch intra-op threads
     * @return the final parameters
     */
    public float[] train(ShardData data, float[] initialParameters, long steps, int threads) {
        TorchRuntime.useIntraOpThreads(threads);
        try (Replica replica = Replica.create(spec, Device.cpu(), plan.precision())) {
            replica.setState(initialParameters, null);
            Normalization normalization = new Normalization(spec.mean(), spec.std());
            new ShardTrainer(data, 0, plan, normalization).train(replica, 0, steps);
            float[] out = new float[replica.layout().size()];
            replica.getState(out, null);
            return out;
        }
    }
}
