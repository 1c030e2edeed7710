package io.attnspark.cli;

import ai.djl.Device;
import io.attnspark.data.DecodedImage;
import io.attnspark.distributed.ImageTable;
import io.attnspark.data.PngCodec;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.score.ScoreJob;
import io.attnspark.score.ScoringInput;
import io.attnspark.score.ScoringModel;
import io.attnspark.stats.Medians;
import io.attnspark.train.NativeEnvironment;
import io.attnspark.train.Replica;
import io.attnspark.train.TorchRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attnspark bench score}: scoring throughput per core of (a) a plain single-process DJL loop
 * (decode, normalise, forward on batches with one libtorch thread) against (b) the whole Spark scoring
 * job ({@link ScoreJob}: read the Parquet input, score in one task on {@code local[1]}, write and
 * check the predictions table), on the same model and images in one run. Repeats are interleaved
 * so that a change in machine load hits both alike; medians are reported. Also prints (a') the
 * plain loop's forward passes alone, on images decoded beforehand. {@code --warm-ups} unmeasured runs
 * come first for each model: the Spark path runs far more JVM code than the plain loop and the JIT
 * needs several jobs to settle it. Not a pass/fail test.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Measure scoring throughput per core: plain DJL loop vs the Spark scoring job (prints a Markdown table).")
public final class BenchScoreCommand implements Callable<Integer> {

    @Option(names = "--table", description = "Image table whose test split is scored; synthetic 28x28 images if it does not exist (default: ${DEFAULT-VALUE}).")
    String table = "runs/data/fashion-mnist";

    @Option(names = "--images", description = "Images scored per measurement (default: ${DEFAULT-VALUE}).")
    int images = 10_000;

    @Option(names = "--batch-size", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize = 128;

    @Option(names = "--repeats", description = "Measurements per setup, after one warm-up each (default: ${DEFAULT-VALUE}).")
    int repeats = 3;

    @Option(names = "--warm-ups", description = "Unmeasured runs of each setup before the measured ones, per model (default: ${DEFAULT-VALUE}).")
    int warmUps = 1;

    @Option(names = "--depth", description = "resnet-cifar depth (default: ${DEFAULT-VALUE}).")
    int depth = 20;

    @Option(names = "--attention", split = ",", description = "Variants (default: ${DEFAULT-VALUE}).")
    List<String> attentions = List.of("none", "se");

    private record Images(List<byte[]> png, List<String> classes, String source) {}

    private record Result(String model, double plain, double forwardOnly, double spark, double ratio) {}

    @Override
    public Integer call() throws IOException {
        if (images < 1 || batchSize < 1 || repeats < 1 || warmUps < 0) {
            throw new ConfigError("--images, --batch-size and --repeats must be >= 1, --warm-ups >= 0");
        }
        SparkSession spark = SparkSession.builder()
                .master("local[1]")
                .appName("attnspark-bench-score")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.task.cpus", "1")
                .config("spark.sql.shuffle.partitions", "1")
                .getOrCreate();
        Path dir = Files.createTempDirectory("attnspark-bench-score");
        try {
            Images data = load(spark);
            String input = dir.resolve("input").toString();
            writeInput(spark, data, input);
            DecodedImage first = PngCodec.decode(data.png().get(0));
            List<Result> results = new ArrayList<>();
            for (String attention : attentions) {
                ModelSpec spec = new ModelSpec(new Architecture(ModelSpec.RESNET_CIFAR, depth, attention),
                        new ModelSpec.Input(first.channels(), first.height(), first.width(), data.classes(),
                                filled(first.channels(), 0.286f), filled(first.channels(), 0.353f)));
                results.add(measure(spark, ScoringModel.of(spec, Replica.initialParameters(spec, 1)), data, input,
                        dir.resolve("predictions").toString()));
            }
            System.out.println(String.format(Locale.ROOT,
                    "%n%d images (%s), %dx%dx%d, batch %d, 1 core each (1 libtorch thread; Spark local[1], 1 task),"
                            + " medians of %d interleaved runs after %d warm-up(s); %s:%n",
                    data.png().size(), data.source(), first.channels(), first.height(), first.width(), batchSize, repeats,
                    warmUps, NativeEnvironment.describe()));
            System.out.println("| model | (a) plain DJL loop: decode + forward | (a') forward only | (b) Spark `score` job"
                    + " | (b) / (a), median of the runs' ratios |");
            System.out.println("|---|---:|---:|---:|---:|");
            for (Result r : results) {
                System.out.println(String.format(Locale.ROOT, "| %s | %.0f img/s | %.0f img/s | %.0f img/s | %.2fx |",
                        r.model(), r.plain(), r.forwardOnly(), r.spark(), r.ratio()));
            }
        } finally {
            spark.stop();
            deleteRecursively(dir);
        }
        return 0;
    }

    private Result measure(SparkSession spark, ScoringModel model, Images data, String input, String out) {
        ScoreJob job = new ScoreJob(spark, new ScoreJob.Settings(input, ScoringInput.Format.TABLE, "id", "image", out,
                Math.min(5, model.spec().classes()), batchSize, 1));
        List<Double> plain = new ArrayList<>();
        List<Double> forward = new ArrayList<>();
        List<Double> sparkRates = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        TorchRuntime.useIntraOpThreads(1);
        try (Replica replica = Replica.create(model.spec(), Device.cpu())) {
            replica.setState(model.parameters(), null);
            float[][] decoded = new float[data.png().size()][];
            for (int run = 1 - warmUps; run <= repeats; run++) {
                // Alternate which goes first, so that neither always runs right after the other's garbage.
                long[] faults = new long[2]; // (a) and (b): the cause to look at when they differ (BENCHMARKS.md)
                ScoreJob.Outcome o = Math.floorMod(run, 2) == 1 ? runJob(job, model, faults) : null;
                long before = minorPageFaults();
                double a = data.png().size() / plainLoop(replica, data.png(), decoded);
                faults[0] = minorPageFaults() - before;
                double a2 = data.png().size() / forwardOnly(replica, decoded);
                if (o == null) {
                    o = runJob(job, model, faults);
                }
                if (o.written().scored() != data.png().size()) {
                    throw new IllegalStateException("the scoring job scored " + o.written().scored() + " of " + data.png().size());
                }
                double b = o.rowsIn() / o.seconds();
                System.err.println(String.format(Locale.ROOT,
                        "%s run %d%s: (a) %.0f, (a') %.0f, (b) %.0f img/s, (b)/(a) %.2f; job %.2f s, of which scoring + writing %.2f s;"
                                + " minor page faults (a) %d, (b) %d",
                        model.spec().displayName(), run, run <= 0 ? " (warm-up)" : "", a, a2, b, b / a, o.seconds(),
                        o.written().writeSeconds(), faults[0], faults[1]));
                if (run > 0) {
                    plain.add(a);
                    forward.add(a2);
                    sparkRates.add(b);
                    ratios.add(b / a);
                }
            }
        }
        return new Result(model.spec().displayName(), Medians.of(plain), Medians.of(forward), Medians.of(sparkRates),
                Medians.of(ratios));
    }

    private static ScoreJob.Outcome runJob(ScoreJob job, ScoringModel model, long[] faults) {
        long before = minorPageFaults();
        ScoreJob.Outcome outcome = job.run(model);
        faults[1] = minorPageFaults() - before;
        return outcome;
    }

    /** The process's minor page faults so far (Linux), -1 where /proc is not there. */
    private static long minorPageFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name (which may hold spaces): state is field 3, minflt field 10.
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Decode, normalise and forward on batches; keeps the normalised images for {@link #forwardOnly}. */
    private double plainLoop(Replica replica, List<byte[]> png, float[][] keep) {
        ModelSpec spec = replica.spec();
        int size = spec.inputChannels() * spec.imageHeight() * spec.imageWidth();
        int plane = spec.imageHeight() * spec.imageWidth();
        float[] batch = new float[batchSize * size];
        long start = System.nanoTime();
        for (int from = 0; from < png.size(); from += batchSize) {
            int n = Math.min(batchSize, png.size() - from);
            for (int b = 0; b < n; b++) {
                byte[] pixels = PngCodec.decode(png.get(from + b)).pixels();
                for (int c = 0; c < spec.inputChannels(); c++) {
                    float scale = 1f / (255f * spec.std()[c]);
                    float shift = -spec.mean()[c] / spec.std()[c];
                    for (int i = 0; i < plane; i++) {
                        batch[b * size + c * plane + i] = (pixels[c * plane + i] & 0xFF) * scale + shift;
                    }
                }
            }
            replica.predict(batch, n);
            for (int b = 0; b < n; b++) {
                keep[from + b] = Arrays.copyOfRange(batch, b * size, (b + 1) * size);
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private double forwardOnly(Replica replica, float[][] images) {
        int size = images[0].length;
        float[] batch = new float[batchSize * size];
        long start = System.nanoTime();
        for (int from = 0; from < images.length; from += batchSize) {
            int n = Math.min(batchSize, images.length - from);
            for (int b = 0; b < n; b++) {
                System.arraycopy(images[from + b], 0, batch, b * size, size);
            }
            replica.predict(batch, n);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private Images load(SparkSession spark) {
        if (Files.isDirectory(Path.of(table))) {
            Dataset<Row> all = ImageTable.read(spark, table);
            List<String> classes = ImageTable.classNames(all);
            List<byte[]> png = all.filter(functions.col(ImageTable.SPLIT).equalTo("test"))
                    .orderBy(ImageTable.ID).limit(images).select(ImageTable.IMAGE).collectAsList().stream()
                    .map(r -> (byte[]) r.get(0)).toList();
            if (!png.isEmpty()) {
                return new Images(png, classes, "test split of " + table);
            }
        }
        Random random = new Random(1);
        List<byte[]> png = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            byte[] pixels = new byte[28 * 28];
            random.nextBytes(pixels);
            png.add(PngCodec.encode(pixels, 1, 28, 28));
        }
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            classes.add("class-" + c);
        }
        return new Images(png, classes, "synthetic: " + table + " not found");
    }

    private static void writeInput(SparkSession spark, Images data, String path) {
        StructType schema = new StructType(new StructField[] {
            DataTypes.createStructField("id", DataTypes.StringType, false),
            DataTypes.createStructField("image", DataTypes.BinaryType, false),
        });
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < data.png().size(); i++) {
            rows.add(RowFactory.create(String.format(Locale.ROOT, "image-%06d", i), data.png().get(i)));
        }
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
