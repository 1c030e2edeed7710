package io.attnspark.distributed;

import io.attnspark.data.BadInputException;
import io.attnspark.data.ImageRecord;
import io.attnspark.data.PngCodec;
import io.attnspark.data.DecodedImage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing and reading image tables; one local Spark session for the whole class. */
class ImageTableTest {

    private static final List<String> CLASSES = List.of("zero", "one", "two");

    private static SparkSession spark;

    @TempDir Path dir;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("ImageTableTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static ImageRecord record(int index, int label, String split) {
        byte[] pixels = {(byte) index, (byte) label, 0, (byte) 255};
        return new ImageRecord(split + "-" + index, label, PngCodec.encode(pixels, 1, 2, 2), split);
    }

    private static List<ImageRecord> records() {
        return List.of(record(0, 0, "train"), record(1, 2, "train"), record(2, 1, "test"));
    }

    /** Yields the given records, then fails as a reader meeting bad input half-way would. */
    private static Iterator<ImageRecord> failingAfter(List<ImageRecord> records) {
        Iterator<ImageRecord> good = records.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public ImageRecord next() {
                if (good.hasNext()) {
                    return good.next();
                }
                throw new BadInputException("broken.idx is truncated at byte offset 99");
            }
        };
    }

    private static List<String> siblings(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesReadsAndKeepsClassNamesAndOverwritesAtomically() throws IOException {
        String out = dir.resolve("table").toString();
        Map<String, Long> counts = ImageTable.write(spark, records().iterator(), CLASSES, out, false);
        assertEquals(Map.of("train", 2L, "test", 1L), counts);
        assertEquals(List.of("train", "test"), List.copyOf(counts.keySet()));

        Dataset<Row> table = ImageTable.read(spark, out);
        assertEquals(CLASSES, ImageTable.classNames(table));
        assertEquals(CLASSES, ImageTable.classNames(table.filter("split = 'train'").select("label", "image")));
        Map<String, Row> rowsById = table.collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(r.fieldIndex("id")), r -> r));
        assertEquals(3, rowsById.size());
        for (ImageRecord expected : records()) {
            Row row = rowsById.get(expected.id());
            assertEquals(expected.label(), row.getInt(row.fieldIndex("label")));
            assertEquals(expected.split(), row.getString(row.fieldIndex("split")));
            assertArrayEquals(expected.png(), (byte[]) row.get(row.fieldIndex("image")));
        }
        Row second = table.filter(functions.col("id").equalTo("train-1")).first();
        DecodedImage image = PngCodec.decode((byte[]) second.get(second.fieldIndex("image")));
        assertArrayEquals(new byte[] {1, 2, 0, (byte) 255}, image.pixels());

        // Without --overwrite an existing table is an error naming it, and stays as it was.
        BadInputException exists = assertThrows(BadInputException.class,
                () -> ImageTable.write(spark, records().iterator(), CLASSES, out, false));
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
        assertTrue(exists.getMessage().contains("table"), exists.getMessage());

        // A failing overwrite leaves the old table intact and no temporary files behind.
        BadInputException failed = assertThrows(BadInputException.class,
                () -> ImageTable.write(spark, failingAfter(records()), CLASSES, out, true));
        assertTrue(failed.getMessage().contains("broken.idx"), failed.getMessage());
        assertEquals(3, ImageTable.read(spark, out).count());
        assertEquals(List.of("table"), siblings(dir));

        // A label outside the class names fails the write, naming the record.
        BadInputException badLabel = assertThrows(BadInputException.class,
                () -> ImageTable.write(spark, List.of(record(7, 3, "train")).iterator(), CLASSES, out, true));
        assertTrue(badLabel.getMessage().contains("train-7"), badLabel.getMessage());
        assertEquals(List.of("table"), siblings(dir));

        // A successful overwrite replaces the table.
        ImageTable.write(spark, List.of(record(5, 1, "test")).iterator(), List.of("a", "b"), out, true);
        Dataset<Row> replaced = ImageTable.read(spark, out);
        assertEquals(1, replaced.count());
        assertEquals(List.of("a", "b"), ImageTable.classNames(replaced));
        assertEquals(List.of("table"), siblings(dir));
    }

    @Test
    void failedWriteLeavesNoOutput() throws IOException {
        Path out = dir.resolve("new-table");
        assertThrows(BadInputException.class,
                () -> ImageTable.write(spark, failingAfter(records()), CLASSES, out.toString(), false));
        assertFalse(Files.exists(out));
        assertEquals(List.of(), siblings(dir));
    }

    @Test
    void readNamesThePathAndTheMissingOrWrongColumn() throws IOException {
        String missing = dir.resolve("absent").toString();
        BadInputException e = assertThrows(BadInputException.class, () -> ImageTable.read(spark, missing));
        assertTrue(e.getMessage().contains(missing), e.getMessage());

        Path emptyDir = dir.resolve("empty");
        Files.createDirectories(emptyDir);
        e = assertThrows(BadInputException.class, () -> ImageTable.read(spark, emptyDir.toString()));
        assertTrue(e.getMessage().contains(emptyDir.toString()), e.getMessage());

        String noSplit = dir.resolve("no-split").toString();
        spark.sql("SELECT 'a' AS id, 1 AS label, X'00' AS image").write().parquet(noSplit);
        e = assertThrows(BadInputException.class, () -> ImageTable.read(spark, noSplit));
        assertTrue(e.getMessage().contains(noSplit) && e.getMessage().contains("'split'"), e.getMessage());

        String longLabel = dir.resolve("long-label").toString();
        spark.sql("SELECT 'a' AS id, CAST(1 AS BIGINT) AS label, X'00' AS image, 'train' AS split")
                .write().parquet(longLabel);
        e = assertThrows(BadInputException.class, () -> ImageTable.read(spark, longLabel));
        assertTrue(e.getMessage().contains(longLabel) && e.getMessage().contains("'label' is bigint"), e.getMessage());
        Dataset<Row> noNames = spark.read().parquet(longLabel);
        e = assertThrows(BadInputException.class, () -> ImageTable.classNames(noNames));
        assertTrue(e.getMessage().contains("classes"), e.getMessage());
    }
}
