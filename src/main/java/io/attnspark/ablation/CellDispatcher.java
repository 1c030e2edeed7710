package io.attnspark.ablation;

import io.attnspark.ablation.AblationRunner.PlannedCell;
import io.attnspark.ablation.AblationRunner.Status;
import io.attnspark.data.DaemonThreads;
import io.attnspark.distributed.DistributedTrainer;
import io.attnspark.distributed.PreparedData;
import io.attnspark.distributed.TrainJob;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ablation job's pass over its cells (for {@link AblationRunner}). The calling thread dispatches: it prepares
 * each cell's data (once per data key, released when its last cell ends), starts cells longest first while they
 * fit the cluster's free task slots, records their ends and prints the overview; each cell trains on a driver
 * thread of its own, in its own job group (cancelled alone) and FAIR scheduler pool. A failed cell is recorded
 * and the others go on; an {@link Error}, or data that cannot be prepared, stops the job.
 */
final class CellDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(CellDispatcher.class);

    /** The local property that puts a thread's jobs into a FAIR scheduler pool. */
    private static final String POOL = "spark.scheduler.pool";

    private static final long OVERVIEW_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * What became of a cell in this job.
     *
     * @param status skipped, finished or failed
     * @param error the failure's description, null unless failed
     * @param startedAt when this job started it, null if it did not
     * @param finishedAt when it ended in this job, null if it did not start
     * @param executors the executors its tasks ran on, null if this job did not start it
     */
    record Result(Status status, String error, Timestamp startedAt, Timestamp finishedAt, Integer executors) {}

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

    private final SparkSession spark;
    private final AblationTables tables;
    private final CellProgress progress;
    private final ParallelCells parallel;
    private final long dataSeed;
    private final List<PlannedCell> cells;
    private final ToDoubleFunction<PlannedCell> cost;
    private final Supplier<DistributedTrainer.RoundListener> listeners;
    private final CellExecutors executors = new CellExecutors();
    private final Status[] statuses;
    private final String[] errors;
    private final Timestamp[] startedAt;
    private final Timestamp[] finishedAt;
    private final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
    private final Map<Integer, Running> running = new LinkedHashMap<>();
    private final Map<String, PreparedData> data = new HashMap<>();
    private final Map<String, Integer> cellsLeftOfData = new HashMap<>();
    private List<CellSchedule.Cell> queue = new ArrayList<>();
    private Throwable fatal;
    private double finishedSeconds;
    private double finishedCost;
    private int done;

    /**
     * Sets up one pass; {@link #run} makes it.
     *
     * @param spark the session
     * @param tables the ablation's tables (failures are recorded there; the runs go to its folder)
     * @param progress where progress lines go
     * @param parallel how many cells may run at once
     * @param dataSeed the seed that deals images to shards, the same for every cell
     * @param cells the plan's cells with their settings, in plan order
     * @param cost each cell's estimated duration in any unit proportional to time: the longest start first
     * @param listeners a fresh progress listener per cell (may supply null), asked for in the order cells start
     */
    CellDispatcher(SparkSession spark, AblationTables tables, CellProgress progress, ParallelCells parallel,
            long dataSeed, List<PlannedCell> cells, ToDoubleFunction<PlannedCell> cost,
            Supplier<DistributedTrainer.RoundListener> listeners) {
        this.spark = spark;
        this.tables = tables;
        this.progress = progress;
        this.parallel = parallel;
        this.dataSeed = dataSeed;
        this.cells = cells;
        this.cost = cost;
        this.listeners = listeners;
        int n = cells.size();
        statuses = new Status[n];
        errors = new String[n];
        startedAt = new Timestamp[n];
        finishedAt = new Timestamp[n];
    }

    /**
     * Runs every cell not finished before, counting the executors each one's tasks run on.
     *
     * @param finished the run ids already in the {@code runs} table: those cells are skipped
     * @return what became of each cell, in plan order
     * @throws RuntimeException (or {@link Error}) what stopped the job; the running cells were cancelled and
     *     continue from their checkpoints next time
     */
    List<Result> run(Set<String> finished) {
        SparkContext sc = spark.sparkContext();
        sc.addSparkListener(executors);
        try {
            dispatch(finished);
        } finally {
            sc.removeSparkListener(executors);
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            Integer ranOn = startedAt[i] == null ? null : executors.of(cells.get(i).runId());
            results.add(new Result(statuses[i], errors[i], startedAt[i], finishedAt[i], ranOn));
        }
        return results;
    }

    /** Dispatches until every cell has ended, or one stopped the job (then rethrows what stopped it). */
    private void dispatch(Set<String> finished) {
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
        ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("ablation-cell"));
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
            TrainJob.Outcome outcome = new TrainJob(spark, pc.settings()).train(prepared, pc.runId(), tables.folder(),
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
            progress.cell(label, "FATAL: " + AblationRunner.describe(e));
            stop(e);
        } else {
            LOG.error("{} failed", label, end.error());
            String message = AblationRunner.describe(end.error());
            progress.cell(label, "FAILED: " + message);
            tables.recordFailure(pc, message);
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
}
