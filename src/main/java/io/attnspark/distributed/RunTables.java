package io.attnspark.distributed;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code runs} and {@code rounds} result tables (Parquet, appended, keyed by run id). Spark's
 * file committer makes each append all-or-nothing; appends to one table take turns ({@link TableWriters}),
 * as the concurrent cells of an ablation would otherwise break each other's commits.
 */
public final class RunTables {

    /** Schema of the {@code rounds} table: one row per round of each run. */
    public static final StructType ROUNDS_SCHEMA =
            new StructType()
                    .add("run_id", DataTypes.StringType, false)
                    .add("round", DataTypes.IntegerType, false)
                    .add("epoch", DataTypes.DoubleType, false)
                    .add("first_step", DataTypes.LongType, false)
                    .add("steps", DataTypes.IntegerType, false)
                    .add("learning_rate", DataTypes.DoubleType, false)
                    .add("samples", DataTypes.LongType, false)
                    .add("train_loss", DataTypes.DoubleType, false)
                    .add("train_top1", DataTypes.DoubleType, false)
                    .add("test_loss", DataTypes.DoubleType, true)
                    .add("test_top1", DataTypes.DoubleType, true)
                    .add("test_top5", DataTypes.DoubleType, true)
                    .add("round_s", DataTypes.DoubleType, false)
                    .add("compute_s", DataTypes.DoubleType, false)
                    .add("load_s", DataTypes.DoubleType, false)
                    .add("aggregate_s", DataTypes.DoubleType, false)
                    .add("broadcast_s", DataTypes.DoubleType, false)
                    .add("checkpoint_s", DataTypes.DoubleType, false)
                    .add("eval_s", DataTypes.DoubleType, false)
                    .add("task_min_s", DataTypes.DoubleType, false)
                    .add("task_median_s", DataTypes.DoubleType, false)
                    .add("task_max_s", DataTypes.DoubleType, false)
                    // Nullable: rounds written before the columns existed read back as null.
                    .add("sync_bytes_driver", DataTypes.LongType, true)
                    .add("sync_bytes_task_max", DataTypes.LongType, true);

    /** Schema of the {@code runs} table: one row per finished run ({@link RunRow} declares its columns). */
    public static final StructType RUNS_SCHEMA = RunRow.SCHEMA;

    private RunTables() {}

    /**
     * Appends a run's rounds.
     *
     * @param spark the session
     * @param path the {@code rounds} table's path
     * @param runId the run
     * @param rounds the rounds
     */
    public static void appendRounds(SparkSession spark, String path, String runId, List<RoundMetrics> rounds) {
        List<Row> rows = new ArrayList<>();
        for (RoundMetrics r : rounds) {
            rows.add(RowFactory.create(
                    runId,
                    r.round(),
                    r.epoch(),
                    r.firstStep(),
                    r.steps(),
                    r.learningRate(),
                    r.samples(),
                    r.loss(),
                    r.trainAccuracy(),
                    r.evaluated() ? r.testLoss() : null,
                    r.evaluated() ? r.testAccuracy() : null,
                    r.evaluated() ? r.testTop5() : null,
                    r.roundSeconds(),
                    r.computeSeconds(),
                    r.loadSeconds(),
                    r.aggregateSeconds(),
                    r.broadcastSeconds(),
                    r.checkpointSeconds(),
                    r.evalSeconds(),
                    r.taskMinSeconds(),
                    r.taskMedianSeconds(),
                    r.taskMaxSeconds(),
                    r.syncBytesDriver(),
                    r.syncBytesTaskMax()));
        }
        TableWriters.exclusively(path,
                () -> spark.createDataFrame(rows, ROUNDS_SCHEMA).coalesce(1).write().mode(SaveMode.Append).parquet(path));
    }

    /**
     * Appends one run.
     *
     * @param spark the session
     * @param path the {@code runs} table's path
     * @param run the run's row
     */
    public static void appendRun(SparkSession spark, String path, RunRow run) {
        TableWriters.exclusively(path, () -> spark.createDataFrame(List.of(run.toRow()), RUNS_SCHEMA)
                .coalesce(1)
                .write()
                .mode(SaveMode.Append)
                .parquet(path));
    }
}
