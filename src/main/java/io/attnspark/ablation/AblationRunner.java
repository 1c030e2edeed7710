package io.attnspark.ablation;

import io.attnspark.distributed.DistributedTrainer;
import io.attnspark.distributed.NativeCrashException;
import io.attnspark.distributed.PreparedData;
import io.attnspark.distributed.TrainJob;
import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the cells of an ablation on the same cached shards, side by side as far as the cluster's task slots
 * and {@code ablation.parallel-cells} allow, longest first ({@link CellSchedule}): each cell is a Spark job
 * of its own from a driver thread of its own, in its own job group (cancelled alone) and FAIR scheduler
 * pool. It skips cells already in the {@code runs} table, continues a cell from its checkpoints, records a
 * failed cell and goes on, and finally rewrites the {@code summary} table from every finished cell of the
 * plan and the {@code cells} table from the plan's cells. Results do not depend on how many cells run at
 * once: every cell is seeded by itself alone.
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

    /** The local property that puts a thread's jobs into a FAIR scheduler pool. */
    private static final String POOL = "spark.scheduler.pool";

    private static final long OVERVIEW_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);

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
        SparkContext sc = spark.sparkContext();
        CellExecutors executors = new CellExecutors();
        sc.addSparkListener(executors);
        try {
            Grid grid = new Grid(cells, cost, listeners, executors);
            grid.run();
            List<Summaries.Row> summary = resultTables.writeSummary(plan, cells);
            writeCells(grid);
            return new Outcome(Arrays.asList(grid.statuses), summary);
        } finally {
            sc.removeSparkListener(executors);
        }
    }

    /** A cell this job started: where it stands. */
    private static final class Running {
        final CellSchedule.Cell cell;
        final String group;
        final String pool;
        final long startNanos = System.nanoTime();
        volatile double fraction;

        Running(CellSchedule.Cell cell, String group, String pool) {
            this.cell = cell;
            this.group = group;
            this.pool = pool;
        }
    }

    /** How a cell's thread ended, as it tells the dispatcher. */
    private record Ended(int index, TrainJob.Outcome outcome, Throwable error) {}

    /**
     * One job's pass over the grid. The calling thread dispatches: it prepares data, starts cells, records
     * their ends and prints the overview; each cell trains on a thread of its own.
     */
    private final class Grid {
        final List<PlannedCell> cells;
        final ToDoubleFunction<PlannedCell> cost;
        final Supplier<DistributedTrainer.RoundListener> listeners;
        final CellExecutors executors;
        final Status[] statuses;
        final String[] errors;
        final Timestamp[] startedAt;
        final Timestamp[] finishedAt;
        final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
        final Map<Integer, Running> running = new LinkedHashMap<>();
        final Map<String, PreparedData> data = new HashMap<>();
        final Map<String, Integer> cellsLeftOfData = new HashMap<>();
        List<CellSchedule.Cell> queue = new ArrayList<>();
        Throwable fatal;
        double finishedSeconds;
        double finishedCost;
        int done;

        Grid(List<PlannedCell> cells, ToDoubleFunction<PlannedCell> cost,
                Supplier<DistributedTrainer.RoundListener> listeners, CellExecutors executors) {
            this.cells = cells;
            this.cost = cost;
            this.listeners = listeners;
            this.executors = executors;
            int n = cells.size();
            statuses = new Status[n];
            errors = new String[n];
            startedAt = new Timestamp[n];
            finishedAt = new Timestamp[n];
        }

        void run() {
            Set<String> finished = finishedRunIds();
            for (int i = 0; i < cells.size(); i++) {
                PlannedCell pc = cells.get(i);
                if (finished.contains(pc.runId())) {
                    progress.cell(label(i), "finished by an earlier job, skipped");
                    statuses[i] = Status.SKIPPED;
                    done++;
                    continue;
                }
                queue.add(new CellSchedule.Cell(i, cost.applyAsDouble(pc), slotsOf(pc)));
                cellsLeftOfData.merge(dataKey(pc), 1, Integer::sum);
            }
            if (!parallel.oneAtATime()) {
                queue = CellSchedule.longestFirst(queue);
                warnUnlessFair();
            }
            ExecutorService threads = Executors.newCachedThreadPool(cellThreads());
            boolean interrupted = false;
            try {
                long lastOverview = System.nanoTime();
                while (!running.isEmpty() || (fatal == null && !queue.isEmpty())) {
                    startWhatFits(threads);
                    if (running.isEmpty()) {
                        break;
                    }
                    Ended end;
                    try {
                        end = ended.poll(Math.max(1, OVERVIEW_EVERY_NANOS - (System.nanoTime() - lastOverview)),
                                TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        interrupted = true;
                        stop(new IllegalStateException("the ablation job was interrupted", e));
                        continue;
                    }
                    if (end != null) {
                        ended(end);
                    }
                    if (end != null || System.nanoTime() - lastOverview >= OVERVIEW_EVERY_NANOS) {
                        progress.overview(done, cells.size(), running.size(), eta());
                        lastOverview = System.nanoTime();
                    }
                }
            } finally {
                threads.shutdown();
                data.values().forEach(PreparedData::release);
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (fatal instanceof Error e) {
                throw e;
            }
            if (fatal instanceof RuntimeException e) {
                throw e;
            }
            if (fatal != null) {
                throw new IllegalStateException(fatal);
            }
        }

        /** Starts queued cells while they fit (the slots are read again each time: executors come and go). */
        private void startWhatFits(ExecutorService threads) {
            while (fatal == null) {
                int slots = ClusterSlots.now(spark.sparkContext());
                int used = running.values().stream().mapToInt(r -> r.cell.slots()).sum();
                int next = CellSchedule.pick(queue, slots - used, running.size(), parallel.maxRunning());
                if (next < 0) {
                    return;
                }
                CellSchedule.Cell cell = queue.remove(next);
                PlannedCell pc = cells.get(cell.index());
                PreparedData prepared;
                try {
                    prepared = data.computeIfAbsent(dataKey(pc), k -> prepare(pc.settings()));
                } catch (RuntimeException e) {
                    stop(e);
                    return;
                }
                // Unique per attempt: a cancelled group stays cancelled for the session, and a resumed cell
                // in the same driver must not inherit that.
                String group = "attnspark-cell-" + pc.runId() + "-" + UUID.randomUUID().toString().substring(0, 8);
                Running r = new Running(cell, group, "cell " + pc.runId());
                running.put(cell.index(), r);
                startedAt[cell.index()] = Timestamp.from(Instant.now());
                DistributedTrainer.RoundListener supplied = listeners.get();
                progress.cell(label(cell.index()), String.format(Locale.ROOT, "started (%s, %d replicas)", pc.runId(),
                        prepared.shards()));
                threads.execute(() -> train(cell.index(), r, prepared, supplied));
            }
        }

        /** A cell's thread: its own job group and pool, so it is scheduled fairly and cancelled alone. */
        private void train(int index, Running r, PreparedData prepared, DistributedTrainer.RoundListener supplied) {
            PlannedCell pc = cells.get(index);
            String label = label(index);
            SparkContext sc = spark.sparkContext();
            sc.setJobGroup(r.group, label + " " + pc.runId(), false);
            sc.setLocalProperty(POOL, r.pool);
            sc.setLocalProperty(CellExecutors.PROPERTY, pc.runId());
            try {
                DistributedTrainer.RoundListener listener = (m, total, elapsed) -> {
                    r.fraction = (m.round() + 1.0) / total;
                    if (m.evaluated()) {
                        progress.cell(label, String.format(Locale.ROOT, "epoch %.2f: test top-1 %.4f, train loss %.4f",
                                m.epoch(), m.testAccuracy(), m.loss()));
                    }
                    if (supplied != null) {
                        supplied.roundFinished(m, total, elapsed);
                    }
                };
                TrainJob.Outcome outcome = new TrainJob(spark, pc.settings()).train(prepared, pc.runId(), tables(),
                        pc.cell().variant(), listener);
                ended.add(new Ended(index, outcome, null));
            } catch (Throwable t) { // Spark's exceptions are checked in Java's eyes: the dispatcher sorts them
                ended.add(new Ended(index, null, t));
            } finally {
                sc.clearJobGroup();
                sc.setLocalProperty(POOL, null);
                sc.setLocalProperty(CellExecutors.PROPERTY, null);
            }
        }

        /** Records a cell's end: finished, failed (the others go on), or fatal (the job stops). */
        private void ended(Ended end) {
            int i = end.index();
            Running r = running.remove(i);
            PlannedCell pc = cells.get(i);
            String key = dataKey(pc);
            if (cellsLeftOfData.merge(key, -1, Integer::sum) == 0) {
                PreparedData d = data.remove(key);
                if (d != null) {
                    d.release();
                }
            }
            finishedAt[i] = Timestamp.from(Instant.now());
            String label = label(i);
            if (end.error() == null) {
                TrainJob.Outcome o = end.outcome();
                progress.cell(label, String.format(Locale.ROOT, "finished: test top-1 %.4f, %.0f img/s, %.0f s",
                        o.testImages() > 0 ? o.result().lastEvaluated().testAccuracy() : Double.NaN,
                        o.result().imagesPerSecond(), o.result().wallSeconds()));
                statuses[i] = Status.FINISHED;
                finishedSeconds += (System.nanoTime() - r.startNanos) / 1e9;
                finishedCost += r.cell.seconds();
                done++;
            } else if (fatal != null) {
                progress.cell(label, "stopped with the job; it continues from its checkpoints next time");
            } else if (end.error() instanceof Error e) {
                LOG.error("{} stopped the job", label, e);
                progress.cell(label, "FATAL: " + describe(e));
                stop(e);
            } else {
                LOG.error("{} failed", label, end.error());
                String message = describe(end.error());
                progress.cell(label, "FAILED: " + message);
                resultTables.recordFailure(pc, message);
                statuses[i] = Status.FAILED;
                errors[i] = message;
                done++;
            }
        }

        /** Stops the job: nothing more starts, and the running cells' jobs are cancelled. */
        private void stop(Throwable cause) {
            if (fatal != null) {
                return;
            }
            fatal = cause;
            for (Running r : running.values()) {
                spark.sparkContext().cancelJobGroupAndFutureJobs(r.group, "the ablation job is stopping: " + cause);
            }
        }

        /**
         * The time left: the rest of the schedule simulated with the cells' costs converted to seconds at the
         * rate the cells of this job have run so far; NaN until one has made progress.
         */
        private double eta() {
            double seconds = finishedSeconds;
            double costDone = finishedCost;
            for (Running r : running.values()) {
                if (r.fraction > 0) {
                    seconds += (System.nanoTime() - r.startNanos) / 1e9;
                    costDone += r.cell.seconds() * r.fraction;
                }
            }
            if (costDone <= 0) {
                return running.isEmpty() && queue.isEmpty() ? 0 : Double.NaN;
            }
            double perCost = seconds / costDone;
            List<CellSchedule.Cell> left = new ArrayList<>();
            for (Running r : running.values()) {
                left.add(new CellSchedule.Cell(r.cell.index(), r.cell.seconds() * (1 - r.fraction) * perCost,
                        r.cell.slots()));
            }
            List<CellSchedule.Cell> queued = new ArrayList<>();
            for (CellSchedule.Cell c : queue) {
                queued.add(new CellSchedule.Cell(c.index(), c.seconds() * perCost, c.slots()));
            }
            return CellSchedule.simulate(left, fatal == null ? queued : List.of(),
                    ClusterSlots.now(spark.sparkContext()), parallel.maxRunning()).makespan();
        }

        private String label(int i) {
            PlannedCell pc = cells.get(i);
            return String.format(Locale.ROOT, "cell %d/%d %s seed %d", i + 1, cells.size(), pc.cell().variant(),
                    pc.cell().seed());
        }
    }

    private PreparedData prepare(TrainJob.Settings s) {
        return PreparedData.prepare(spark, s.data(), s.shards(), dataSeed);
    }

    private String dataKey(PlannedCell pc) {
        TrainJob.Settings s = pc.settings();
        return PreparedData.keyOf(s.data(), s.shards(), dataSeed);
    }

    /** The task slots a cell takes: one per replica. */
    private int slotsOf(PlannedCell pc) {
        int shards = pc.settings().shards();
        return shards > 0 ? shards : spark.sparkContext().defaultParallelism();
    }

    private void warnUnlessFair() {
        String mode = spark.sparkContext().getConf().get("spark.scheduler.mode", "FIFO");
        if (!"FAIR".equalsIgnoreCase(mode)) {
            LOG.warn("spark.scheduler.mode is {}: cells side by side still run, but the cell that started first gets"
                    + " free slots first; set spark.scheduler.mode=FAIR for one fair share per cell", mode);
        }
    }

    private static java.util.concurrent.ThreadFactory cellThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, "ablation-cell-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Rewrites the {@code cells} table: every cell of this job's plan with its status and, for a failed
     * cell, this job's error; for a cell this job ran, its start, end and executors. The report shows only
     * these cells' runs, so runs of an earlier plan or config in the same folder stay out of it.
     */
    private void writeCells(Grid grid) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < grid.cells.size(); i++) {
            PlannedCell pc = grid.cells.get(i);
            String status = grid.statuses[i] == Status.FAILED ? CELL_FAILED : CELL_FINISHED;
            Integer executors = grid.startedAt[i] == null ? null : grid.executors.of(pc.runId());
            rows.add(RowFactory.create(pc.runId(), pc.cell().variant(), pc.cell().seed(), status, grid.errors[i],
                    grid.startedAt[i], grid.finishedAt[i], executors));
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
