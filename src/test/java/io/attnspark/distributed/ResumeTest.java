package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.TestImages;
import io.attnspark.TestModels;
import io.attnspark.TestSpark;
import io.attnspark.data.BadInputException;
import io.attnspark.model.Architecture;
import io.attnspark.train.Precision;
import io.attnspark.train.SgdSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** A run killed after a round and resumed ends exactly where an uninterrupted run ends. */
class ResumeTest {

    private static TrainJob.Settings settings(String table, String output, boolean resume, int keep) {
        return settings(table, output, resume, keep, Precision.FLOAT32);
    }

    private static TrainJob.Settings settings(String table, String output, boolean resume, int keep,
            Precision precision) {
        return new TrainJob.Settings(new DataSettings(table, 0, 0), new Architecture("resnet-cifar", 8, "none", null, false),
                new TrainingSettings(2, 16, new TrainingSettings.LearningRate(0.05, 0, 0.25), new SgdSettings(0.9, 5e-4),
                        new TrainingSettings.Augmentation(2, true), 11, 64, precision),
                2, new SyncSchedule(2, 1, 0.3, 2), new CheckpointSettings(1, keep, resume), output,
                new StoredConfig("{}", Map.of("k", "v")));
    }

    /** Exact in both precisions: bfloat16 replicas are as deterministic as float32 ones, and the state is float32. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void killedAndResumedRunEqualsAnUninterruptedRun(Precision precision, @TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 130, 30, 10, 4);
        String whole = dir.resolve("whole").toString();
        String killed = dir.resolve("killed").toString();

        TrainJob.Outcome reference = new TrainJob(spark, settings(table, whole, false, 3, precision)).run(null);
        int rounds = reference.result().rounds().size();
        assertTrue(rounds >= 4, "enough rounds to interrupt: " + rounds);

        RuntimeException kill = new IllegalStateException("killed for the test");
        assertThrows(IllegalStateException.class, () -> new TrainJob(spark, settings(table, killed, false, 2, precision)).run(
                (metrics, total, elapsed) -> {
                    if (metrics.round() == 2) {
                        throw kill;
                    }
                }));
        assertTrue(Files.notExists(Path.of(killed, "model")), "no model from the killed run");
        try (var checkpoints = Files.list(Path.of(killed, "checkpoints"))) {
            assertEquals(2, checkpoints.filter(p -> p.getFileName().toString().startsWith("round-")).count(),
                    "checkpoint.keep = 2");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        BadInputException notResumed = assertThrows(BadInputException.class,
                () -> new TrainJob(spark, settings(table, killed, false, 2, precision)).run(null));
        assertTrue(notResumed.getMessage().contains("--resume"), notResumed.getMessage());

        TrainJob.Outcome resumed = new TrainJob(spark, settings(table, killed, true, 2, precision)).run(null);
        assertArrayEquals(TestModels.parameters(whole), TestModels.parameters(killed));
        assertEquals(rounds, resumed.result().rounds().size());

        Dataset<Row> roundsTable = spark.read().parquet(killed + "/tables/rounds");
        assertEquals(rounds, roundsTable.count());
        assertEquals(rounds, roundsTable.select("round").distinct().count(), "no round twice");
        assertEquals(reference.result().lastEvaluated().testAccuracy(), resumed.result().lastEvaluated().testAccuracy());

        // Resuming a finished run writes nothing twice.
        new TrainJob(spark, settings(table, killed, true, 2, precision)).run(null);
        assertEquals(1, spark.read().parquet(killed + "/tables/runs").count());
        assertEquals(rounds, spark.read().parquet(killed + "/tables/rounds").count());
    }

    /** Kills a run after its first round, leaving that round's checkpoint. */
    private static void killAfterTheFirstRound(SparkSession spark, String table, String output, Precision precision) {
        assertThrows(IllegalStateException.class, () -> new TrainJob(spark, settings(table, output, false, 2, precision))
                .run((metrics, total, elapsed) -> {
                    throw new IllegalStateException("killed for the test");
                }));
    }

    @Test
    void aRunKeepsItsPrecisionOnResume(@TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 70, 10, 10, 4);

        String f32 = dir.resolve("f32").toString();
        killAfterTheFirstRound(spark, table, f32, Precision.FLOAT32);
        BadInputException toBf16 = assertThrows(BadInputException.class,
                () -> new TrainJob(spark, settings(table, f32, true, 2, Precision.BFLOAT16)).run(null));
        assertTrue(toBf16.getMessage().startsWith("train.precision = bfloat16, but the run checkpointed under " + f32)
                && toBf16.getMessage().contains("trained with train.precision = float32"), toBf16.getMessage());

        String bf16 = dir.resolve("bf16").toString();
        killAfterTheFirstRound(spark, table, bf16, Precision.BFLOAT16);
        BadInputException toF32 = assertThrows(BadInputException.class,
                () -> new TrainJob(spark, settings(table, bf16, true, 2, Precision.FLOAT32)).run(null));
        assertTrue(toF32.getMessage().contains("train.precision = float32")
                && toF32.getMessage().contains("train.precision = bfloat16"), toF32.getMessage());
        TrainJob.Outcome resumed = new TrainJob(spark, settings(table, bf16, true, 2, Precision.BFLOAT16)).run(null);
        assertEquals(1, spark.read().parquet(bf16 + "/tables/runs").count(), "the same precision resumes");
        assertTrue(resumed.result().rounds().size() > 1);
    }

    @Test
    void anotherSettingBesidesThePrecisionGetsTheGeneralMessage() {
        String saved = "{spec} TrainingPlan[batchSize=16] shards=2";
        TrainJob.checkSamePrecision(saved, "{spec} TrainingPlan[batchSize=32] precision=bfloat16 shards=2",
                Precision.BFLOAT16, "out"); // not the precision's message: the caller lists both fingerprints
        BadInputException e = assertThrows(BadInputException.class, () -> TrainJob.checkSamePrecision(saved,
                "{spec} TrainingPlan[batchSize=16] precision=bfloat16 shards=2", Precision.BFLOAT16, "out"));
        assertTrue(e.getMessage().contains("train.precision = float32"), e.getMessage());
    }
}
