package io.attnspark.cli;

import io.attnspark.data.FashionMnist;
import io.attnspark.data.ImageFolderReader;
import io.attnspark.data.ImageNetLikeFolder;
import io.attnspark.data.ImageRecord;
import io.attnspark.data.IngestEncoding;
import io.attnspark.distributed.FolderIngest;
import io.attnspark.distributed.ImageTable;
import io.attnspark.stats.Medians;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attnspark bench ingest}: images/s of ingesting an ImageNet-like folder ({@code train/} and
 * {@code val/} class folders) (a) the old way, on the driver ({@link ImageFolderReader}: each image
 * read, decoded and re-encoded as PNG in the driver JVM, then shipped to the executors to be written),
 * against (b) {@code ingest folder} as it is now ({@link FolderIngest}: Spark's {@code binaryFile}
 * source on the executors, every image decoded to check it, original bytes kept), and (c) the same
 * with {@code --resize-shorter}. Embedded Spark; the runs of the setups are interleaved, after
 * warm-up runs, and medians reported. Not a pass/fail test.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Measure folder ingest: driver-side reader vs distributed ingest folder (prints a Markdown table).")
public final class BenchIngestCommand implements Callable<Integer> {

    @Option(names = "--folder", paramLabel = "DIR",
            description = "An ImageNet-like folder (train/ and val/); generated into a temporary folder if not given.")
    Path folder;

    @Option(names = "--images", paramLabel = "N",
            description = "Images of the generated folder (default: ${DEFAULT-VALUE}).")
    int images = 5000;

    @Option(names = "--repeats", paramLabel = "N", description = "Measured runs per setup (default: ${DEFAULT-VALUE}).")
    int repeats = 3;

    @Option(names = "--warm-ups", paramLabel = "N", description = "Unmeasured runs per setup first (default: ${DEFAULT-VALUE}).")
    int warmUps = 1;

    @Option(names = "--resize-shorter", paramLabel = "N",
            description = "Shorter side of setup (c); 0 leaves (c) out (default: ${DEFAULT-VALUE}).")
    int resizeShorter = 160;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*]).")
    String master;

    private record Run(double seconds, long rows, long tableBytes) {}

    @Override
    public Integer call() throws IOException {
        if (images < 2 || repeats < 1 || warmUps < 0 || resizeShorter < 0) {
            throw new ConfigError("--images must be >= 2, --repeats >= 1, --warm-ups and --resize-shorter >= 0");
        }
        Path work = Files.createTempDirectory("attnspark-bench-ingest");
        try {
            Path root = folder;
            if (root == null) {
                root = work.resolve("imagenet-like");
                ImageNetLikeFolder.Summary s = ImageNetLikeFolder.write(new ImageNetLikeFolder.Settings(
                        FashionMnist.DEFAULT_SOURCE, root, images, 20, 2, 1));
                System.out.printf(Locale.ROOT, "generated %d + %d images (%.1f MB) in %s%n",
                        s.train(), s.val(), s.bytes() / 1e6, root);
            }
            SparkSession spark = SparkSessions.getOrCreate("attnspark-bench-ingest", master);
            Map<String, Supplier<Run>> setups = new LinkedHashMap<>();
            Path input = root;
            String out = work.resolve("table").toString();
            setups.put("(a) driver-side reader (decode + PNG re-encode on the driver)", () -> driverSide(spark, input, out));
            setups.put("(b) `ingest folder` (binaryFile on executors, decode to check, original bytes)",
                    () -> distributed(spark, input, out, IngestEncoding.ORIGINAL));
            if (resizeShorter > 0) {
                setups.put(String.format(Locale.ROOT, "(c) `ingest folder --resize-shorter %d` (JPEG q%d)",
                        resizeShorter, IngestEncoding.DEFAULT_QUALITY),
                        () -> distributed(spark, input, out, new IngestEncoding(resizeShorter, IngestEncoding.DEFAULT_QUALITY)));
            }
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            setups.keySet().forEach(k -> runs.put(k, new ArrayList<>()));
            for (int round = 1 - warmUps; round <= repeats; round++) {
                // Alternate the order, so that no setup always runs right after the same other one.
                List<String> order = new ArrayList<>(setups.keySet());
                if (Math.floorMod(round, 2) == 0) {
                    Collections.reverse(order);
                }
                for (String name : order) {
                    Run r = setups.get(name).get();
                    if (round >= 1) {
                        runs.get(name).add(r);
                    }
                }
            }
            print(spark, runs);
        } finally {
            deleteRecursively(work);
        }
        return 0;
    }

    private void print(SparkSession spark, Map<String, List<Run>> runs) {
        System.out.printf(Locale.ROOT, "%nIngest of %d images, Spark %s (default parallelism %d), medians of %d runs"
                + " after %d warm-up(s)%n%s%n", runs.values().iterator().next().get(0).rows(),
                spark.sparkContext().master(), spark.sparkContext().defaultParallelism(), repeats, warmUps,
                CpuDescription.describe());
        System.out.println("| setup | images/s | seconds | table MB |");
        System.out.println("|---|---:|---:|---:|");
        for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
            List<Double> rates = e.getValue().stream().map(r -> r.rows() / r.seconds()).toList();
            List<Double> seconds = e.getValue().stream().map(Run::seconds).toList();
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f | %.1f |%n", e.getKey(), Medians.of(rates),
                    Medians.of(seconds), e.getValue().get(0).tableBytes() / 1e6);
        }
    }

    /** Today's path before the distributed ingest: the driver reads every image. */
    private static Run driverSide(SparkSession spark, Path root, String out) {
        long start = System.nanoTime();
        ImageFolderReader train = ImageFolderReader.open(root.resolve("train"), "train");
        ImageFolderReader val = ImageFolderReader.open(root.resolve("val"), "test");
        if (!train.classNames().equals(val.classNames())) {
            throw new IllegalStateException("train/ and val/ have different class folders in " + root);
        }
        Iterator<ImageRecord> records = Stream.concat(stream(train), stream(val)).iterator();
        Map<String, Long> rows = ImageTable.write(spark, records, train.classNames(), out, true);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run(seconds, rows.values().stream().mapToLong(Long::longValue).sum(), bytesUnder(Path.of(out)));
    }

    private static Run distributed(SparkSession spark, Path root, String out, IngestEncoding encoding) {
        long start = System.nanoTime();
        FolderIngest.Outcome o = FolderIngest.run(spark, new FolderIngest.Settings(
                root.toUri().toString(), null, null, encoding, false, out, true));
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run(seconds, o.rowsPerSplit().values().stream().mapToLong(Long::longValue).sum(),
                bytesUnder(Path.of(out)));
    }

    private static Stream<ImageRecord> stream(ImageFolderReader reader) {
        Iterable<ImageRecord> once = () -> reader;
        return StreamSupport.stream(once.spliterator(), false);
    }

    private static long bytesUnder(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
