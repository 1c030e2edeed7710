package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.data.DecodedImage;
import io.attnspark.data.FashionMnist;
import io.attnspark.data.IdxFixtures;
import io.attnspark.data.ImageFolderFixtures;
import io.attnspark.data.MixedFolderFixtures;
import io.attnspark.distributed.ImageTable;
import io.attnspark.data.PngCodec;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code ingest} commands end to end, through the root command; one local Spark session for the class. */
class IngestCommandTest {

    private static SparkSession spark;

    @TempDir Path dir;

    /** What a command run printed and returned. */
    private record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void startSpark() {
        // The commands get this same session back from SparkSessions.getOrCreate.
        spark = SparkSessions.getOrCreate("IngestCommandTest", "local[2]");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Map<String, Row> rowsById(Dataset<Row> table) {
        return table.collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(r.fieldIndex(ImageTable.ID)), r -> r));
    }

    private static List<String> children(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void idxIngestIsPixelExactForGzipAndPlainFiles() throws IOException {
        IdxFixtures data = IdxFixtures.random(9, 3, 7);
        for (boolean gzip : new boolean[] {false, true}) {
            String suffix = gzip ? ".gz" : "";
            Path images = IdxFixtures.write(dir.resolve("images" + suffix), data.imageFileBytes(), gzip);
            Path labels = IdxFixtures.write(dir.resolve("labels" + suffix), data.labelFileBytes(), gzip);
            Path out = dir.resolve("table" + suffix);
            List<String> args = new ArrayList<>(List.of(
                    "ingest", "idx", "--images", images.toString(), "--labels", labels.toString(),
                    "--split", "test", "--out", out.toString()));
            if (gzip) {
                args.addAll(List.of("--classes", "a,b,c"));
            }
            Run run = run(args.toArray(String[]::new));
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("9 test rows, 3 classes"), run.out());

            Dataset<Row> table = ImageTable.read(spark, out.toString());
            assertEquals(gzip ? List.of("a", "b", "c") : List.of("0", "1", "2"), ImageTable.classNames(table));
            Map<String, Row> rows = rowsById(table);
            assertEquals(9, rows.size());
            for (int i = 0; i < 9; i++) {
                Row row = rows.get(String.format("test-%06d", i));
                assertEquals(data.labels[i], row.getInt(row.fieldIndex(ImageTable.LABEL)), "label " + i);
                assertEquals("test", row.getString(row.fieldIndex(ImageTable.SPLIT)));
                DecodedImage image = PngCodec.decode((byte[]) row.get(row.fieldIndex(ImageTable.IMAGE)));
                assertEquals(1, image.channels());
                assertEquals(IdxFixtures.ROWS, image.height());
                assertEquals(IdxFixtures.COLUMNS, image.width());
                assertArrayEquals(data.images[i], image.pixels(), "pixels of image " + i);
                assertEquals(IdxFixtures.ROWS, row.getInt(row.fieldIndex(ImageTable.HEIGHT)));
                assertEquals(IdxFixtures.COLUMNS, row.getInt(row.fieldIndex(ImageTable.WIDTH)));
                assertEquals(1, row.getInt(row.fieldIndex(ImageTable.CHANNELS)));
            }
        }
    }

    @Test
    void badInputIsOneLineExitTwoAndLeavesOutputsAlone() throws IOException {
        IdxFixtures data = IdxFixtures.random(4, 2, 3);
        Path images = IdxFixtures.write(dir.resolve("images.gz"), data.imageFileBytes(), true);
        Path labels = IdxFixtures.write(dir.resolve("labels.gz"), data.labelFileBytes(), true);
        Path out = dir.resolve("table");
        assertEquals(0, run("ingest", "idx", "--images", images.toString(), "--labels", labels.toString(),
                "--out", out.toString()).exitCode());

        // The output exists and --overwrite is missing.
        Run exists = run("ingest", "idx", "--images", images.toString(), "--labels", labels.toString(),
                "--out", out.toString());
        assertEquals(2, exists.exitCode());
        assertTrue(exists.err().contains("already exists") && exists.err().contains(out.toString()), exists.err());

        // Images truncated inside the data (found only while streaming, after Spark has started).
        byte[] full = data.imageFileBytes();
        Path truncated = IdxFixtures.write(dir.resolve("cut.gz"), IdxFixtures.prefix(full, full.length - 5), true);
        Run overwrite = run("ingest", "idx", "--images", truncated.toString(), "--labels", labels.toString(),
                "--out", out.toString(), "--overwrite");
        assertEquals(2, overwrite.exitCode());
        assertEquals(1, overwrite.err().strip().lines().count(), overwrite.err());
        assertTrue(overwrite.err().contains(truncated.toString()) && overwrite.err().contains("byte offset"),
                overwrite.err());
        assertEquals(4, ImageTable.read(spark, out.toString()).count());

        Path fresh = dir.resolve("fresh");
        Run failed = run("ingest", "idx", "--images", truncated.toString(), "--labels", labels.toString(),
                "--out", fresh.toString());
        assertEquals(2, failed.exitCode());
        assertFalse(Files.exists(fresh));
        assertEquals(List.of("cut.gz", "images.gz", "labels.gz", "table"), children(dir));

        Run fewClasses = run("ingest", "idx", "--images", images.toString(), "--labels", labels.toString(),
                "--classes", "only-one", "--out", fresh.toString());
        assertEquals(2, fewClasses.exitCode());
        assertTrue(fewClasses.err().contains(labels.toString()) && fewClasses.err().contains("--classes"),
                fewClasses.err());

        Path noSource = dir.resolve("no-fashion");
        Run missing = run("ingest", "fashion-mnist", "--source", noSource.toString(), "--out", fresh.toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("missing file") && missing.err().contains(noSource.toString()), missing.err());
    }

    @Test
    void folderIngestKeepsClassesAndChannels() throws IOException {
        Path root = ImageFolderFixtures.write(dir.resolve("images"));
        Path out = dir.resolve("table");
        Run run = run("ingest", "folder", "--root", root.toString(), "--split", "val", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Dataset<Row> table = ImageTable.read(spark, out.toString());
        assertEquals(List.of("ant", "cat"), ImageTable.classNames(table));
        Map<String, Row> rows = rowsById(table);
        assertEquals(3, rows.size());
        Row ant = rows.get("val-ant/x.png");
        assertEquals(0, ant.getInt(ant.fieldIndex(ImageTable.LABEL)));
        assertEquals(3, PngCodec.decode((byte[]) ant.get(ant.fieldIndex(ImageTable.IMAGE))).channels());
        Row cat = rows.get("val-cat/b.png");
        assertEquals(1, cat.getInt(cat.fieldIndex(ImageTable.LABEL)));
        assertEquals(1, PngCodec.decode((byte[]) cat.get(cat.fieldIndex(ImageTable.IMAGE))).channels());

        assertEquals(3, ant.getInt(ant.fieldIndex(ImageTable.CHANNELS)));
        assertEquals(1, cat.getInt(cat.fieldIndex(ImageTable.CHANNELS)));
        assertEquals(3, cat.getInt(cat.fieldIndex(ImageTable.HEIGHT)));
        assertEquals(4, cat.getInt(cat.fieldIndex(ImageTable.WIDTH)));

        Path empty = Files.createDirectories(root.resolve("dog"));
        Run bad = run("ingest", "folder", "--root", root.toString(), "--out", dir.resolve("other").toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains(empty.toString()), bad.err());
    }

    @Test
    void folderIngestNamesABadFileInOneLineOrRejectsItWithSkipBad() throws IOException {
        Path root = MixedFolderFixtures.writeClasses(dir.resolve("images"));
        Path corrupt = MixedFolderFixtures.writeCorrupt(root.resolve("cat/broken.jpeg"));
        Path out = dir.resolve("table");
        Run failed = run("ingest", "folder", "--root", root.toUri().toString(), "--out", out.toString());
        assertEquals(2, failed.exitCode());
        assertEquals(1, failed.err().strip().lines().count(), failed.err());
        assertTrue(failed.err().contains(corrupt.toString()) && failed.err().contains("is not a JPEG, PNG"),
                failed.err());
        assertFalse(Files.exists(out));

        Run skipped = run("ingest", "folder", "--root", root.toUri().toString(), "--out", out.toString(),
                "--skip-bad", "--resize-shorter", "16", "--quality", "85");
        assertEquals(0, skipped.exitCode(), skipped.err());
        assertTrue(skipped.out().contains("rejected 1 bad file -> " + out.resolve("_rejected")), skipped.out());
        assertTrue(skipped.out().contains("ignored 1 images outside class folders"), skipped.out());
        assertTrue(skipped.out().contains("ingested 4 train rows, 2 classes"), skipped.out());
        assertEquals(List.of(16), ImageTable.read(spark, out.toString())
                .filter(ImageTable.ID + " = 'train-dog/c.JPEG'").select(ImageTable.HEIGHT).as(
                        org.apache.spark.sql.Encoders.INT()).collectAsList());
        Row rejected = spark.read().parquet(out.resolve("_rejected").toString()).first();
        assertTrue(rejected.getString(0).endsWith("cat/broken.jpeg"), rejected.toString());

        Run qualityAlone = run("ingest", "folder", "--root", root.toString(), "--out", dir.resolve("q").toString(),
                "--quality", "80");
        assertEquals(2, qualityAlone.exitCode());
        assertTrue(qualityAlone.err().contains("--quality only applies with --resize-shorter"), qualityAlone.err());
        Run badQuality = run("ingest", "folder", "--root", root.toString(), "--out", dir.resolve("q").toString(),
                "--resize-shorter", "10", "--quality", "101");
        assertEquals(2, badQuality.exitCode());
        assertTrue(badQuality.err().contains("--quality must be 1..100"), badQuality.err());
    }

    @Test
    void generatedImageNetLikeFolderIngestsThroughAFileUri() throws IOException {
        Path source = Files.createDirectories(dir.resolve("fmnist"));
        IdxFixtures train = IdxFixtures.random(60, 10, 11);
        IdxFixtures test = IdxFixtures.random(20, 10, 12);
        IdxFixtures.write(source.resolve(FashionMnist.TRAIN_IMAGES), train.imageFileBytes(), false);
        IdxFixtures.write(source.resolve(FashionMnist.TRAIN_LABELS), train.labelFileBytes(), false);
        IdxFixtures.write(source.resolve(FashionMnist.TEST_IMAGES), test.imageFileBytes(), false);
        IdxFixtures.write(source.resolve(FashionMnist.TEST_LABELS), test.labelFileBytes(), false);
        Path folder = dir.resolve("inet");
        Run generated = run("generate", "imagenet-like", "--source", source.toString(), "--out", folder.toString(),
                "--images", "60", "--val-percent", "20", "--seed", "5");
        assertEquals(0, generated.exitCode(), generated.err());
        assertTrue(generated.out().contains("wrote 48 train + 12 val images"), generated.out());

        Path out = dir.resolve("table");
        Run ingested = run("ingest", "folder", "--root", folder.toUri().toString(), "--out", out.toString());
        assertEquals(0, ingested.exitCode(), ingested.err());
        assertTrue(ingested.out().contains("splits: train/ -> train, val/ -> test"), ingested.out());
        assertTrue(ingested.out().contains("ingested 48 train + 12 test rows, 10 classes"), ingested.out());
        Dataset<Row> table = ImageTable.read(spark, out.toString());
        assertEquals(0, table.filter(ImageTable.HEIGHT + " < 60 OR " + ImageTable.WIDTH + " > 500").count());

        Run busy = run("generate", "imagenet-like", "--source", source.toString(), "--out", folder.toString());
        assertEquals(2, busy.exitCode());
        assertTrue(busy.err().contains("not empty"), busy.err());
        Run badShare = run("generate", "imagenet-like", "--out", dir.resolve("x").toString(), "--val-percent", "0");
        assertEquals(2, badShare.exitCode());
        assertTrue(badShare.err().contains("validation share"), badShare.err());
    }

    @Test
    void fashionMnistIngestsAllRowsWithClassNames() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_SOURCE),
                "Fashion-MNIST is not installed at " + FashionMnist.DEFAULT_SOURCE);
        Path out = dir.resolve("fashion");
        long start = System.nanoTime();
        Run run = run("ingest", "fashion-mnist", "--out", out.toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("60000 train + 10000 test rows, 10 classes"), run.out());
        assertTrue(seconds < 60, "ingest took " + seconds + " s");

        Dataset<Row> table = ImageTable.read(spark, out.toString());
        assertEquals(FashionMnist.CLASS_NAMES, ImageTable.classNames(table));
        Map<String, Long> perSplit = table.groupBy(ImageTable.SPLIT).count().collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
        assertEquals(Map.of("train", 60_000L, "test", 10_000L), perSplit);
        assertEquals(70_000L, table.select(ImageTable.ID).distinct().count());
        assertEquals(List.of(28), table.select(ImageTable.HEIGHT).distinct().as(
                org.apache.spark.sql.Encoders.INT()).collectAsList());

        // Spot-check one image of each split against the raw IDX bytes.
        Path source = FashionMnist.DEFAULT_SOURCE;
        assertMatchesIdx(table, "train-000123", source.resolve(FashionMnist.TRAIN_IMAGES + ".gz"),
                source.resolve(FashionMnist.TRAIN_LABELS + ".gz"), 123);
        assertMatchesIdx(table, "test-000042", source.resolve(FashionMnist.TEST_IMAGES + ".gz"),
                source.resolve(FashionMnist.TEST_LABELS + ".gz"), 42);
    }

    private static void assertMatchesIdx(Dataset<Row> table, String id, Path images, Path labels, int index)
            throws IOException {
        Row row = table.filter(table.col(ImageTable.ID).equalTo(id)).first();
        DecodedImage image = PngCodec.decode((byte[]) row.get(row.fieldIndex(ImageTable.IMAGE)));
        assertEquals(28, image.height());
        assertEquals(28, image.width());
        assertArrayEquals(rawBytes(images, 16 + index * 784L, 784), image.pixels(), id);
        assertEquals(rawBytes(labels, 8 + index, 1)[0] & 0xFF, row.getInt(row.fieldIndex(ImageTable.LABEL)), id);
    }

    private static byte[] rawBytes(Path gzipFile, long offset, int length) throws IOException {
        try (InputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gzipFile)))) {
            in.skipNBytes(offset);
            return in.readNBytes(length);
        }
    }
}
