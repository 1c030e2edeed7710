package io.attnspark.cli;

import ai.djl.Device;
import io.attnspark.distributed.ImageTable;
import io.attnspark.data.Normalization;
import io.attnspark.data.ShardData;
import io.attnspark.distributed.DistributedTrainer;
import io.attnspark.distributed.RoundMetrics;
import io.attnspark.distributed.ShardSummary;
import io.attnspark.distributed.ShardedTable;
import io.attnspark.distributed.TrainingResult;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.stats.Medians;
import io.attnspark.train.LearningRateSchedule;
import io.attnspark.train.NativeEnvironment;
import io.attnspark.train.Precision;
import io.attnspark.train.Replica;
import io.attnspark.train.SgdSettings;
import io.attnspark.train.ShardTrainer;
import io.attnspark.train.StepStats;
import io.attnspark.train.TorchRuntime;
import io.attnspark.train.TrainingPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attnspark bench train}: training throughput of the plain single-process loop against the
 * Spark trainer (1 replica x 2 threads, 2 replicas x 1 thread) at several K, on the same data and
 * model in one run, with the share of each round spent outside local compute. Numbers go to
 * BENCHMARKS.md; nothing here is a pass/fail test.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Measure training throughput: plain DJL loop vs the Spark trainer (prints a Markdown table).")
public final class BenchTrainCommand implements Callable<Integer> {

    @Option(names = "--table", description = "Image table (default: ${DEFAULT-VALUE}).")
    String table = "runs/data/fashion-mnist";

    @Option(names = "--images", description = "Training images used (default: ${DEFAULT-VALUE}).")
    int images = 12_800;

    @Option(names = "--steps", description = "Local steps per replica and configuration (default: ${DEFAULT-VALUE}).")
    int steps = 150;

    @Option(names = "--warmup-steps", description = "Steps excluded from throughput (oneDNN warm-up; default: ${DEFAULT-VALUE}).")
    int warmupSteps = 20;

    @Option(names = "--sync-every", split = ",", description = "K values (default: ${DEFAULT-VALUE}).")
    int[] syncEvery = {10, 50};

    @Option(names = "--batch-size", description = "Images per step and replica (default: ${DEFAULT-VALUE}).")
    int batchSize = 128;

    @Option(names = "--depth", description = "ResNet depth (default: ${DEFAULT-VALUE}).")
    int depth = 20;

    @Option(names = "--precision", split = ",",
            description = "train.precision values to measure, each setup in each (default: float32,bfloat16).")
    List<String> precision = List.of("float32", "bfloat16");

    private record Row2(String setup, Precision precision, double imagesPerSecond, double overheadShare) {}

    @Override
    public Integer call() {
        List<Row2> rows = new ArrayList<>();
        ModelSpec spec;
        ShardData all;
        // The data and the spec, once; the plain loop runs on the driver's thread.
        SparkSession spark = session(1);
        Dataset<Row> train = ImageTable.read(spark, table).filter(functions.col(ImageTable.SPLIT).equalTo("train"));
        List<String> classes = ImageTable.classNames(ImageTable.read(spark, table));
        JavaRDD<ShardData> one = ShardedTable.shuffled(train, 1, 1, images);
        all = one.first();
        one.unpersist(false);
        ShardSummary summary = ShardSummary.of(all);
        Normalization norm = Normalization.fromMoments(summary.moments(), (long) all.size() * all.height() * all.width());
        spec = new ModelSpec(new Architecture(ModelSpec.RESNET_CIFAR, depth, "none"),
                new ModelSpec.Input(all.channels(), all.height(), all.width(), classes, norm.mean(), norm.std()));
        List<TrainingPlan> plans = new ArrayList<>();
        for (String p : precision) {
            plans.add(new TrainingPlan(batchSize, 1, new LearningRateSchedule(0.05, 0, 1_000_000, 0.05),
                    new SgdSettings(0.9, 5e-4), 0, false, Precision.parse("--precision", p)));
        }
        float[] initial = Replica.initialParameters(spec, 1);
        for (TrainingPlan plan : plans) {
            rows.add(new Row2("(a) plain DJL loop, 1 process x 2 threads", plan.precision(),
                    plainLoop(spec, plan, all, initial, norm), 0));
        }
        spark.stop();

        for (int replicas : new int[] {1, 2}) {
            int threads = 2 / replicas;
            SparkSession s = session(threads);
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(s.sparkContext());
            Dataset<Row> t = ImageTable.read(s, table).filter(functions.col(ImageTable.SPLIT).equalTo("train"));
            JavaRDD<ShardData> shards = ShardedTable.shuffled(t, replicas, 1, images);
            int stepsPerEpoch = shards.map(ShardData::size).collect().stream().mapToInt(n -> n / batchSize).min().orElseThrow();
            for (int k : syncEvery) {
                for (TrainingPlan plan : plans) {
                    TrainingResult r = new DistributedTrainer(jsc, spec, plan, k, 2, 500)
                            .train(shards, null, initial, steps, stepsPerEpoch, null);
                    List<Double> rates = new ArrayList<>();
                    List<Double> overhead = new ArrayList<>();
                    for (RoundMetrics m : r.rounds()) {
                        if (m.firstStep() >= warmupSteps) {
                            rates.add(m.samples() / m.roundSeconds());
                            overhead.add(m.overheadShare());
                        }
                    }
                    String setup = String.format(Locale.ROOT, "(%s) Spark, %d replica%s x %d thread%s, K = %d",
                            replicas == 1 ? "b" : "c", replicas, replicas == 1 ? "" : "s", threads,
                            threads == 1 ? "" : "s", k);
                    rows.add(new Row2(setup, plan.precision(), Medians.of(rates), Medians.of(overhead)));
                }
            }
            shards.unpersist(false);
            s.stop();
        }

        double base = rows.get(0).imagesPerSecond(); // (a) in the first precision
        System.out.println(String.format(Locale.ROOT,
                "%nResNet-%d, %s, batch %d per replica, %d images, %d steps per replica (first %d excluded), medians per round"
                        + " (%s):%n",
                depth, spec.inputChannels() + "x" + spec.imageHeight() + "x" + spec.imageWidth(), batchSize, all.size(),
                steps, warmupSteps, NativeEnvironment.describe()));
        System.out.println(CpuDescription.describe());
        System.out.println();
        System.out.println("| setup | precision | images/s | vs (a) " + rows.get(0).precision().configName()
                + " | vs same setup in " + rows.get(0).precision().configName()
                + " | time outside local compute |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        for (Row2 row : rows) {
            double sameSetup = rows.stream().filter(r -> r.setup().equals(row.setup())).findFirst().orElseThrow()
                    .imagesPerSecond();
            System.out.println(String.format(Locale.ROOT, "| %s | %s | %.0f | %.2fx | %.2fx | %s |", row.setup(),
                    row.precision().configName(), row.imagesPerSecond(), row.imagesPerSecond() / base,
                    row.imagesPerSecond() / sameSetup,
                    row.setup().startsWith("(a)") ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * row.overheadShare())));
        }
        return 0;
    }

    private double plainLoop(ModelSpec spec, TrainingPlan plan, ShardData data, float[] initial, Normalization norm) {
        TorchRuntime.useIntraOpThreads(2);
        List<Double> rates = new ArrayList<>();
        try (Replica replica = Replica.create(spec, Device.cpu(), plan.precision())) {
            replica.setState(initial, null);
            ShardTrainer trainer = new ShardTrainer(data, 0, plan, norm);
            int chunk = 10;
            for (long from = 0; from < steps; from += chunk) {
                long start = System.nanoTime();
                StepStats stats = trainer.train(replica, from, Math.min(steps, from + chunk));
                double secs = (System.nanoTime() - start) / 1e9;
                if (from >= warmupSteps) {
                    rates.add(stats.samples() / secs);
                }
            }
        }
        return Medians.of(rates);
    }

    private static SparkSession session(int taskCpus) {
        return SparkSession.builder()
                .master("local[2]")
                .appName("attnspark-bench")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.task.cpus", String.valueOf(taskCpus))
                .getOrCreate();
    }
}
