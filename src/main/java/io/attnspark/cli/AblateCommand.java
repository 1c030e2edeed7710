package io.attnspark.cli;

import io.attnspark.ablation.AblationPlan;
import io.attnspark.ablation.AblationRunner;
import io.attnspark.ablation.CellEstimates;
import io.attnspark.ablation.CellProgress;
import io.attnspark.ablation.CellSchedule;
import io.attnspark.ablation.ClusterSlots;
import io.attnspark.ablation.ParallelCells;
import io.attnspark.ablation.Summaries;
import io.attnspark.distributed.TrainJob;
import io.attnspark.model.ModelFacts;
import io.attnspark.model.ModelSpec;
import io.attnspark.report.HtmlReport;
import io.attnspark.report.ReportOutput;
import io.attnspark.report.ReportTables;
import io.attnspark.train.Precision;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code attnspark ablate}: a grid of attention variants x seeds, resumable, with result tables. */
@Command(
        name = "ablate",
        mixinStandardHelpOptions = true,
        description = "Train every cell of a grid (variants x axes x seeds) on the same cached shards, write the runs,"
                + " rounds and summary tables, and print the summary. Started again, it skips finished cells.")
public final class AblateCommand implements Callable<Integer> {

    static final String DEFAULTS = "attnspark/ablation-defaults.conf";

    /** Exit code when some cells failed (the others finished and are in the tables), or the report did. */
    static final int CELLS_FAILED = 1;

    @Option(names = "--conf", description = "Ablation config (HOCON), e.g. conf/ablation-fmnist.conf.")
    File conf;

    @Option(names = "--master", description = "Spark master when not run by spark-submit (default local[*]).")
    String master;

    @Option(names = "--dry-run", description = "Print the expanded plan with each cell's parameters, MACs and an"
            + " estimated time from a short measured probe; train nothing.")
    boolean dryRun;

    @Option(names = "--executors", description = "With --dry-run: estimate the schedule and wall time on a cluster of"
            + " this many executors (each replica as fast as one replica alone on this machine) instead of this session.")
    Integer executors;

    @Option(names = "--executor-cores", description = "With --executors: cores per executor (default:"
            + " spark.executor.cores, else 1).")
    Integer executorCores;

    @Parameters(paramLabel = "key=value", description = "Config overrides, e.g. ablation.seeds=[1,2,3].")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        JobConfig config = JobConfig.load(DEFAULTS, conf, overrides);
        AblationPlan plan = plan(config);
        JobConfig base = config.without("ablation");
        String output = base.getString("output.path");
        long dataSeed = config.getLong("ablation.data-seed");
        ParallelCells parallel = parallelCells(config);
        List<AblationRunner.PlannedCell> cells = cells(plan, base, output);
        if (executors != null && (!dryRun || executors < 1)) {
            throw new ConfigError("--executors " + executors + ": give a number of executors, at least 1, together with"
                    + " --dry-run (it estimates a cluster you do not have)");
        }
        if (executorCores != null && (executors == null || executorCores < 1)) {
            throw new ConfigError("--executor-cores " + executorCores + ": give at least 1, together with --executors");
        }
        // FAIR: each cell's pool gets an equal share of the slots instead of the first cell taking them all.
        SparkSession spark = SparkSessions.getOrCreate("attnspark-ablate", master, Map.of("spark.scheduler.mode", "FAIR"));
        AblationRunner runner = new AblationRunner(spark, output, dataSeed, parallel, System.out);
        if (dryRun) {
            printPlan(spark, cells, runner.finishedRunIds(), parallel, output);
            return 0;
        }
        System.out.printf(Locale.ROOT, "ablation: %d cells (%d variants x %d seeds) -> %s; ablation.parallel-cells = %s%n",
                cells.size(), plan.variants().size(), cells.size() / plan.variants().size(), output, parallel);
        ToDoubleFunction<AblationRunner.PlannedCell> cost = parallel.oneAtATime() ? c -> 1.0 : costs(spark, cells, output);
        AblationRunner.Outcome outcome = runner.run(plan, cells, cost, () -> null);
        System.out.println();
        System.out.print(Summaries.format(outcome.summary()));
        System.out.printf(Locale.ROOT, "tables: %s/{runs,rounds,summary,cells}%n", runner.tables());
        if (!outcome.summary().isEmpty()) {
            try {
                String html = new HtmlReport(ReportTables.read(spark, output)).render();
                System.out.println("report: " + ReportOutput.write(spark.sparkContext().hadoopConfiguration(),
                        output + "/report.html", html));
            } catch (IOException | RuntimeException e) {
                // The tables are written; only the page is missing: say so, and how to retry it alone.
                System.out.println("report NOT written (" + e.getMessage() + "); the tables are complete: run"
                        + " `attnspark report --results " + output + " --out " + output + "/report.html`");
                return CELLS_FAILED;
            }
        }
        if (outcome.failed() > 0) {
            System.out.printf(Locale.ROOT, "%d of %d cells FAILED (see %s/failures and the log); start the job"
                    + " again to retry them%n", outcome.failed(), cells.size(), runner.tables());
            return CELLS_FAILED;
        }
        return 0;
    }

    /**
     * Expands the config's {@code ablation} section into a plan, checking every key a variant sets.
     *
     * @param config the loaded ablation config
     * @return the plan
     * @throws ConfigError naming the bad key or variant
     */
    static AblationPlan plan(JobConfig config) {
        List<AblationPlan.Variant> variants = new ArrayList<>();
        List<Map<String, String>> listed = config.getFlatObjectList("ablation.variants");
        for (int i = 0; i < listed.size(); i++) {
            Map<String, String> entries = new LinkedHashMap<>(listed.get(i));
            String where = "ablation.variants[" + i + "]";
            String name = entries.remove("name");
            if (name == null) {
                throw new ConfigError(where + " has no name: give each variant name = \"...\"");
            }
            name = AblationPlan.unquote(name);
            for (String key : entries.keySet()) {
                if (key.startsWith("ablation.") || !config.knows(key)) {
                    throw new ConfigError(where + " (name = " + name + ") sets unknown key '" + key
                            + "'; a variant sets train keys such as model.attention, model.attention-options.*,"
                            + " model.placement.*, train.*, sync.*");
                }
            }
            variants.add(new AblationPlan.Variant(name, entries));
        }
        Map<String, List<String>> axes = config.getListMap("ablation.axes");
        for (String key : axes.keySet()) {
            if (key.startsWith("ablation.") || !config.knows(key)) {
                throw new ConfigError("ablation.axes has unknown key '" + key
                        + "'; an axis is a train key such as \"sync.every\" or \"model.attention-options.rd_ratio\"");
            }
        }
        try {
            return AblationPlan.expand(variants, axes, config.getLongList("ablation.seeds"),
                    config.getString("ablation.baseline"));
        } catch (IllegalArgumentException e) {
            throw new ConfigError(e.getMessage());
        }
    }

    /**
     * Gives each cell its run id and validated training settings.
     *
     * @param plan the plan
     * @param base the config without its ablation section
     * @param output the ablation's output folder
     * @return the cells in run order
     */
    static List<AblationRunner.PlannedCell> cells(AblationPlan plan, JobConfig base, String output) {
        List<AblationRunner.PlannedCell> cells = new ArrayList<>();
        for (AblationPlan.Cell cell : plan.cells()) {
            String where = "variant " + cell.variant() + " seed " + cell.seed();
            JobConfig resolved = base.with(cell.overrides(), where);
            String runId;
            try {
                runId = cell.runId(identity(resolved));
            } catch (IllegalArgumentException e) {
                throw new ConfigError(where + ": " + e.getMessage());
            }
            JobConfig withOutput = resolved.with(Map.of("output.path", quote(output + "/cells/" + runId)), where);
            TrainJob.Settings settings;
            try {
                settings = TrainCommand.settings(withOutput, true);
            } catch (ConfigError e) {
                throw new ConfigError(where + ": " + e.getMessage());
            }
            cells.add(new AblationRunner.PlannedCell(cell, runId, settings));
        }
        return cells;
    }

    /**
     * What a cell's run id hashes: what shapes its result, not where it is written or how often it is
     * checkpointed. {@code train.precision} counts only when it is not float32, so that the cells
     * finished before there was a precision keep their ids (and are skipped), while a bfloat16 cell
     * never takes a float32 cell's place.
     *
     * @param resolved the cell's resolved config
     * @return the config text to hash
     * @throws IllegalArgumentException naming {@code train.precision} when its value is invalid
     */
    static String identity(JobConfig resolved) {
        JobConfig shaping = resolved.without("output").without("checkpoint");
        if (Precision.parse("train.precision", resolved.getString("train.precision")) == Precision.FLOAT32) {
            shaping = shaping.without("train.precision");
        }
        return shaping.toJson();
    }

    /**
     * Reads {@code ablation.parallel-cells}: {@code auto} or a whole number of cells, at least 1.
     *
     * @param config the loaded ablation config
     * @return the setting
     * @throws ConfigError naming the key and the value
     */
    static ParallelCells parallelCells(JobConfig config) {
        String key = "ablation.parallel-cells";
        String value = AblationPlan.unquote(config.getString(key).trim());
        if (ParallelCells.AUTO.equals(value)) {
            return ParallelCells.fitting();
        }
        int cells;
        try {
            cells = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            cells = 0;
        }
        if (cells < 1) {
            throw new ConfigError(key + " = " + value + " is invalid: give \"" + ParallelCells.AUTO + "\" (as many cells"
                    + " at once as the cluster's task slots hold) or a whole number of cells, at least 1 (1 runs them one"
                    + " after another)");
        }
        return ParallelCells.atMost(cells);
    }

    /**
     * Each cell's estimated cost, for starting the longest first: the dry run's estimates when it left one
     * for every cell, else a proxy, MACs x (3 training + 1 test pass) x images x epochs / replicas.
     */
    private ToDoubleFunction<AblationRunner.PlannedCell> costs(SparkSession spark, List<AblationRunner.PlannedCell> cells,
            String output) {
        Map<String, Double> estimated = CellEstimates.read(spark.sparkContext().hadoopConfiguration(), output);
        if (cells.stream().allMatch(c -> estimated.containsKey(c.runId()))) {
            System.out.println("order: longest first, by the dry run's estimates in " + output + "/estimates.tsv");
            return c -> estimated.get(c.runId());
        }
        Map<String, TableFacts> tables = new HashMap<>();
        Map<String, Long> macs = new HashMap<>();
        Map<String, Double> proxy = new HashMap<>();
        int parallelism = spark.sparkContext().defaultParallelism();
        for (AblationRunner.PlannedCell c : cells) {
            TrainJob.Settings s = c.settings();
            TableFacts facts = tables.computeIfAbsent(s.data().table(), t -> TableFacts.read(spark, t));
            ModelSpec spec = facts.spec(s);
            long perImage = macs.computeIfAbsent(spec.toJson(), k -> ModelFacts.of(spec).macs());
            int replicas = s.shards() > 0 ? s.shards() : parallelism;
            proxy.put(c.runId(), (double) perImage * (3.0 * facts.trainImages(s) + facts.testImages(s)) * s.train().epochs()
                    / replicas);
        }
        System.out.println("order: longest first, by MACs x images x epochs / replicas (`ablate --dry-run` leaves"
                + " measured estimates for the next start)");
        return c -> proxy.get(c.runId());
    }

    /** The dry run: each cell's size and estimated time, and the schedule of the cells left on the cluster. */
    private void printPlan(SparkSession spark, List<AblationRunner.PlannedCell> cells, Set<String> finished,
            ParallelCells parallel, String output) {
        SparkContext sc = spark.sparkContext();
        TableFacts facts = TableFacts.read(spark, cells.get(0).settings().data().table());
        System.out.printf(Locale.ROOT, "table %s: %d training and %d test images, %dx%dx%d, %d classes%n",
                facts.table(), facts.trainImages(), facts.testImages(), facts.image().channels(), facts.image().height(),
                facts.image().width(), facts.classes().size());
        int taskCpus = Math.max(1, sc.getConf().getInt("spark.task.cpus", 1));
        boolean cluster = executors != null;
        int cores = cluster ? executors * (executorCores != null ? executorCores
                : Math.max(1, sc.getConf().getInt("spark.executor.cores", 1))) : sc.defaultParallelism();
        int slots = cluster ? Math.max(1, cores / taskCpus) : ClusterSlots.now(sc);
        System.out.printf(Locale.ROOT, "%-4s %-28s %-26s %5s %9s %10s %9s  %s%n", "#", "run id", "variant", "seed",
                "params", "MACs", "est.", "settings");
        Map<String, double[]> probed = new HashMap<>();
        Map<String, Double> estimates = new LinkedHashMap<>();
        List<CellSchedule.Cell> left = new ArrayList<>();
        double oneAfterAnother = 0;
        for (int i = 0; i < cells.size(); i++) {
            AblationRunner.PlannedCell c = cells.get(i);
            TrainJob.Settings s = c.settings();
            ModelSpec spec = facts.spec(s);
            int replicas = s.shards() > 0 ? s.shards() : cores; // sync.shards = 0: the default parallelism
            // Replicas that train at once: on a cluster each has its own cores (probe one alone); here, those
            // of the cells side by side, as far as this machine's slots go.
            int atOnce = cluster ? 1 : Math.max(1, Math.min(slots, parallel.cellsAtOnce(slots, replicas) * replicas));
            double[] model = probed.computeIfAbsent(spec.toJson() + " batch=" + s.train().batchSize() + " x" + atOnce,
                    k -> probe(spec, s.train().batchSize(), atOnce, taskCpus));
            double cellRate = model[2] / atOnce * (cluster ? replicas : Math.min(replicas, atOnce));
            // Averaging costs a few percent of a round (BENCHMARKS.md); evaluation is a forward pass,
            // about a third of a training step.
            double seconds = s.train().epochs() * (facts.trainImages(s) + facts.testImages(s) / 3.0) / cellRate;
            estimates.put(c.runId(), seconds);
            boolean done = finished.contains(c.runId());
            if (!done) {
                left.add(new CellSchedule.Cell(i, seconds, replicas));
                oneAfterAnother += seconds;
            }
            System.out.printf(Locale.ROOT, "%-4d %-28s %-26s %5d %9d %9.1fM %9s  %s%n", i + 1, c.runId(),
                    c.cell().variant(), c.cell().seed(), (long) model[0], model[1] / 1e6,
                    done ? "done" : ProgressPrinter.duration(seconds), c.cell().overrides());
        }
        CellSchedule.Timeline timeline = parallel.oneAtATime()
                ? CellSchedule.simulate(List.of(), left, slots, 1)
                : CellSchedule.simulate(left, slots, parallel.maxRunning());
        System.out.printf(Locale.ROOT, "schedule on %s: %d task slots (spark.task.cpus = %d), ablation.parallel-cells = %s,"
                + " %s%n", cluster ? String.format(Locale.ROOT, "%d executors x %d cores", executors, cores / executors)
                : "this session (" + sc.master() + ")", slots, taskCpus, parallel,
                parallel.oneAtATime() ? "in plan order" : "longest first");
        List<List<CellSchedule.Placement>> waves = timeline.waves();
        for (int w = 0; w < waves.size(); w++) {
            List<CellSchedule.Placement> wave = waves.get(w);
            double from = wave.stream().mapToDouble(CellSchedule.Placement::start).min().orElse(0);
            double to = wave.stream().mapToDouble(CellSchedule.Placement::end).max().orElse(0);
            System.out.printf(Locale.ROOT, "wave %3d  %7s - %-7s  %s%n", w + 1, ProgressPrinter.duration(from),
                    ProgressPrinter.duration(to), wave.stream().map(p -> {
                        AblationRunner.PlannedCell c = cells.get(p.cell().index());
                        return String.format(Locale.ROOT, "%s s%d x%d (%s)", c.cell().variant(), c.cell().seed(),
                                p.cell().slots(), CellProgress.duration(p.end() - p.start()));
                    }).collect(Collectors.joining(", ")));
        }
        System.out.printf(Locale.ROOT, "estimated time of the cells left: %s (%d cells; one after another %s; slots busy"
                + " %.1f%% of the time; total work / slots %s)%n", ProgressPrinter.duration(timeline.makespan()),
                left.size(), ProgressPrinter.duration(oneAfterAnother), 100 * timeline.utilisation(),
                ProgressPrinter.duration(timeline.busySlotSeconds() / slots));
        System.out.println(cluster
                ? "probe: about a second of training steps of each model, one replica alone on this machine's CPU with"
                        + " spark.task.cpus threads, taken as one executor slot; averaging rounds not included (a few"
                        + " percent at these sizes: BENCHMARKS.md)"
                : "probe: about a second of training steps per model on this machine's CPU, as many replicas at once as"
                        + " the cells side by side run");
        CellEstimates.write(sc.hadoopConfiguration(), output, estimates);
        System.out.println("estimates kept in " + output + "/estimates.tsv: the job starts the longest cells first");
    }

    /** Parameters, MACs and training images/s (all replicas together) of a model. */
    private static double[] probe(ModelSpec spec, int batch, int replicas, int threadsPerReplica) {
        ModelFacts facts = ModelFacts.of(spec);
        return new double[] {facts.parameters(), facts.macs(),
            TrainingSpeedProbe.imagesPerSecond(spec, batch, replicas, threadsPerReplica)};
    }

    private static String quote(String text) {
        return com.typesafe.config.ConfigUtil.quoteString(text);
    }
}
