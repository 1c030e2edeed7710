package io.attnspark.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.attnspark.train.Precision;
import io.attnspark.train.Replica;
import io.attnspark.train.TorchRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The per-JVM cache shares one network among concurrent tasks (inference only reads it): their
 * predictions must be those of a private network, pass after pass.
 */
class LoadedModelsTest {

    private static final int TASKS = 4;
    private static final int BATCH = 8;
    private static final int PASSES = 25;

    @Test
    void concurrentTasksShareOneNetworkAndPredictAsAlone() throws Exception {
        ScoringModel model = ScoreFixtures.model();
        int size = ScoreFixtures.SIZE * ScoreFixtures.SIZE;
        Random random = new Random(3);
        float[][] batches = new float[TASKS][BATCH * size];
        for (float[] batch : batches) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = (float) random.nextGaussian();
            }
        }
        float[][] expected = new float[TASKS][];
        TorchRuntime.useIntraOpThreads(1);
        try (Replica alone = Replica.create(model.spec(), Device.cpu())) {
            alone.setState(model.parameters(), null);
            for (int t = 0; t < TASKS; t++) {
                expected[t] = alone.predict(batches[t], BATCH);
            }
        }

        long loadsBefore = LoadedModels.loads();
        CyclicBarrier start = new CyclicBarrier(TASKS);
        ExecutorService pool = Executors.newFixedThreadPool(TASKS);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < TASKS; t++) {
                int task = t;
                tasks.add(pool.submit(() -> {
                    TorchRuntime.useIntraOpThreads(1);
                    try (LoadedModels.Handle handle =
                            LoadedModels.acquire(model.id(), Precision.FLOAT32, Device.cpu(), () -> model)) {
                        start.await();
                        for (int pass = 0; pass < PASSES; pass++) {
                            assertArrayEquals(expected[task], handle.replica().predict(batches[task], BATCH), 1e-6f,
                                    "task " + task + " pass " + pass);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get(); // rethrows a task's assertion error
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(LoadedModels.loads() - loadsBefore <= 1,
                "one network for all tasks (none if an earlier test left it loaded), loads: "
                        + (LoadedModels.loads() - loadsBefore));
    }

    @Test
    void eachPrecisionLoadsItsOwnNetwork() {
        ScoringModel model = ScoreFixtures.model();
        try (LoadedModels.Handle f32 = LoadedModels.acquire(model.id(), Precision.FLOAT32, Device.cpu(), () -> model);
                LoadedModels.Handle bf16 =
                        LoadedModels.acquire(model.id(), Precision.BFLOAT16, Device.cpu(), () -> model)) {
            assertNotSame(f32.replica(), bf16.replica());
            assertEquals(Precision.FLOAT32, f32.replica().precision());
            assertEquals(Precision.BFLOAT16.on(Device.cpu()), bf16.replica().precision(),
                    "bfloat16 where the CPU has it, else float32");
        }
    }
}
