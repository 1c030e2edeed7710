package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.data.BadInputException;
import io.attnspark.data.DecodedImage;
import io.attnspark.data.IngestEncoding;
import io.attnspark.data.MixedFolderFixtures;
import io.attnspark.data.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distributed folder ingest: layouts, labels files, bad files, resizing; one local Spark session for the class. */
class FolderIngestTest {

    private static SparkSession spark;

    @TempDir Path dir;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("FolderIngestTest")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static FolderIngest.Settings settings(Path root, String out) {
        return new FolderIngest.Settings(root.toUri().toString(), null, null, IngestEncoding.ORIGINAL, false, out, false);
    }

    private static FolderIngest.Settings withLabels(FolderIngest.Settings s, Path labels) {
        return new FolderIngest.Settings(s.root(), s.split(), labels.toString(), s.encoding(), s.skipBad(), s.out(),
                s.overwrite());
    }

    private static FolderIngest.Settings skippingBad(FolderIngest.Settings s) {
        return new FolderIngest.Settings(s.root(), s.split(), s.labels(), s.encoding(), true, s.out(), s.overwrite());
    }

    private static Map<String, Row> rowsById(Dataset<Row> table) {
        return table.collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(r.fieldIndex(ImageTable.ID)), r -> r));
    }

    private static int intOf(Row row, String column) {
        return row.getInt(row.fieldIndex(column));
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        }
    }

    private static List<String> children(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void mixedFolderThroughFileUriKeepsOriginalBytesAndRecordsSizes() throws IOException {
        Path root = MixedFolderFixtures.writeClasses(dir.resolve("images"));
        String out = dir.resolve("table").toString();
        assertTrue(root.toUri().toString().startsWith("file:/"), root.toUri().toString());

        FolderIngest.Outcome outcome = FolderIngest.run(spark, settings(root, out));
        assertEquals(List.of("cat", "dog"), outcome.classNames());
        assertEquals(Map.of("train", 4L), outcome.rowsPerSplit());
        assertEquals(Map.of(), outcome.splitFolders());
        assertEquals(1, outcome.ignored()); // top.png, directly in the root

        Dataset<Row> table = ImageTable.read(spark, out);
        assertEquals(List.of("cat", "dog"), ImageTable.classNames(table));
        Map<String, Row> rows = rowsById(table);
        assertEquals(4, rows.size(), rows.keySet().toString());
        for (MixedFolderFixtures.Image image : MixedFolderFixtures.CLASS_IMAGES) {
            Row row = rows.get("train-" + image.path());
            assertEquals(image.path().startsWith("cat/") ? 0 : 1, intOf(row, ImageTable.LABEL), image.path());
            assertEquals("train", row.getString(row.fieldIndex(ImageTable.SPLIT)));
            assertEquals(image.height(), intOf(row, ImageTable.HEIGHT), image.path());
            assertEquals(image.width(), intOf(row, ImageTable.WIDTH), image.path());
            assertEquals(image.channels(), intOf(row, ImageTable.CHANNELS), image.path());
            assertArrayEquals(Files.readAllBytes(root.resolve(image.path())),
                    (byte[]) row.get(row.fieldIndex(ImageTable.IMAGE)), image.path());
        }
        // A plain local path reads the same folder.
        String fromPath = dir.resolve("table2").toString();
        FolderIngest.Outcome again = FolderIngest.run(spark,
                new FolderIngest.Settings(root.toString(), "val", null, IngestEncoding.ORIGINAL, false, fromPath, false));
        assertEquals(Map.of("val", 4L), again.rowsPerSplit());
        assertTrue(rowsById(ImageTable.read(spark, fromPath)).containsKey("val-cat/sub/b.PNG"));
    }

    @Test
    void trainAndValFoldersBecomeSplitsWithValAsTest() throws IOException {
        Path root = dir.resolve("splits");
        MixedFolderFixtures.writeClasses(root.resolve("train"));
        MixedFolderFixtures.write(root.resolve("val/cat/v1.jpg"), 20, 30, 3);
        MixedFolderFixtures.write(root.resolve("val/dog/v2.png"), 25, 25, 1);
        String out = dir.resolve("table").toString();

        FolderIngest.Outcome outcome = FolderIngest.run(spark, settings(root, out));
        assertEquals(Map.of("train", "train", "val", "test"), outcome.splitFolders());
        assertEquals(List.of("train", "test"), List.copyOf(outcome.rowsPerSplit().keySet()));
        assertEquals(Map.of("train", 4L, "test", 2L), outcome.rowsPerSplit());
        Map<String, Row> rows = rowsById(ImageTable.read(spark, out));
        assertEquals(0, intOf(rows.get("test-cat/v1.jpg"), ImageTable.LABEL));
        assertEquals(1, intOf(rows.get("test-dog/v2.png"), ImageTable.LABEL));
        assertEquals(1, intOf(rows.get("train-dog/d.png"), ImageTable.LABEL));

        // With a test/ folder as well, val/ keeps its own name.
        MixedFolderFixtures.write(root.resolve("test/cat/t1.png"), 8, 8, 3);
        FolderIngest.Outcome three = FolderIngest.run(spark, settings(root, dir.resolve("three").toString()));
        assertEquals(Map.of("train", "train", "val", "val", "test", "test"), three.splitFolders());
        assertEquals(Map.of("train", 4L, "val", 2L, "test", 1L), three.rowsPerSplit());

        // --split makes the split folders classes.
        FolderIngest.Outcome forced = FolderIngest.run(spark, new FolderIngest.Settings(root.toString(), "train", null,
                IngestEncoding.ORIGINAL, false, dir.resolve("forced").toString(), false));
        assertEquals(List.of("test", "train", "val"), forced.classNames());

        // A class folder that train/ lacks is an error naming it.
        MixedFolderFixtures.write(root.resolve("val/emu/x.png"), 8, 8, 3);
        BadInputException e = assertThrows(BadInputException.class,
                () -> FolderIngest.run(spark, settings(root, dir.resolve("bad").toString())));
        assertMessage(e, "val/emu", "train/");
    }

    @Test
    void labelsFileLabelsAFlatValidationFolder() throws IOException {
        Path root = dir.resolve("imagenet");
        MixedFolderFixtures.writeClasses(root.resolve("train"));
        MixedFolderFixtures.write(root.resolve("val/ILSVRC_0001.JPEG"), 30, 20, 3);
        MixedFolderFixtures.write(root.resolve("val/ILSVRC_0002.png"), 16, 16, 1);
        Path csv = Files.writeString(dir.resolve("val.csv"),
                "path,label\nval/ILSVRC_0001.JPEG,dog\n\n\"val/ILSVRC_0002.png\",cat\n");
        String out = dir.resolve("table").toString();

        FolderIngest.Outcome outcome = FolderIngest.run(spark, withLabels(settings(root, out), csv));
        assertEquals(Map.of("train", 4L, "test", 2L), outcome.rowsPerSplit());
        Map<String, Row> rows = rowsById(ImageTable.read(spark, out));
        assertEquals(1, intOf(rows.get("test-dog/ILSVRC_0001.JPEG"), ImageTable.LABEL));
        assertEquals(0, intOf(rows.get("test-cat/ILSVRC_0002.png"), ImageTable.LABEL));
        assertEquals(30, intOf(rows.get("test-dog/ILSVRC_0001.JPEG"), ImageTable.HEIGHT));

        // Bad rows are errors naming the row number, before any work.
        Map<String, String[]> bad = Map.of(
                "val/ILSVRC_0001.JPEG,dog\nval/ILSVRC_0002.png,cat,extra\n", new String[] {"row 2", "2 fields"},
                "val/ILSVRC_0001.JPEG,dog\nval/ILSVRC_0002.png,zebra\n", new String[] {"row 2", "unknown class 'zebra'"},
                "path,label\nval/ILSVRC_0001.JPEG,dog\nval/ILSVRC_0003.png,cat\n", new String[] {"row 3", "no file",
                    "ILSVRC_0003.png"},
                "val/ILSVRC_0001.JPEG,dog\nval/ILSVRC_0001.JPEG,cat\n", new String[] {"row 2", "first on row 1"},
                "../x.png,dog\n", new String[] {"row 1", ".."},
                "elsewhere/x.png,dog\n", new String[] {"row 1", "not in a split folder"});
        for (Map.Entry<String, String[]> c : bad.entrySet()) {
            Path badCsv = Files.writeString(dir.resolve("bad.csv"), c.getKey());
            BadInputException e = assertThrows(BadInputException.class,
                    () -> FolderIngest.run(spark, withLabels(settings(root, dir.resolve("t").toString()), badCsv)),
                    c.getKey());
            assertMessage(e, c.getValue());
            assertMessage(e, badCsv.toString());
        }

        // An image in the flat folder without a row is an error naming it.
        MixedFolderFixtures.write(root.resolve("val/ILSVRC_0009.png"), 16, 16, 1);
        BadInputException e = assertThrows(BadInputException.class,
                () -> FolderIngest.run(spark, withLabels(settings(root, dir.resolve("t").toString()), csv)));
        assertMessage(e, "ILSVRC_0009.png", "has no label", csv.toString());
        assertFalse(Files.exists(dir.resolve("t")));
    }

    @Test
    void labelsFileAloneGivesTheClassesOfAFlatFolder() throws IOException {
        Path root = dir.resolve("flat");
        MixedFolderFixtures.write(root.resolve("1.jpg"), 10, 12, 3);
        MixedFolderFixtures.write(root.resolve("2.jpg"), 10, 12, 3);
        MixedFolderFixtures.write(root.resolve("3.png"), 9, 9, 1);
        Path csv = Files.writeString(dir.resolve("labels.csv"), "1.jpg,zebra\n2.jpg,ant\n3.png,zebra\n");
        String out = dir.resolve("table").toString();
        FolderIngest.Outcome outcome = FolderIngest.run(spark, new FolderIngest.Settings(root.toString(), "test",
                csv.toUri().toString(), IngestEncoding.ORIGINAL, false, out, false));
        assertEquals(List.of("ant", "zebra"), outcome.classNames());
        Map<String, Row> rows = rowsById(ImageTable.read(spark, out));
        assertEquals(Map.of("test-zebra/1.jpg", 1, "test-ant/2.jpg", 0, "test-zebra/3.png", 1),
                rows.values().stream().collect(Collectors.toMap(r -> r.getString(0), r -> intOf(r, ImageTable.LABEL))));
    }

    @Test
    void corruptFileFailsNamingItAndLeavesTheExistingTableIntact() throws IOException {
        Path root = MixedFolderFixtures.writeClasses(dir.resolve("images"));
        String out = dir.resolve("table").toString();
        FolderIngest.run(spark, settings(root, out));
        List<String> before = children(Path.of(out));

        Path corrupt = MixedFolderFixtures.writeCorrupt(root.resolve("dog/broken.jpg"));
        FolderIngest.Settings overwrite = new FolderIngest.Settings(root.toUri().toString(), null, null,
                IngestEncoding.ORIGINAL, false, out, true);
        BadInputException e = assertThrows(BadInputException.class, () -> FolderIngest.run(spark, overwrite));
        assertMessage(e, corrupt.toString(), "is not a JPEG, PNG");
        assertEquals(4, ImageTable.read(spark, out).count());
        assertEquals(before, children(Path.of(out)));
        assertEquals(List.of("images", "table"), children(dir));

        // A fresh output is not created at all.
        String fresh = dir.resolve("fresh").toString();
        assertThrows(BadInputException.class, () -> FolderIngest.run(spark, settings(root, fresh)));
        assertEquals(List.of("images", "table"), children(dir));
    }

    @Test
    void skipBadListsRejectedFilesWithReasonsBesideTheTable() throws IOException {
        Path root = MixedFolderFixtures.writeClasses(dir.resolve("images"));
        Path corrupt = MixedFolderFixtures.writeCorrupt(root.resolve("dog/broken.jpg"));
        byte[] png = Files.readAllBytes(root.resolve("dog/d.png"));
        Path truncated = Files.write(root.resolve("cat/cut.png"), java.util.Arrays.copyOf(png, png.length / 2));
        String out = dir.resolve("table").toString();

        FolderIngest.Outcome outcome = FolderIngest.run(spark, skippingBad(settings(root, out)));
        assertEquals(2, outcome.rejected());
        assertEquals(Map.of("train", 4L), outcome.rowsPerSplit());
        assertEquals(4, ImageTable.read(spark, out).count()); // the rejected table is not read as rows

        List<Row> rejected = spark.read().parquet(RejectedFiles.pathOf(out)).collectAsList();
        assertEquals(2, rejected.size());
        assertTrue(rejected.get(0).getString(0).endsWith("cat/cut.png"), rejected.toString());
        assertTrue(rejected.get(1).getString(0).endsWith("dog/broken.jpg"), rejected.toString());
        assertTrue(rejected.get(0).getString(1).contains("not a readable PNG"), rejected.get(0).getString(1));
        assertTrue(rejected.get(1).getString(1).contains("is not a JPEG, PNG"), rejected.get(1).getString(1));
        assertTrue(rejected.get(1).getString(0).contains(corrupt.getFileName().toString()));
        assertTrue(rejected.get(0).getString(0).contains(truncated.getFileName().toString()));

        // Nothing bad: the rejected table is there, empty.
        Files.delete(corrupt);
        Files.delete(truncated);
        String clean = dir.resolve("clean").toString();
        assertEquals(0, FolderIngest.run(spark, skippingBad(settings(root, clean))).rejected());
        assertEquals(0, spark.read().parquet(RejectedFiles.pathOf(clean)).count());
    }

    @Test
    void resizeShorterShrinksLargeImagesToJpegAndKeepsSmallOnes() throws IOException {
        Path root = MixedFolderFixtures.writeClasses(dir.resolve("images"));
        String out = dir.resolve("table").toString();
        FolderIngest.run(spark, new FolderIngest.Settings(root.toString(), null, null, new IngestEncoding(20, 80),
                false, out, false));
        Map<String, Row> rows = rowsById(ImageTable.read(spark, out));
        // shorter side over 20: shrunk to 20, the longer side int(20 * long / short), as torchvision's Resize(20)
        Map<String, int[]> expected = Map.of(
                "train-cat/a.jpg", new int[] {20, 26, 1},
                "train-cat/sub/b.PNG", new int[] {50, 20, 3},
                "train-dog/c.JPEG", new int[] {20, 26, 3},
                "train-dog/d.png", new int[] {12, 10, 1});
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            Row row = rows.get(e.getKey());
            byte[] bytes = (byte[]) row.get(row.fieldIndex(ImageTable.IMAGE));
            DecodedImage image = ImageDecoder.decode(bytes, e.getKey());
            int[] size = e.getValue();
            assertEquals(size[0], image.height(), e.getKey());
            assertEquals(size[1], image.width(), e.getKey());
            assertEquals(size[2], image.channels(), e.getKey());
            assertEquals(size[0], intOf(row, ImageTable.HEIGHT), e.getKey());
            assertEquals(size[1], intOf(row, ImageTable.WIDTH), e.getKey());
            assertEquals(size[2], intOf(row, ImageTable.CHANNELS), e.getKey());
            boolean resized = size[0] != 50 && size[0] != 12;
            boolean jpeg = (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8;
            assertEquals(resized, jpeg, e.getKey() + " is re-encoded as JPEG only when shrunk");
        }
        String original = root.resolve("cat/sub/b.PNG").toString();
        assertArrayEquals(Files.readAllBytes(Path.of(original)),
                (byte[]) rows.get("train-cat/sub/b.PNG").get(rows.get("train-cat/sub/b.PNG").fieldIndex(ImageTable.IMAGE)));
    }

    @Test
    void missingRootEmptyClassAndNoClassesNameTheFolder() throws IOException {
        String out = dir.resolve("table").toString();
        BadInputException e = assertThrows(BadInputException.class,
                () -> FolderIngest.run(spark, settings(dir.resolve("absent"), out)));
        assertMessage(e, "absent", "does not exist");

        Path root = MixedFolderFixtures.writeClasses(dir.resolve("images"));
        Files.createDirectories(root.resolve("emu/.thumbs"));
        MixedFolderFixtures.write(root.resolve("emu/.thumbs/x.png"), 4, 4, 1);
        e = assertThrows(BadInputException.class, () -> FolderIngest.run(spark, settings(root, out)));
        assertMessage(e, "empty class folder", "emu");

        Path flat = dir.resolve("flat");
        MixedFolderFixtures.write(flat.resolve("x.png"), 4, 4, 1);
        e = assertThrows(BadInputException.class, () -> FolderIngest.run(spark, settings(flat, out)));
        assertMessage(e, "no class sub-folders", "flat");
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void tablesWrittenBeforeTheSizeColumnsStillRead() {
        String old = dir.resolve("old").toString();
        spark.sql("SELECT 'train-1' AS id, 1 AS label, X'00' AS image, 'train' AS split").write().parquet(old);
        Dataset<Row> table = ImageTable.read(spark, old);
        Row row = table.first();
        assertEquals("train-1", row.getString(row.fieldIndex(ImageTable.ID)));
        assertNull(row.get(row.fieldIndex(ImageTable.HEIGHT)));
        assertNull(row.get(row.fieldIndex(ImageTable.WIDTH)));
        assertNull(row.get(row.fieldIndex(ImageTable.CHANNELS)));
        assertEquals("int", table.schema().apply(ImageTable.CHANNELS).dataType().simpleString());
    }
}
