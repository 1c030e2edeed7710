package io.attnspark.ablation;

import io.attnspark.dist.ImageTable;
import io.attnspark.dist.DistributedTrainer;
import io.attnspark.dist.NativeCrashException;
import io.attnspark.dist.PreparedData;
import io.attnspark.dist.TrainJob;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the cells of an ablation one after another on the same cached shards, skipping cells already in
 * the {@code runs} table, continuing a cell from its checkpoints, recording a failed cell and going on,
 * and finally rewriting the {@code summary} table from every finished cell of the plan and the {@code cells}
 * table from the plan's cells.
 */
public final class AblationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(AblationRunner.class);

    /** Schema of the {@code failures} table: one row per failed attempt at a cell. */
    public static final StructType FAILURES_SCHEMA =
            new StructType()
                    .add("run_id", DataTypes.StringType, false)
                    .add("variant", DataTypes.StringType, false)
                    .add("seed", DataTypes.LongType, false)
                    .add("failed_at", DataTypes.TimestampType, false)
                    .add("error", DataTypes.StringType, false);

    /** {@code status} of a cell in the {@code cells} table that has a row in {@code runs} (now or before). */
    public static final String CELL_FINISHED = "finished";

    /** {@code status} of a cell in the {@code cells} table that failed in the last job. */
    public static final String CELL_FAILED = "failed";

    /** Schema of the {@code cells} table: the cells of the last job's plan and what became of them. */
    public static final StructType CELLS_SCHEMA =
            new StructType()
                    .add("run_id", DataTypes.StringType, false)
                    .add("variant", DataTypes.StringType, false)
                    .add("seed", DataTypes.LongType, false)
                    .add("status", DataTypes.StringType, false)
                    .add("error", DataTypes.StringType, true);

    /**
     * A cell with its run id and its training settings (output under the ablation's {@code cells/}).
     *
     * @param cell the cell
     * @param runId its run id
     * @param settings its training settings
     */
    public record PlannedCell(AblationPlan.Cell cell, String runId, TrainJob.Settings settings) {}

    /** What became of a cell. */
    public enum Status {
        /** Finished by an earlier job: skipped. */
        SKIPPED,
        /** Trained by this job. */
        FINISHED,
        /** Failed; recorded in the {@code failures} table. */
        FAILED
    }

    /**
     * What the job did.
     *
     * @param statuses each cell's status, in plan order
     * @param summary the summary rows written
     */
    public record Outcome(List<Status> statuses, List<Summaries.Row> summary) {

        /**
         * Returns the number of failed cells.
         *
         * @return failed cells
         */
        public long failed() {
            return statuses.stream().filter(s -> s == Status.FAILED).count();
        }
    }

    private final SparkSession spark;
    private final String output;
    private final long dataSeed;
    private final PrintStream console;

    /**
     * Creates a runner.
     *
     * @param spark the session
     * @param output the ablation's output folder: {@code tables/} and {@code cells/} go under it
     * @param dataSeed the seed that deals images to shards, the same for every cell so that the data is
     *     decoded once
     * @param console where progress lines go
     */
    public AblationRunner(SparkSession spark, String output, long dataSeed, PrintStream console) {
        this.spark = spark;
        this.output = output;
        this.dataSeed = dataSeed;
        this.console = console;
    }

    /**
     * Returns the folder of the result tables.
     *
     * @return {@code <output>/tables}
     */
    public String tables() {
        return output + "/tables";
    }

    /**
     * Returns the run ids already in the {@code runs} table.
     *
     * @return finished run ids
     */
    public Set<String> finishedRunIds() {
        if (!exists(tables() + "/runs")) {
            return Set.of();
        }
        Set<String> ids = new HashSet<>();
        for (Row r : spark.read().parquet(tables() + "/runs").select("run_id").collectAsList()) {
            ids.add(r.getString(0));
        }
        return ids;
    }

    /**
     * Runs the plan.
     *
     * @param plan the plan (for the summary's variant order and baselines)
     * @param cells the plan's cells with their settings, in run order
     * @param listeners a fresh progress listener per cell (may supply null)
     * @return what happened
     */
    public Outcome run(AblationPlan plan, List<PlannedCell> cells, Supplier<DistributedTrainer.RoundListener> listeners) {
        Set<String> finished = finishedRunIds();
        List<Status> statuses = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        PreparedData data = null;
        try {
            for (int i = 0; i < cells.size(); i++) {
                PlannedCell pc = cells.get(i);
                String where = String.format(Locale.ROOT, "cell %d/%d %s seed %d (%s)", i + 1, cells.size(),
                        pc.cell().variant(), pc.cell().seed(), pc.runId());
                if (finished.contains(pc.runId())) {
                    console.println(where + ": finished by an earlier job, skipped");
                    statuses.add(Status.SKIPPED);
                    errors.add(null);
                    continue;
                }
                TrainJob.Settings s = pc.settings();
                String key = PreparedData.keyOf(s.table(), s.trainLimit(), s.testLimit(), s.shards(), dataSeed);
                if (data == null || !data.key().equals(key)) {
                    if (data != null) {
                        data.release();
                        data = null;
                    }
                    data = PreparedData.prepare(spark, s.table(), s.trainLimit(), s.testLimit(), s.shards(), dataSeed);
                }
                console.println(where + ": training");
                console.flush();
                try {
                    TrainJob.Outcome done = new TrainJob(spark, s).train(data, pc.runId(), tables(),
                            pc.cell().variant(), listeners.get());
                    console.println(String.format(Locale.ROOT, "%s: test top-1 %.4f, %.0f img/s, %.0f s", where,
                            done.testImages() > 0 ? done.result().lastEvaluated().testAccuracy() : Double.NaN,
                            done.result().imagesPerSecond(), done.result().wallSeconds()));
                    statuses.add(Status.FINISHED);
                    errors.add(null);
                } catch (RuntimeException e) {
                    LOG.error("{} failed", where, e);
                    String message = describe(e);
                    console.println(where + ": FAILED: " + message);
                    recordFailure(pc, message);
                    statuses.add(Status.FAILED);
                    errors.add(message);
                }
                console.flush();
            }
        } finally {
            if (data != null) {
                data.release();
            }
        }
        List<Summaries.Row> summary = writeSummary(plan, cells);
        writeCells(cells, statuses, errors);
        return new Outcome(statuses, summary);
    }

    /**
     * Rewrites the {@code summary} table from the plan's finished runs (atomically: a temporary table,
     * then a rename over the old one).
     *
     * @param plan the plan
     * @param cells its cells with run ids
     * @return the rows written
     */
    public List<Summaries.Row> writeSummary(AblationPlan plan, List<PlannedCell> cells) {
        Set<String> ids = new HashSet<>();
        cells.forEach(c -> ids.add(c.runId()));
        List<Summaries.Run> runs = new ArrayList<>();
        if (exists(tables() + "/runs")) {
            List<Row> rows = spark.read().parquet(tables() + "/runs")
                    .select(functions.col("run_id"), functions.col("variant"),
                            functions.col("config").getItem("model.attention"), functions.col("seed"),
                            functions.col("params"), functions.col("macs"), functions.col("final_test_top1"),
                            functions.col("final_test_top5"), functions.col("images_per_s"))
                    .collectAsList();
            for (Row r : rows) {
                if (ids.contains(r.getString(0))) {
                    runs.add(new Summaries.Run(r.getString(1), r.isNullAt(2) ? "none" : r.getString(2), r.getLong(3),
                            r.getLong(4), r.getLong(5), r.getDouble(6), r.isNullAt(7) ? null : r.getDouble(7),
                            r.getDouble(8)));
                }
            }
        }
        List<Summaries.Row> summary = Summaries.summarise(runs, plan.variants(), plan.baselineOf());
        List<Row> rows = new ArrayList<>();
        summary.forEach(r -> rows.add(RowFactory.create(r.values())));
        replaceTable("summary", rows, SummaryTable.SCHEMA);
        return summary;
    }

    /**
     * Rewrites the {@code cells} table: every cell of this job's plan with its status and, for a failed
     * cell, this job's error. The report shows only these cells' runs, so runs of an earlier plan or
     * config in the same folder stay out of it.
     */
    private void writeCells(List<PlannedCell> cells, List<Status> statuses, List<String> errors) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            PlannedCell pc = cells.get(i);
            String status = statuses.get(i) == Status.FAILED ? CELL_FAILED : CELL_FINISHED;
            rows.add(RowFactory.create(pc.runId(), pc.cell().variant(), pc.cell().seed(), status, errors.get(i)));
        }
        replaceTable("cells", rows, CELLS_SCHEMA);
    }

    /** Writes a small table to a temporary path, then renames it over the old one. */
    private void replaceTable(String name, List<Row> rows, StructType schema) {
        String path = tables() + "/" + name;
        String tmp = path + "._tmp-" + UUID.randomUUID();
        spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(tmp);
        try {
            Path target = new Path(path);
            ImageTable.replace(target.getFileSystem(spark.sparkContext().hadoopConfiguration()), new Path(tmp), target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + name + " table " + path + ": " + e.getMessage(), e);
        }
    }

    private void recordFailure(PlannedCell pc, String message) {
        spark.createDataFrame(List.of(RowFactory.create(pc.runId(), pc.cell().variant(), pc.cell().seed(),
                        Timestamp.from(Instant.now()), message)), FAILURES_SCHEMA)
                .coalesce(1).write().mode(SaveMode.Append).parquet(tables() + "/failures");
    }

    /**
     * The innermost cause's message (Spark wraps task failures, with whole stack traces, several times);
     * for a native crash, its own message (its cause is only the job Spark cancelled).
     */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof NativeCrashException)) {
            root = root.getCause();
        }
        String text = root.getClass().getSimpleName() + ": " + root.getMessage();
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "...";
    }

    private boolean exists(String path) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
