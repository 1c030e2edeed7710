package io.attnspark.score;

import io.attnspark.distributed.ImageTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.JobExecutionStatus;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * The {@code predictions} table (Parquet): one row per scored input row, with
 * <ul>
 *   <li>{@code id} (string): the input's id — the table's id column, or the file's path relative to
 *       the folder;
 *   <li>{@code labels} (array&lt;string&gt;): the top-k class names, most probable first (the class
 *       index as text where the model has no name for it);
 *   <li>{@code indices} (array&lt;int&gt;): the top-k class indices;
 *   <li>{@code probabilities} (array&lt;float&gt;): their softmax probabilities;
 *   <li>{@code model_id} (string): the model's id ({@link ScoringModel#id()});
 *   <li>{@code error} (string): null when scored; otherwise why the row could not be scored (no image,
 *       an undecodable image, a size the model does not take), and the three arrays are null.
 * </ul>
 * The Transformer's output column is a struct of the same fields after {@code id}.
 *
 * <p>Writes are all-or-nothing and idempotent: rows go to a temporary sibling that replaces the
 * table only once every row is written and counted (from the written files' Parquet footers), so a
 * rerun replaces the table and a failed job leaves an earlier table as it was.
 */
public final class PredictionsTable {

    /** Column: the input row's id. */
    public static final String ID = "id";
    /** Column: top-k class names. */
    public static final String LABELS = "labels";
    /** Column: top-k class indices. */
    public static final String INDICES = "indices";
    /** Column: top-k probabilities. */
    public static final String PROBABILITIES = "probabilities";
    /** Column: the model id. */
    public static final String MODEL_ID = "model_id";
    /** Column: why the row was not scored, or null. */
    public static final String ERROR = "error";

    /** The Transformer's output struct: every column but {@code id}. */
    public static final StructType PREDICTION = new StructType(new StructField[] {
        DataTypes.createStructField(LABELS, DataTypes.createArrayType(DataTypes.StringType, false), true),
        DataTypes.createStructField(INDICES, DataTypes.createArrayType(DataTypes.IntegerType, false), true),
        DataTypes.createStructField(PROBABILITIES, DataTypes.createArrayType(DataTypes.FloatType, false), true),
        DataTypes.createStructField(MODEL_ID, DataTypes.StringType, false),
        DataTypes.createStructField(ERROR, DataTypes.StringType, true),
    });

    private static final String JOB_GROUP = "spark.jobGroup.id";
    private static final long TASK_WAIT_NANOS = 60_000_000_000L;

    private PredictionsTable() {}

    /**
     * Row counts of a written table.
     *
     * @param rows all rows
     * @param scored rows without an error
     * @param errors rows with an error
     * @param writeSeconds time spent computing and writing the rows (0 when only counted)
     */
    public record Counts(long rows, long scored, long errors, double writeSeconds) {}

    /**
     * Flattens a transformed dataset into the table's columns.
     *
     * @param transformed the Transformer's output
     * @param idColumn the input's id column (cast to string)
     * @param predictionColumn the Transformer's output column
     * @return the predictions, in the table's column order
     */
    public static Dataset<Row> select(Dataset<Row> transformed, String idColumn, String predictionColumn) {
        Column p = functions.col(predictionColumn);
        return transformed.select(
                functions.col(idColumn).cast(DataTypes.StringType).as(ID),
                p.getField(LABELS).as(LABELS),
                p.getField(INDICES).as(INDICES),
                p.getField(PROBABILITIES).as(PROBABILITIES),
                p.getField(MODEL_ID).as(MODEL_ID),
                p.getField(ERROR).as(ERROR));
    }

    /**
     * Writes the predictions atomically, replacing any table at the path, after checking that the
     * written table has as many rows as the input.
     *
     * @param spark the session
     * @param predictions the rows, as from {@link #select}
     * @param outPath the table path (any Hadoop file system)
     * @param expectedRows the number of input rows
     * @return the written table's counts
     * @throws IllegalStateException if the rows written differ from {@code expectedRows}; nothing is
     *     left at the output then, and an earlier table stays
     */
    public static Counts write(SparkSession spark, Dataset<Row> predictions, String outPath, long expectedRows) {
        try {
            Path out = new Path(outPath);
            FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
            out = fs.makeQualified(out);
            Path tmp = new Path(out.getParent(), out.getName() + "._tmp-" + UUID.randomUUID());
            SparkContext sc = spark.sparkContext();
            String group = "attnspark-predictions-" + UUID.randomUUID();
            String previousGroup = sc.getLocalProperty(JOB_GROUP);
            try {
                sc.setLocalProperty(JOB_GROUP, group);
                long start = System.nanoTime();
                try {
                    predictions.write().mode(SaveMode.ErrorIfExists).parquet(tmp.toString());
                } catch (Exception | Error e) { // Spark's SparkException is checked in Java's eyes
                    // Spark reports a failed job before its other tasks have stopped, and a task still
                    // running would write into the temporary path after it was deleted.
                    awaitTasks(sc, group, e);
                    throw e;
                } finally {
                    sc.setLocalProperty(JOB_GROUP, previousGroup);
                }
                double writeSeconds = (System.nanoTime() - start) / 1e9;
                Counts counts = countWritten(spark, fs, tmp);
                if (counts.rows() != expectedRows) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "rows out != rows in: the predictions have %d rows, the input %d; nothing was written to %s",
                            counts.rows(), expectedRows, out));
                }
                ImageTable.replace(fs, tmp, out);
                return new Counts(counts.rows(), counts.scored(), counts.errors(), writeSeconds);
            } catch (Exception | Error e) {
                deleteQuietly(fs, tmp, e);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write predictions to " + outPath + ": " + e.getMessage(), e);
        }
    }

    /**
     * Counts rows, scored rows and error rows.
     *
     * @param table a predictions table
     * @return the counts
     */
    public static Counts count(Dataset<Row> table) {
        Row r = table.agg(functions.count(functions.lit(1)), functions.count(functions.col(ERROR))).first();
        long rows = r.getLong(0);
        long errors = r.getLong(1);
        return new Counts(rows, rows - errors, errors, 0);
    }

    /**
     * Counts the rows of the written files from their Parquet footers (row group row counts, and
     * the {@code error} column's null count), which needs no Spark job and is independent of the
     * code that produced the rows; falls back to reading the table with Spark when there are many
     * files or a footer lacks the null count.
     */
    private static Counts countWritten(SparkSession spark, FileSystem fs, Path table) throws IOException {
        List<FileStatus> files = ParquetFooters.dataFiles(fs, table);
        if (files.size() <= ParquetFooters.MAX_FILES) {
            ParquetFooters.Counts c =
                    ParquetFooters.count(spark.sparkContext().hadoopConfiguration(), files, ERROR);
            if (c.nonNull() >= 0) {
                return new Counts(c.rows(), c.rows() - c.nonNull(), c.nonNull(), 0);
            }
        }
        return count(spark.read().parquet(table.toString()));
    }

    private static void awaitTasks(SparkContext sc, String group, Throwable failure) {
        try {
            sc.cancelJobGroup(group);
            SparkStatusTracker tracker = sc.statusTracker();
            long deadline = System.nanoTime() + TASK_WAIT_NANOS;
            while (System.nanoTime() < deadline && hasActiveTasks(tracker, group)) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(e);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static boolean hasActiveTasks(SparkStatusTracker tracker, String group) {
        for (int job : tracker.getJobIdsForGroup(group)) {
            Option<SparkJobInfo> info = tracker.getJobInfo(job);
            if (info.isEmpty()) {
                continue;
            }
            if (info.get().status() == JobExecutionStatus.RUNNING) {
                return true;
            }
            for (int stage : info.get().stageIds()) {
                Option<SparkStageInfo> s = tracker.getStageInfo(stage);
                if (s.isDefined() && s.get().numActiveTasks() > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void deleteQuietly(FileSystem fs, Path tmp, Throwable failure) {
        try {
            fs.delete(tmp, true);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
