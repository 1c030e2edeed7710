package io.attnspark.cli;

import ai.djl.Device;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.Replica;
import io.attnspark.train.SgdSettings;
import io.attnspark.train.TorchRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures a model's training speed on this machine the way a local Spark job runs it: as many replicas
 * at once as the job's tasks (each in its own thread with the task's libtorch threads), a few warm-up
 * steps, then at least a second of steps on random data. For the ablation's time estimate.
 */
final class TrainingSpeedProbe {

    // The first steps are several times slower (allocation, oneDNN kernel selection): one warm-up
    // step and three timed ones in a single process put the quick ablation's estimate 50% high.
    private static final int WARM_UP_STEPS = 8;
    private static final int MIN_STEPS = 5;
    private static final long MIN_NANOS = 1_000_000_000L;

    private TrainingSpeedProbe() {}

    /**
     * Returns the training images per second of all replicas together.
     *
     * @param spec the model
     * @param batch images per step and replica
     * @param replicas replicas training at once, at least 1
     * @param threadsPerReplica libtorch intra-op threads of each, at least 1
     * @return images per second, summed over the replicas
     */
    static double imagesPerSecond(ModelSpec spec, int batch, int replicas, int threadsPerReplica) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1, got " + replicas);
        }
        CyclicBarrier warm = new CyclicBarrier(replicas);
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try {
            List<Future<Double>> rates = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                long seed = r;
                rates.add(pool.submit(() -> replicaRate(spec, batch, threadsPerReplica, seed, warm)));
            }
            double total = 0;
            for (Future<Double> rate : rates) {
                total += rate.get();
            }
            return total;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new IllegalStateException("the speed probe failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing the training speed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double replicaRate(ModelSpec spec, int batch, int threads, long seed, CyclicBarrier warm)
            throws Exception {
        TorchRuntime.useIntraOpThreads(threads);
        int size = spec.inputChannels() * spec.imageHeight() * spec.imageWidth();
        float[] images = new float[batch * size];
        long[] labels = new long[batch];
        Random random = new Random(seed);
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt(spec.classNames().size());
        }
        SgdSettings sgd = new SgdSettings(0.9, 5e-4);
        try (Replica replica = Replica.create(spec, Device.cpu())) {
            for (int i = 0; i < WARM_UP_STEPS; i++) {
                replica.trainStep(images, labels, batch, 0.01, sgd);
            }
            warm.await(); // time the replicas while they all run, as in a round
            int steps = 0;
            long start = System.nanoTime();
            while (steps < MIN_STEPS || System.nanoTime() - start < MIN_NANOS) {
                replica.trainStep(images, labels, batch, 0.01, sgd);
                steps++;
            }
            return steps * (double) batch / ((System.nanoTime() - start) / 1e9);
        }
    }
}
