package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.attnspark.TestImages;
import io.attnspark.TestSpark;
import io.attnspark.data.Normalization;
import io.attnspark.data.Seeds;
import io.attnspark.data.ShardData;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.BFloat16Support;
import io.attnspark.train.LearningRateSchedule;
import io.attnspark.train.Precision;
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

class DistributedTrainerTest {

    private static final long SEED = 5;
    private static final ModelSpec SPEC = new ModelSpec(new Architecture("resnet-cifar", 8, "none"),
            new ModelSpec.Input(1, 12, 12, List.of("left", "middle", "right"), new float[] {0.35f},
                    new float[] {0.3f}));

    @TempDir static Path dir;
    static SparkSession spark;
    static JavaSparkContext jsc;
    static Dataset<Row> train;

    @BeforeAll
    static void writeTable() {
        spark = TestSpark.session();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 201, 60, 12, 3);
        train = ImageTable.read(spark, table).filter(functions.col("split").equalTo("train"));
    }

    private static TrainingPlan plan(int cropPadding, boolean flip) {
        return new TrainingPlan(16, SEED, new LearningRateSchedule(0.05, 2, 12, 0.001),
                new SgdSettings(0.9, 5e-4), cropPadding, flip);
    }

    /** The training rows in shuffle order, computed without Spark: what shard i of n must hold. */
    private static ShardData expectedShard(int shard, int shards) {
        List<Row> rows = new ArrayList<>(train.select("id", "label", "image").collectAsList());
        rows.sort(Comparator.comparingLong(r -> Seeds.shuffleKey(SEED, r.getString(0))));
        List<Row> mine = new ArrayList<>();
        for (int i = shard; i < rows.size(); i += shards) {
            mine.add(rows.get(i));
        }
        String[] ids = mine.stream().map(r -> r.getString(0)).toArray(String[]::new);
        byte[][] images = mine.stream().map(r -> (byte[]) r.get(2)).toArray(byte[][]::new);
        int[] labels = mine.stream().mapToInt(r -> r.getInt(1)).toArray();
        return ShardData.decode(ids, images, labels);
    }

    private static void assertClose(float[] expected, float[] actual, float tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            float scale = Math.max(1f, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance * scale,
                    "parameter float " + i + ": expected " + expected[i] + " got " + actual[i]);
        }
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void oneShardSyncedEveryStepEqualsThePlainLoop() {
        TrainingPlan plan = plan(2, true);
        float[] initial = Replica.initialParameters(SPEC, SEED);
        float[] plain = new SingleProcessTrainer(SPEC, plan).train(expectedShard(0, 1), initial, 12, 1);

        JavaRDD<ShardData> shards = ShardedTable.shuffled(train, 1, SEED, 0);
        TrainingResult result = new DistributedTrainer(jsc, SPEC, plan, 1, 2, 64)
                .train(shards, null, initial, 12, 12, null);
        shards.unpersist(false);

        assertTrue(maxDifference(initial, plain) > 1e-3, "training moved the parameters");
        assertEquals(12, result.rounds().size());
        assertClose(plain, result.parameters(), 1e-5f);
    }

    /**
     * The round loop written out by hand: two replicas, each trains its shard for the round's
     * steps, parameters and momentum are averaged (equal weights); with server momentum beta the
     * trainable parameters then move by {@code v = beta v + (w - avg); w -= v}.
     */
    private static float[] handWrittenRounds(TrainingPlan plan, SyncSchedule sync, long total) {
        Normalization norm = new Normalization(SPEC.mean(), SPEC.std());
        TorchRuntime.useIntraOpThreads(1);
        float[] params = Replica.initialParameters(SPEC, SEED);
        float[] momentum = null;
        float[] velocity = new float[params.length];
        try (Replica a = Replica.create(SPEC, Device.cpu()); Replica b = Replica.create(SPEC, Device.cpu())) {
            ShardTrainer ta = new ShardTrainer(expectedShard(0, 2), 0, plan, norm);
            ShardTrainer tb = new ShardTrainer(expectedShard(1, 2), 1, plan, norm);
            int size = a.layout().size();
            int trainable = a.layout().trainableSize();
            long from = 0;
            for (int round = 0; from < total; round++) {
                long to = Math.min(total, from + (round < sync.warmupRounds() ? 1 : sync.every()));
                a.setState(params, momentum);
                b.setState(params, momentum);
                ta.train(a, from, to);
                tb.train(b, from, to);
                float[] pa = new float[size];
                float[] pb = new float[size];
                float[] ma = new float[trainable];
                float[] mb = new float[trainable];
                a.getState(pa, ma);
                b.getState(pb, mb);
                float[] next = new float[size];
                for (int p = 0; p < a.layout().count(); p++) {
                    int end = p + 1 < a.layout().count() ? a.layout().offset(p + 1) : size;
                    for (int i = a.layout().offset(p); i < end; i++) {
                        float avg = (float) (((double) pa[i] + pb[i]) / 2);
                        if (sync.serverMomentum() > 0 && a.layout().trainable(p)) {
                            velocity[i] = (float) sync.serverMomentum() * velocity[i] + (params[i] - avg);
                            next[i] = params[i] - velocity[i];
                        } else {
                            next[i] = avg;
                        }
                    }
                }
                params = next;
                momentum = new float[trainable];
                for (int i = 0; i < trainable; i++) {
                    momentum[i] = (float) (((double) ma[i] + mb[i]) / 2);
                }
                from = to;
            }
        }
        return params;
    }

    @Test
    void twoShardsAverageLikeAHandWrittenRoundLoop() {
        TrainingPlan plan = plan(0, false);
        SyncSchedule sync = SyncSchedule.every(3, 2);
        float[] expected = handWrittenRounds(plan, sync, 8);
        JavaRDD<ShardData> shards = ShardedTable.shuffled(train, 2, SEED, 0);
        TrainingResult result = new DistributedTrainer(jsc, SPEC, plan, 3, 2, 64)
                .train(shards, null, Replica.initialParameters(SPEC, SEED), 8, 6, null);
        shards.unpersist(false);

        assertEquals(3, result.rounds().size());
        assertEquals(2 * 16 * 8, result.trainedSamples());
        assertClose(expected, result.parameters(), 1e-5f);
    }

    @Test
    void warmupRoundsAndServerMomentumFollowTheirDefinition() {
        TrainingPlan plan = plan(0, false);
        SyncSchedule sync = new SyncSchedule(3, 2, 0.5, 2);
        float[] expected = handWrittenRounds(plan, sync, 9);
        float[] plain = handWrittenRounds(plan, SyncSchedule.every(3, 2), 9);
        JavaRDD<ShardData> shards = ShardedTable.shuffled(train, 2, SEED, 0);
        float[] initial = Replica.initialParameters(SPEC, SEED);
        int trainable;
        try (Replica probe = Replica.create(SPEC, Device.cpu())) {
            trainable = probe.layout().trainableSize();
        }
        TrainingResult result = new DistributedTrainer(jsc, SPEC, plan, sync, 64)
                .train(shards, null, TrainingState.initial(initial, trainable), 9, 6, null,
                        DistributedTrainer.Checkpointing.none(), null);
        shards.unpersist(false);

        // Rounds: steps {0}, {1}, then 3 at a time: {2,3,4}, {5,6,7}, {8}.
        assertEquals(5, result.rounds().size());
        assertEquals(List.of(0L, 1L, 2L, 5L, 8L), result.rounds().stream().map(RoundMetrics::firstStep).toList());
        assertClose(expected, result.parameters(), 1e-5f);
        assertTrue(maxDifference(expected, plain) > 1e-4, "server momentum changed the result");
    }

    @Test
    void divergingReplicaStopsTheRunNamingRoundAndShard() {
        TrainingPlan exploding = new TrainingPlan(16, SEED, new LearningRateSchedule(1e6, 0, 12, 1e6),
                new SgdSettings(0.9, 0), 0, false);
        JavaRDD<ShardData> shards = ShardedTable.shuffled(train, 2, SEED, 0);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> new DistributedTrainer(jsc, SPEC, exploding, 2, 2, 64)
                        .train(shards, null, Replica.initialParameters(SPEC, SEED), 12, 6, null));
        shards.unpersist(false);
        String message = String.valueOf(e.getMessage());
        assertTrue(message.contains("round ") && message.contains("shard ") && message.contains("loss"), message);
    }

    @Test
    void distributedEvaluationCountsEveryTestImageOnce() {
        Dataset<Row> test = ImageTable.read(spark, dir.resolve("table").toString())
                .filter(functions.col("split").equalTo("test"));
        JavaRDD<ShardData> shards = ShardedTable.plain(test, 3, 0);
        float[] params = Replica.initialParameters(SPEC, SEED);
        StepStats distributed = new DistributedTrainer(jsc, SPEC, plan(0, false), 1, 2, 7).evaluate(shards, params);
        shards.unpersist(false);
        assertEquals(60, distributed.samples());
        assertTrue(distributed.correct() >= 0 && distributed.correct() <= 60);
        assertTrue(Double.isFinite(distributed.meanLoss()));
    }

    /**
     * {@code train.precision} reaches the replicas that train and those that evaluate: on a CPU with
     * bfloat16 arithmetic the losses and parameters move away from float32's (a little); elsewhere the
     * replicas fall back to float32 and the run is the float32 run.
     */
    @Test
    void precisionReachesTheTrainingAndEvaluationReplicas() {
        TrainingPlan f32 = plan(0, false);
        TrainingPlan bf16 = new TrainingPlan(f32.batchSize(), f32.seed(), f32.schedule(), f32.sgd(), f32.cropPadding(),
                f32.flip(), Precision.BFLOAT16);
        float[] initial = Replica.initialParameters(SPEC, SEED);
        JavaRDD<ShardData> shards = ShardedTable.shuffled(train, 2, SEED, 0);
        JavaRDD<ShardData> test = ShardedTable.plain(ImageTable.read(spark, dir.resolve("table").toString())
                .filter(functions.col("split").equalTo("test")), 2, 0);
        TrainingResult a = new DistributedTrainer(jsc, SPEC, f32, 2, 2, 64).train(shards, null, initial, 4, 4, null);
        TrainingResult b = new DistributedTrainer(jsc, SPEC, bf16, 2, 2, 64).train(shards, null, initial, 4, 4, null);
        StepStats evalA = new DistributedTrainer(jsc, SPEC, f32, 1, 2, 16).evaluate(test, a.parameters());
        StepStats evalB = new DistributedTrainer(jsc, SPEC, bf16, 1, 2, 16).evaluate(test, a.parameters());
        shards.unpersist(false);
        test.unpersist(false);

        double lossA = a.rounds().get(0).loss();
        double lossB = b.rounds().get(0).loss();
        assertEquals(lossA, lossB, 0.05 * lossA, "bfloat16 trains the same model");
        assertEquals(evalA.meanLoss(), evalB.meanLoss(), 0.05 * evalA.meanLoss());
        if (BFloat16Support.of(Device.cpu()).available()) {
            assertNotEquals(lossA, lossB, "the first round's forward passes ran in bfloat16");
            assertTrue(maxDifference(a.parameters(), b.parameters()) > 0, "and so did the backward passes");
            assertNotEquals(evalA.meanLoss(), evalB.meanLoss(), "evaluation ran in bfloat16 too");
        } else {
            assertClose(a.parameters(), b.parameters(), 1e-5f);
        }
    }
}
