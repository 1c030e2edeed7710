package io.attnspark.cli;

import io.attnspark.ablation.AblationPlan;
import io.attnspark.ablation.AblationRunner;
import io.attnspark.ablation.Summaries;
import io.attnspark.data.DecodedImage;
import io.attnspark.dist.ImageTable;
import io.attnspark.data.PngCodec;
import io.attnspark.dist.TrainJob;
import io.attnspark.model.ModelFacts;
import io.attnspark.model.ModelSpec;
import io.attnspark.report.HtmlReport;
import io.attnspark.report.ReportOutput;
import io.attnspark.report.ReportTables;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
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

    @Parameters(paramLabel = "key=value", description = "Config overrides, e.g. ablation.seeds=[1,2,3].")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        JobConfig config = JobConfig.load(DEFAULTS, conf, overrides);
        AblationPlan plan = plan(config);
        JobConfig base = config.without("ablation");
        String output = base.getString("output.path");
        long dataSeed = config.getLong("ablation.data-seed");
        List<AblationRunner.PlannedCell> cells = cells(plan, base, output);
        SparkSession spark = SparkSessions.getOrCreate("attnspark-ablate", master);
        AblationRunner runner = new AblationRunner(spark, output, dataSeed, System.out);
        if (dryRun) {
            printPlan(spark, cells, runner.finishedRunIds());
            return 0;
        }
        System.out.printf(Locale.ROOT, "ablation: %d cells (%d variants x %d seeds) -> %s%n", cells.size(),
                plan.variants().size(), cells.size() / plan.variants().size(), output);
        AblationRunner.Outcome outcome = runner.run(plan, cells, () -> new ProgressPrinter(System.out, 30));
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
            // The id hashes what shapes the result, not where it is written or how often it is checkpointed.
            String runId = cell.runId(resolved.without("output").without("checkpoint").toJson());
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

    private static void printPlan(SparkSession spark, List<AblationRunner.PlannedCell> cells, Set<String> finished) {
        TrainJob.Settings first = cells.get(0).settings();
        Dataset<Row> table = ImageTable.read(spark, first.table());
        List<String> classes = ImageTable.classNames(table);
        long trainAll = table.filter(functions.col(ImageTable.SPLIT).equalTo("train")).count();
        long testAll = table.filter(functions.col(ImageTable.SPLIT).equalTo("test")).count();
        Row one = table.select(ImageTable.IMAGE).first();
        DecodedImage image = PngCodec.decode((byte[]) one.get(0), first.table());
        System.out.printf(Locale.ROOT, "table %s: %d training and %d test images, %dx%dx%d, %d classes%n",
                first.table(), trainAll, testAll, image.channels(), image.height(), image.width(), classes.size());
        System.out.printf(Locale.ROOT, "%-4s %-28s %-26s %5s %9s %10s %9s  %s%n", "#", "run id", "variant", "seed",
                "params", "MACs", "est.", "settings");
        int taskCpus = Math.max(1, spark.sparkContext().getConf().getInt("spark.task.cpus", 1));
        Map<String, double[]> probed = new HashMap<>();
        double total = 0;
        for (int i = 0; i < cells.size(); i++) {
            AblationRunner.PlannedCell c = cells.get(i);
            TrainJob.Settings s = c.settings();
            ModelSpec spec = new ModelSpec(s.backbone(), s.depth(), s.attention(), image.channels(), image.height(),
                    image.width(), classes, filled(image.channels(), 0f), filled(image.channels(), 1f), s.placement(),
                    s.zeroInitResidual());
            // Replicas that train at once: the shards, as far as this machine's cores go.
            int replicas = Math.max(1, Math.min(s.shards(), Runtime.getRuntime().availableProcessors() / taskCpus));
            double[] facts = probed.computeIfAbsent(spec.toJson() + " batch=" + s.batchSize() + " x" + replicas,
                    k -> probe(spec, s.batchSize(), replicas, taskCpus));
            long trainImages = s.trainLimit() > 0 ? Math.min(s.trainLimit(), trainAll) : trainAll;
            long testImages = s.testLimit() > 0 ? Math.min(s.testLimit(), testAll) : testAll;
            // Averaging costs a few percent of a round (BENCHMARKS.md); evaluation is a forward pass,
            // about a third of a training step.
            double seconds = s.epochs() * (trainImages + testImages / 3.0) / facts[2];
            boolean done = finished.contains(c.runId());
            if (!done) {
                total += seconds;
            }
            System.out.printf(Locale.ROOT, "%-4d %-28s %-26s %5d %9d %9.1fM %9s  %s%n", i + 1, c.runId(),
                    c.cell().variant(), c.cell().seed(), (long) facts[0], facts[1] / 1e6,
                    done ? "done" : ProgressPrinter.duration(seconds), c.cell().overrides());
        }
        System.out.printf(Locale.ROOT, "estimated time of the cells left: %s (probe: about a second of training"
                + " steps per model on this machine's CPU, the shards' replicas at once)%n", ProgressPrinter.duration(total));
    }

    /** Parameters, MACs and training images/s (all replicas together) of a model. */
    private static double[] probe(ModelSpec spec, int batch, int replicas, int threadsPerReplica) {
        ModelFacts facts = ModelFacts.of(spec);
        return new double[] {facts.parameters(), facts.macs(),
            TrainingSpeedProbe.imagesPerSecond(spec, batch, replicas, threadsPerReplica)};
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }

    private static String quote(String text) {
        return com.typesafe.config.ConfigUtil.quoteString(text);
    }
}
