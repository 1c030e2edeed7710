package io.attnspark.ablation;

import io.attnspark.distributed.DistributedTrainer;
import io.attnspark.distributed.NativeCrashException;
import io.attnspark.distributed.TrainJob;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Runs the cells of an ablation on the same cached shards, side by side as far as the cluster's task slots
 * and {@code ablation.parallel-cells} allow, longest first ({@link CellSchedule}): each cell is a Spark job
 * of its own from a driver thread of its own, in its own job group (cancelled alone) and FAIR scheduler
 * pool. It skips cells already in the {@code runs} table, continues a cell from its checkpoints, records a
 * failed cell and goes on, and finally rewrites the {@code summary} table from every finished cell of the
 * plan and the {@code cells} table from the plan's cells. Results do not depend on how many cells run at
 * once: every cell is seeded by itself alone. The cells themselves are started and followed by a {@link
 * CellDispatcher}; this class holds what the job is run with and writes its tables.
 */
public final class AblationRunner {

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

    /**
     * Schema of the {@code cells} table: the cells of the last job's plan and what became of them; when a
     * cell ran in that job, when it started and ended and on how many executors its tasks ran (null for
     * cells an earlier job finished).
     */
    public static final StructType CELLS_SCHEMA =
            new StructType()
                    .add("run_id", DataTypes.StringType, false)
                    .add("variant", DataTypes.StringType, false)
                    .add("seed", DataTypes.LongType, false)
                    .add("status", DataTypes.StringType, false)
                    .add("error", DataTypes.StringType, true)
                    .add("started_at", DataTypes.TimestampType, true)
                    .add("finished_at", DataTypes.TimestampType, true)
                    .add("executors", DataTypes.IntegerType, true);

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
    private final ParallelCells parallel;
    private final CellProgress progress;
    private final AblationTables resultTables;

    /**
     * Creates a runner.
     *
     * @param spark the session
     * @param output the ablation's output folder: {@code tables/} and {@code cells/} go under it
     * @param dataSeed the seed that deals images to shards, the same for every cell so that the data is
     *     decoded once
     * @param parallel how many cells may run at once
     * @param console where progress lines go
     */
    public AblationRunner(SparkSession spark, String output, long dataSeed, ParallelCells parallel, PrintStream console) {
        this.spark = spark;
        this.output = output;
        this.dataSeed = dataSeed;
        this.parallel = parallel;
        this.progress = new CellProgress(console);
        this.resultTables = new AblationTables(spark, output + "/tables");
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
        if (!resultTables.exists("runs")) {
            return Set.of();
        }
        Set<String> ids = new HashSet<>();
        for (Row r : spark.read().parquet(tables() + "/runs").select("run_id").collectAsList()) {
            ids.add(r.getString(0));
        }
        return ids;
    }

    /**
     * Runs the plan, cells of equal estimated cost in plan order.
     *
     * @param plan the plan (for the summary's variant order and baselines)
     * @param cells the plan's cells with their settings, in plan order
     * @param listeners a fresh progress listener per cell (may supply null)
     * @return what happened
     */
    public Outcome run(AblationPlan plan, List<PlannedCell> cells, Supplier<DistributedTrainer.RoundListener> listeners) {
        return run(plan, cells, c -> 1.0, listeners);
    }

    /**
     * Runs the plan. An {@link Error} in a cell (or a cell's data that cannot be prepared) stops the job:
     * the running cells are cancelled, recorded nowhere, and continue from their checkpoints next time.
     *
     * @param plan the plan (for the summary's variant order and baselines)
     * @param cells the plan's cells with their settings, in plan order
     * @param cost each cell's estimated duration in any unit proportional to time: the longest start first
     * @param listeners a fresh progress listener per cell (may supply null), asked for in the order cells start
     * @return what happened
     */
    public Outcome run(AblationPlan plan, List<PlannedCell> cells, ToDoubleFunction<PlannedCell> cost,
            Supplier<DistributedTrainer.RoundListener> listeners) {
        List<CellDispatcher.Result> results = new CellDispatcher(spark, resultTables, progress, parallel, dataSeed,
                cells, cost, listeners).run(finishedRunIds());
        List<Summaries.Row> summary = resultTables.writeSummary(plan, cells);
        writeCells(cells, results);
        return new Outcome(results.stream().map(CellDispatcher.Result::status).toList(), summary);
    }

    /**
     * Rewrites the {@code cells} table: every cell of this job's plan with its status and, for a failed
     * cell, this job's error; for a cell this job ran, its start, end and executors. The report shows only
     * these cells' runs, so runs of an earlier plan or config in the same folder stay out of it.
     */
    private void writeCells(List<PlannedCell> cells, List<CellDispatcher.Result> results) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            PlannedCell pc = cells.get(i);
            CellDispatcher.Result r = results.get(i);
            String status = r.status() == Status.FAILED ? CELL_FAILED : CELL_FINISHED;
            rows.add(RowFactory.create(pc.runId(), pc.cell().variant(), pc.cell().seed(), status, r.error(),
                    r.startedAt(), r.finishedAt(), r.executors()));
        }
        resultTables.replace("cells", rows, CELLS_SCHEMA);
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

}
