package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageNetLikeFolderTest {

    @TempDir Path dir;

    /** A small Fashion-MNIST stand-in: 7x5 IDX images of 10 classes under the real file names. */
    private Path source() throws IOException {
        Path source = Files.createDirectories(dir.resolve("fmnist"));
        IdxFixtures train = IdxFixtures.random(40, 10, 1);
        IdxFixtures test = IdxFixtures.random(20, 10, 2);
        IdxFixtures.write(source.resolve(FashionMnist.TRAIN_IMAGES + ".gz"), train.imageFileBytes(), true);
        IdxFixtures.write(source.resolve(FashionMnist.TRAIN_LABELS + ".gz"), train.labelFileBytes(), true);
        IdxFixtures.write(source.resolve(FashionMnist.TEST_IMAGES), test.imageFileBytes(), false);
        IdxFixtures.write(source.resolve(FashionMnist.TEST_LABELS), test.labelFileBytes(), false);
        return source;
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void writesSplitClassFoldersOfVariedSizesFormatsAndColours() throws IOException {
        Path source = source();
        Path out = dir.resolve("inet");
        ImageNetLikeFolder.Summary summary =
                ImageNetLikeFolder.write(new ImageNetLikeFolder.Settings(source, out, 50, 20, 10, 7));
        assertEquals(40, summary.train());
        assertEquals(10, summary.val());
        List<Path> files = files(out);
        assertEquals(50, files.size());
        assertEquals(summary.bytes(), files.stream().mapToLong(f -> f.toFile().length()).sum());

        int png = 0;
        int gray = 0;
        for (Path file : files) {
            Path relative = out.relativize(file);
            assertEquals(3, relative.getNameCount(), relative.toString());
            String split = relative.getName(0).toString();
            assertTrue(split.equals("train") || split.equals("val"), relative.toString());
            String className = relative.getName(1).toString();
            assertTrue(FashionMnist.CLASS_NAMES.stream().map(ImageNetLikeFolder::folderName).toList().contains(className),
                    className);
            DecodedImage image = ImageDecoder.decode(Files.readAllBytes(file), file.toString());
            int h = image.height();
            int w = image.width();
            assertTrue(h >= 60 && h <= 500 && w >= 60 && w <= 500, relative + " is " + h + "x" + w);
            assertTrue(2 * h >= w && 2 * w >= h, relative + " is " + h + "x" + w);
            String name = relative.getFileName().toString();
            boolean isPng = name.endsWith(".png");
            assertEquals(isPng, (Files.readAllBytes(file)[0] & 0xFF) == 0x89, name);
            assertTrue(isPng || name.endsWith(".jpg") || name.endsWith(".JPEG"), name);
            png += isPng ? 1 : 0;
            gray += image.channels() == 1 ? 1 : 0;
        }
        assertEquals(summary.png(), png);
        assertEquals(summary.gray(), gray);
        assertTrue(png > 0 && png < 50, "PNGs: " + png);
        assertTrue(gray > 0 && gray < 25, "gray: " + gray);
    }

    @Test
    void sameSeedSameFilesAndAnotherSeedOthers() throws IOException {
        Path source = source();
        ImageNetLikeFolder.write(new ImageNetLikeFolder.Settings(source, dir.resolve("a"), 12, 25, 2, 3));
        ImageNetLikeFolder.write(new ImageNetLikeFolder.Settings(source, dir.resolve("b"), 12, 25, 2, 3));
        ImageNetLikeFolder.write(new ImageNetLikeFolder.Settings(source, dir.resolve("c"), 12, 25, 2, 4));
        List<Path> a = files(dir.resolve("a"));
        List<Path> b = files(dir.resolve("b"));
        assertEquals(a.stream().map(p -> dir.resolve("a").relativize(p)).toList(),
                b.stream().map(p -> dir.resolve("b").relativize(p)).toList());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(Files.readAllBytes(a.get(i)), Files.readAllBytes(b.get(i)), a.get(i).toString());
        }
        List<Path> c = files(dir.resolve("c"));
        boolean differs = false;
        for (int i = 0; i < Math.min(a.size(), c.size()); i++) {
            differs |= Files.size(a.get(i)) != Files.size(c.get(i));
        }
        assertTrue(differs || a.size() != c.size());
    }

    @Test
    void badSettingsAndANonEmptyOutputAreNamed() throws IOException {
        Path source = source();
        Path out = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        BadInputException e = assertThrows(BadInputException.class,
                () -> ImageNetLikeFolder.write(new ImageNetLikeFolder.Settings(source, out, 10, 20, 2, 1)));
        assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains("not empty"), e.getMessage());
        assertEquals(List.of(out.resolve("keep.txt")), files(out));

        e = assertThrows(BadInputException.class, () -> ImageNetLikeFolder.write(
                new ImageNetLikeFolder.Settings(source, dir.resolve("many"), 100, 20, 2, 1)));
        assertTrue(e.getMessage().contains("only 40"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("many")));

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new ImageNetLikeFolder.Settings(source, out, 10, 100, 2, 1));
        assertTrue(bad.getMessage().toLowerCase(Locale.ROOT).contains("validation"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ImageNetLikeFolder.Settings(source, out, 1, 20, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new ImageNetLikeFolder.Settings(source, out, 10, 20, 101, 1));
        assertEquals("t-shirt-top", ImageNetLikeFolder.folderName("T-shirt/top"));
        assertEquals("ankle-boot", ImageNetLikeFolder.folderName("Ankle boot"));
    }
}
