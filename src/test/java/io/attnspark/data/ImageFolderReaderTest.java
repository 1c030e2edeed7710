package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

class ImageFolderReaderTest {

    @TempDir Path dir;

    private static void assertMessage(BadInputException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        }
    }

    @Test
    void classesAreSortedFolderNamesAndImagesKeepTheirChannels() throws IOException {
        Path root = ImageFolderFixtures.write(dir.resolve("root"));
        ImageFolderReader reader = ImageFolderReader.open(root, "val");
        assertEquals(List.of("ant", "cat"), reader.classNames());
        assertEquals(3, reader.count());
        List<ImageRecord> records = new ArrayList<>();
        reader.forEachRemaining(records::add);
        assertEquals(List.of("val-ant/x.png", "val-cat/a.jpg", "val-cat/b.png"),
                records.stream().map(ImageRecord::id).toList());
        assertEquals(List.of(0, 1, 1), records.stream().map(ImageRecord::label).toList());

        DecodedImage rgb = PngCodec.decode(records.get(0).png());
        assertEquals(3, rgb.channels());
        assertEquals(0x11, rgb.sample(0, 0, 0)); // alpha dropped, colour kept as it was
        assertEquals(0x22, rgb.sample(1, 0, 0));
        assertEquals(0x33, rgb.sample(2, 0, 0));
        assertEquals(0xFF, rgb.sample(0, 1, 1));

        DecodedImage jpeg = PngCodec.decode(records.get(1).png());
        assertEquals(1, jpeg.channels());
        assertEquals(8, jpeg.width());

        DecodedImage gray = PngCodec.decode(records.get(2).png());
        assertEquals(1, gray.channels());
        assertEquals(3, gray.height());
        assertEquals(4, gray.width());
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, (byte) 250, (byte) 255}, gray.pixels());
        assertEquals("val", records.get(2).split());
    }

    @Test
    void unreadableImageNamesTheFile() throws IOException {
        Path root = ImageFolderFixtures.write(dir.resolve("root"));
        Path broken = Files.writeString(root.resolve("cat/c.png"), "this is no png");
        ImageFolderReader reader = ImageFolderReader.open(root, "train");
        BadInputException e = assertThrows(BadInputException.class, () -> reader.forEachRemaining(r -> { }));
        assertMessage(e, broken.toString(), "not a PNG or JPEG");
    }

    @Test
    void truncatedJpegNamesTheFile() throws IOException {
        Path root = ImageFolderFixtures.write(dir.resolve("root"));
        byte[] jpeg = Files.readAllBytes(root.resolve("cat/a.jpg"));
        Path cut = Files.write(root.resolve("cat/a.jpg"), Arrays.copyOf(jpeg, 20));
        BadInputException e = assertThrows(
                BadInputException.class, () -> ImageFolderReader.open(root, "train").forEachRemaining(r -> { }));
        assertMessage(e, cut.toString());
    }

    @Test
    void emptyClassFolderIsNamed() throws IOException {
        Path root = ImageFolderFixtures.write(dir.resolve("root"));
        Path empty = Files.createDirectories(root.resolve("dog"));
        Files.writeString(empty.resolve("notes.txt"), "no images here");
        BadInputException e = assertThrows(BadInputException.class, () -> ImageFolderReader.open(root, "train"));
        assertMessage(e, "empty class folder", empty.toString());
    }

    @Test
    void missingRootAndRootWithoutClassesAreNamed() throws IOException {
        Path missing = dir.resolve("nowhere");
        BadInputException e = assertThrows(BadInputException.class, () -> ImageFolderReader.open(missing, "train"));
        assertMessage(e, missing.toString());
        Path flat = Files.createDirectories(dir.resolve("flat"));
        Files.writeString(flat.resolve("x.png"), "");
        e = assertThrows(BadInputException.class, () -> ImageFolderReader.open(flat, "train"));
        assertMessage(e, flat.toString(), "no class sub-folders");
    }
}
