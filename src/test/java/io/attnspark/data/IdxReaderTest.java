package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

    private static final IdxFixtures DATA = IdxFixtures.random(6, 3, 42);
    private static final int IMAGE_BYTES = IdxFixtures.ROWS * IdxFixtures.COLUMNS;

    @TempDir Path dir;

    private static List<ImageRecord> readAll(IdxReader reader) {
        List<ImageRecord> records = new ArrayList<>();
        try (reader) {
            reader.forEachRemaining(records::add);
        }
        return records;
    }

    private static void assertMessage(BadInputException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        }
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void readsEveryImageAndLabelExactly(boolean gzip) throws IOException {
        Path images = IdxFixtures.write(dir.resolve("img"), DATA.imageFileBytes(), gzip);
        Path labels = IdxFixtures.write(dir.resolve("lbl"), DATA.labelFileBytes(), gzip);
        IdxReader reader = IdxReader.open(images, labels, "test");
        assertEquals(6, reader.count());
        assertEquals(IdxFixtures.ROWS, reader.rows());
        assertEquals(IdxFixtures.COLUMNS, reader.columns());
        assertEquals(List.of(0, 1, 2), reader.labelValues());
        List<ImageRecord> records = readAll(reader);
        assertEquals(6, records.size());
        for (int i = 0; i < records.size(); i++) {
            ImageRecord record = records.get(i);
            assertEquals(String.format("test-%06d", i), record.id());
            assertEquals("test", record.split());
            assertEquals(DATA.labels[i], record.label());
            DecodedImage image = PngCodec.decode(record.png());
            assertEquals(1, image.channels());
            assertEquals(IdxFixtures.ROWS, image.height());
            assertEquals(IdxFixtures.COLUMNS, image.width());
            assertArrayEquals(DATA.images[i], image.pixels(), "image " + i);
        }
    }

    @Test
    void resolvePrefersGzipThenPlainAndNamesBothWhenMissing() throws IOException {
        IdxFixtures.write(dir.resolve("a"), new byte[1], false);
        assertEquals(dir.resolve("a"), IdxReader.resolve(dir, "a"));
        IdxFixtures.write(dir.resolve("a.gz"), new byte[1], true);
        assertEquals(dir.resolve("a.gz"), IdxReader.resolve(dir, "a"));
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.resolve(dir, "b"));
        assertMessage(e, "missing file", dir.resolve("b.gz").toString(), dir.resolve("b").toString());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path labels = IdxFixtures.write(dir.resolve("lbl"), DATA.labelFileBytes(), false);
        Path images = dir.resolve("no-such-images");
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.open(images, labels, "train"));
        assertMessage(e, "missing file", images.toString());
        Path noLabels = dir.resolve("no-such-labels");
        e = assertThrows(BadInputException.class, () -> IdxReader.open(images, noLabels, "train"));
        assertMessage(e, "missing file", noLabels.toString());
    }

    @Test
    void swappedFilesFailOnTheMagicNumber() throws IOException {
        Path images = IdxFixtures.write(dir.resolve("img.gz"), DATA.imageFileBytes(), true);
        Path labels = IdxFixtures.write(dir.resolve("lbl.gz"), DATA.labelFileBytes(), true);
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.open(labels, images, "train"));
        // The label file is read first, so it is the one named.
        assertMessage(e, images.toString(), "wrong magic number 0x00000803", "byte offset 0", "2049", "swapped");

        Path zeros = IdxFixtures.write(dir.resolve("zeros"), new byte[64], false);
        e = assertThrows(BadInputException.class, () -> IdxReader.open(zeros, labels, "train"));
        assertMessage(e, zeros.toString(), "wrong magic number 0x00000000", "byte offset 0", "2051");
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path images = IdxFixtures.write(dir.resolve("img"), DATA.imageFileBytes(), false);
        IdxFixtures fewer = IdxFixtures.random(5, 3, 1);
        Path labels = IdxFixtures.write(dir.resolve("lbl"), fewer.labelFileBytes(), false);
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.open(images, labels, "train"));
        assertMessage(e, "count mismatch", images.toString(), "6 images", labels.toString(), "5 labels");
    }

    @Test
    void truncatedPlainImagesFailOnOpenWithTheOffset() throws IOException {
        byte[] full = DATA.imageFileBytes();
        int cut = 16 + 2 * IMAGE_BYTES + 3;
        Path images = IdxFixtures.write(dir.resolve("img"), IdxFixtures.prefix(full, cut), false);
        Path labels = IdxFixtures.write(dir.resolve("lbl"), DATA.labelFileBytes(), false);
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.open(images, labels, "train"));
        assertMessage(e, images.toString(), "truncated", "byte offset " + cut, "6 images of 7x5");
    }

    @Test
    void truncatedGzipImagesFailWhileStreamingWithTheOffsetAndImage() throws IOException {
        byte[] full = DATA.imageFileBytes();
        int cut = 16 + 2 * IMAGE_BYTES + 3;
        Path images = IdxFixtures.write(dir.resolve("img.gz"), IdxFixtures.prefix(full, cut), true);
        Path labels = IdxFixtures.write(dir.resolve("lbl.gz"), DATA.labelFileBytes(), true);
        IdxReader reader = IdxReader.open(images, labels, "train");
        BadInputException e = assertThrows(BadInputException.class, () -> readAll(reader));
        assertMessage(e, images.toString(), "truncated", "byte offset " + cut + " (uncompressed)", "inside image 2");
    }

    @Test
    void cutOffGzipStreamIsReportedAsTruncated() throws IOException {
        Path whole = IdxFixtures.write(dir.resolve("whole.gz"), DATA.imageFileBytes(), true);
        byte[] compressed = Files.readAllBytes(whole);
        Path images = IdxFixtures.write(dir.resolve("img.gz"), IdxFixtures.prefix(compressed, compressed.length - 12), false);
        Path labels = IdxFixtures.write(dir.resolve("lbl"), DATA.labelFileBytes(), false);
        BadInputException e = assertThrows(BadInputException.class, () -> readAll(IdxReader.open(images, labels, "train")));
        assertMessage(e, images.toString(), "byte offset");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void truncatedLabelsFailOnOpenWithTheOffset(boolean gzip) throws IOException {
        Path images = IdxFixtures.write(dir.resolve("img"), DATA.imageFileBytes(), gzip);
        Path labels = IdxFixtures.write(dir.resolve("lbl"), IdxFixtures.prefix(DATA.labelFileBytes(), 8 + 4), gzip);
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.open(images, labels, "train"));
        assertMessage(e, labels.toString(), "truncated", "byte offset 12", "6 labels");
    }

    @Test
    void truncatedHeaderIsNamed() throws IOException {
        Path images = IdxFixtures.write(dir.resolve("img.gz"), IdxFixtures.prefix(DATA.imageFileBytes(), 10), true);
        Path labels = IdxFixtures.write(dir.resolve("lbl"), DATA.labelFileBytes(), false);
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.open(images, labels, "train"));
        assertMessage(e, images.toString(), "truncated", "byte offset 10", "header");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void extraBytesAfterTheLastImageAreAnError(boolean gzip) throws IOException {
        byte[] full = DATA.imageFileBytes();
        byte[] longer = Arrays.copyOf(full, full.length + 7);
        Path images = IdxFixtures.write(dir.resolve("img"), longer, gzip);
        Path labels = IdxFixtures.write(dir.resolve("lbl"), DATA.labelFileBytes(), gzip);
        BadInputException e = assertThrows(BadInputException.class, () -> readAll(IdxReader.open(images, labels, "train")));
        assertMessage(e, images.toString(), "byte offset " + full.length);
    }

    @Test
    void emptyReaderHasNothing() throws IOException {
        IdxFixtures none = IdxFixtures.random(0, 1, 1);
        Path images = IdxFixtures.write(dir.resolve("img"), none.imageFileBytes(), false);
        Path labels = IdxFixtures.write(dir.resolve("lbl"), none.labelFileBytes(), false);
        try (IdxReader reader = IdxReader.open(images, labels, "train")) {
            assertFalse(reader.hasNext());
        }
    }
}
