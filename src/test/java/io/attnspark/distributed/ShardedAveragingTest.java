package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.attnspark.TestImages;
import io.attnspark.TestSpark;
import io.attnspark.data.Normalization;
import io.attnspark.data.Seeds;
import io.attnspark.data.ShardData;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.LearningRateSchedule;
import io.attnspark.train.Replica;
import io.attnspark.train.SgdSettings;
import io.attnspark.train.ShardTrainer;
import io.attnspark.train.SingleProcessTrainer;
import io.attnspark.train.StepStats;
import io.attnspark.train.TorchRuntime;
import io.attnspark.train.TrainingPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code sync.method = sharded} computes what {@code tree} computes, without the driver. */
class ShardedAveragingTest {

    private static final long SEED = 7;
    private static final ModelSpec SPEC = new ModelSpec(new Architecture("resnet-cifar", 8, "none"),
            new ModelSpec.Input(1, 12, 12, List.of("a", "b", "c"), new float[] {0.35f}, new float[] {0.3f}));

    @TempDir static Path dir;
    static SparkSession spark;
    static JavaSparkContext jsc;
    static Dataset<Row> train;
    static int trainable;

    @BeforeAll
    static void writeTable() {
        spark = TestSpark.session();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 150, 40, 12, 3);
        train = ImageTable.read(spark, table).filter(functions.col("split").equalTo("train"));
        try (Replica probe = Replica.create(SPEC, Device.cpu())) {
            trainable = probe.layout().trainableSize();
        }
    }

    private static TrainingPlan plan() {
        return new TrainingPlan(16, SEED, new LearningRateSchedule(0.05, 2, 12, 0.001),
                new SgdSettings(0.9, 5e-4), 2, true);
    }

    private static TrainingResult run(int replicas, SyncSchedule sync, long steps) {
        JavaRDD<ShardData> shards = ShardedTable.shuffled(train, replicas, SEED, 0);
        try {
            return new DistributedTrainer(jsc, SPEC, plan(), sync, 64).train(shards, null,
                    TrainingState.initial(Replica.initialParameters(SPEC, SEED), trainable), steps, 6, null,
                    DistributedTrainer.Checkpointing.none(), null);
        } finally {
            shards.unpersist(false);
        }
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance * scale,
                    what + ": float " + i + " expected " + expected[i] + " got " + actual[i]);
        }
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @ParameterizedTest(name = "{0} replicas, K = {1}, {2} slices")
    @CsvSource({"1, 1, 0", "2, 1, 0", "3, 1, 5", "4, 1, 0", "1, 10, 0", "2, 10, 3", "3, 10, 0", "4, 10, 7"})
    void shardedEqualsTree(int replicas, int every, int slices) {
        long steps = every == 1 ? 3 : 12;
        SyncSchedule tree = SyncSchedule.every(every, 2);
        SyncSchedule sharded = tree.exchangedBy(SyncMethod.SHARDED, slices, WireFormat.FLOAT32);
        TrainingResult a = run(replicas, tree, steps);
        TrainingResult b = run(replicas, sharded, steps);

        assertTrue(maxDifference(Replica.initialParameters(SPEC, SEED), a.parameters()) > 1e-3, "training moved");
        assertClose(a.parameters(), b.parameters(), 1e-6, "sharded vs tree");
        assertEquals(a.trainedSamples(), b.trainedSamples());
        assertEquals(a.rounds().size(), b.rounds().size());
        for (int r = 0; r < a.rounds().size(); r++) {
            assertEquals(a.rounds().get(r).loss(), b.rounds().get(r).loss(), 1e-6, "round " + r + " loss");
            assertEquals(0, b.rounds().get(r).syncBytesDriver(), "no state through the driver");
            assertTrue(a.rounds().get(r).syncBytesDriver() > 0, "tree counts its driver bytes");
            assertTrue(b.rounds().get(r).syncBytesTaskMax() > 0, "sharded counts its task bytes");
        }
    }

    @Test
    void oneReplicaEveryStepEqualsThePlainLoop() {
        List<Row> rows = new ArrayList<>(train.select("id", "label", "image").collectAsList());
        rows.sort(Comparator.comparingLong(r -> Seeds.shuffleKey(SEED, r.getString(0))));
        ShardData all = ShardData.decode(rows.stream().map(r -> r.getString(0)).toArray(String[]::new),
                rows.stream().map(r -> (byte[]) r.get(2)).toArray(byte[][]::new),
                rows.stream().mapToInt(r -> r.getInt(1)).toArray());
        float[] initial = Replica.initialParameters(SPEC, SEED);
        float[] plain = new SingleProcessTrainer(SPEC, plan()).train(all, initial, 6, 1);
        TrainingResult sharded = run(1, SyncSchedule.every(1, 2).exchangedBy(SyncMethod.SHARDED, 0,
                WireFormat.FLOAT32), 6);
        assertClose(plain, sharded.parameters(), 1e-5, "sharded vs plain loop");
    }

    @Test
    void serverMomentumMatchesTree() {
        SyncSchedule tree = new SyncSchedule(3, 1, 0.5, 2);
        TrainingResult a = run(2, tree, 9);
        TrainingResult b = run(2, tree.exchangedBy(SyncMethod.SHARDED, 3, WireFormat.FLOAT32), 9);
        TrainingResult plain = run(2, SyncSchedule.every(3, 2), 9);
        assertTrue(maxDifference(a.parameters(), plain.parameters()) > 1e-4, "server momentum changed the result");
        assertClose(a.parameters(), b.parameters(), 1e-6, "sharded vs tree with server momentum");
    }

    /**
     * One round of two replicas written out by hand, with the trainable parameters' changes rounded
     * to bfloat16 before averaging: what {@code wire = bfloat16} must compute, and all it may change.
     */
    @Test
    void bfloat16DiffersOnlyByTheRoundingOfThePayload() {
        TrainingPlan plan = plan();
        Normalization norm = new Normalization(SPEC.mean(), SPEC.std());
        TorchRuntime.useIntraOpThreads(1);
        float[] start = Replica.initialParameters(SPEC, SEED);
        float[] expected;
        float[] unrounded;
        double[] slack;
        try (Replica a = Replica.create(SPEC, Device.cpu()); Replica b = Replica.create(SPEC, Device.cpu())) {
            StateSlices slices = new StateSlices(a.layout(), 1);
            List<ShardData> shards = ShardedTable.shuffled(train, 2, SEED, 0).collect();
            float[][] states = new float[2][];
            Replica[] replicas = {a, b};
            long[] samples = new long[2];
            for (int i = 0; i < 2; i++) {
                replicas[i].setState(start, null);
                StepStats s = new ShardTrainer(shards.get(i), i, plan, norm).train(replicas[i], 0, 4);
                samples[i] = s.samples();
                states[i] = new float[a.layout().size()];
                replicas[i].getState(states[i], new float[trainable]);
            }
            expected = new float[start.length];
            unrounded = new float[start.length];
            slack = new double[start.length];
            for (int k = 0; k < start.length; k++) {
                double total = samples[0] + samples[1];
                if (slices.trainable(k)) {
                    double d0 = WireFormat.fromBfloat16(WireFormat.toBfloat16(states[0][k] - start[k]));
                    double d1 = WireFormat.fromBfloat16(WireFormat.toBfloat16(states[1][k] - start[k]));
                    expected[k] = (float) (start[k] + (samples[0] * d0 + samples[1] * d1) / total);
                    // Replicas on other threads may differ in a float's last bit, which can move a
                    // change to the neighbouring bfloat16: allow that one step (2^-8 of the change).
                    slack[k] = Math.max(Math.abs(d0), Math.abs(d1)) / 256;
                } else {
                    expected[k] = (float) ((samples[0] * (double) states[0][k] + samples[1] * (double) states[1][k])
                            / total);
                }
                unrounded[k] = (float) ((samples[0] * (double) states[0][k] + samples[1] * (double) states[1][k]) / total);
            }
        }
        SyncSchedule bf16 = SyncSchedule.every(4, 2).exchangedBy(SyncMethod.SHARDED, 3, WireFormat.BFLOAT16);
        TrainingResult result = run(2, bf16, 4);
        float[] actual = result.parameters();
        for (int k = 0; k < expected.length; k++) {
            double allowed = 1e-6 * Math.max(1, Math.abs(expected[k])) + slack[k];
            assertTrue(Math.abs(expected[k] - actual[k]) <= allowed,
                    "float " + k + ": expected " + expected[k] + " got " + actual[k]);
        }
        double rounding = maxDifference(unrounded, result.parameters());
        assertTrue(rounding > 0, "bfloat16 rounded something");
        assertTrue(rounding < 1e-3, "the rounding of a change is small: " + rounding);
    }

    @Test
    void checkpointsResumeAcrossMethodsAndSliceCounts() {
        SyncSchedule tree = new SyncSchedule(2, 1, 0.3, 2);
        SyncSchedule sharded = tree.exchangedBy(SyncMethod.SHARDED, 3, WireFormat.FLOAT32);
        long steps = 9; // rounds: {0}, {1,2}, {3,4}, {5,6}, {7,8}
        float[] reference = run(2, tree, steps).parameters();

        // Each first method is stopped after round 2 and the run continued under the second one.
        SyncSchedule[][] pairs = {
            {tree, sharded}, {sharded, tree}, {sharded, tree.exchangedBy(SyncMethod.SHARDED, 0, WireFormat.FLOAT32)}};
        int n = 0;
        for (SyncSchedule[] pair : pairs) {
            Checkpoints checkpoints = new Checkpoints(dir.resolve("checkpoints-" + n++).toString(),
                    jsc.hadoopConfiguration(), 2);
            DistributedTrainer.Checkpointing every = new DistributedTrainer.Checkpointing(
                    checkpoints.sinkFor("run", "fingerprint"), 1);
            JavaRDD<ShardData> shards = ShardedTable.shuffled(train, 2, SEED, 0);
            IllegalStateException stop = new IllegalStateException("stopped for the test");
            assertThrows(IllegalStateException.class, () -> new DistributedTrainer(jsc, SPEC, plan(), pair[0], 64)
                    .train(shards, null, TrainingState.initial(Replica.initialParameters(SPEC, SEED), trainable), steps,
                            6, (m, total, elapsed) -> {
                                if (m.round() == 2) {
                                    throw stop;
                                }
                            }, every, null));
            Checkpoints.Saved saved = checkpoints.latest().orElseThrow();
            assertEquals(3, saved.state().nextRound());
            if (pair[0].method() == SyncMethod.SHARDED) {
                assertNull(saved.state().parameters(), "a sharded checkpoint holds no arrays");
                assertNotNull(saved.state().slices());
            }
            TrainingResult resumed = new DistributedTrainer(jsc, SPEC, plan(), pair[1], 64)
                    .train(shards, null, saved.state(), steps, 6, null, every, null);
            shards.unpersist(false);
            assertEquals(5, resumed.rounds().size());
            assertClose(reference, resumed.parameters(), 1e-6, pair[0].method() + " then " + pair[1].method());
        }
    }

    @Test
    void badSyncSettingsNameTheKey() {
        IllegalArgumentException wire = assertThrows(IllegalArgumentException.class, () -> WireFormat.parse("fp16"));
        assertTrue(wire.getMessage().contains("sync.wire") && wire.getMessage().contains("fp16"), wire.getMessage());
        IllegalArgumentException method = assertThrows(IllegalArgumentException.class, () -> SyncMethod.parse("ring"));
        assertTrue(method.getMessage().contains("sync.method") && method.getMessage().contains("ring"));
        IllegalArgumentException treeBf16 = assertThrows(IllegalArgumentException.class,
                () -> SyncSchedule.every(1, 2).exchangedBy(SyncMethod.TREE, 0, WireFormat.BFLOAT16));
        assertTrue(treeBf16.getMessage().contains("sync.method = sharded"), treeBf16.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SyncSchedule.every(1, 2).exchangedBy(SyncMethod.SHARDED, -1, WireFormat.FLOAT32));
        assertArrayEquals(new float[] {1f}, new float[] {WireFormat.fromBfloat16(WireFormat.toBfloat16(1f))});
    }
}
