package io.attnspark.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Image folders of mixed sizes, formats and channels for the folder ingest tests. Images are noise
 * from a fixed seed, encoded with the project's own encoders, so their bytes can be compared with
 * what a table stores.
 */
public final class MixedFolderFixtures {

    /** One file the fixtures write: where, and the size and channels it decodes to. */
    public record Image(String path, int height, int width, int channels) {}

    /** The images of {@link #writeClasses}, under the root. */
    public static final Image[] CLASS_IMAGES = {
        new Image("cat/a.jpg", 30, 40, 1),
        new Image("cat/sub/b.PNG", 50, 20, 3),
        new Image("dog/c.JPEG", 48, 64, 3),
        new Image("dog/d.png", 12, 10, 1),
    };

    private MixedFolderFixtures() {}

    /**
     * Writes classes {@code cat} and {@code dog} ({@link #CLASS_IMAGES}: gray and RGB, JPEG and PNG,
     * extensions in any case, one in a sub-folder) plus files the ingest must not read as images: a
     * hidden file, a folder starting with '_', a text file, and an image directly in the root.
     *
     * @param root the folder to fill
     * @return the root
     * @throws IOException if writing fails
     */
    public static Path writeClasses(Path root) throws IOException {
        for (Image image : CLASS_IMAGES) {
            write(root.resolve(image.path()), image.height(), image.width(), image.channels());
        }
        write(root.resolve("dog/.hidden.png"), 5, 5, 1);
        write(root.resolve("_extras/e.png"), 5, 5, 1);
        Files.writeString(root.resolve("dog/notes.txt"), "not an image");
        write(root.resolve("top.png"), 6, 6, 3);
        return root;
    }

    /**
     * Writes one image: random pixels, as JPEG (quality 95) or PNG by the file's extension.
     *
     * @param file the file to write (folders are created)
     * @param height rows
     * @param width columns
     * @param channels 1 or 3
     * @return the file
     * @throws IOException if writing fails
     */
    public static Path write(Path file, int height, int width, int channels) throws IOException {
        Random random = new Random(file.getFileName().toString().hashCode());
        byte[] pixels = new byte[channels * height * width];
        random.nextBytes(pixels);
        DecodedImage image = new DecodedImage(channels, height, width, pixels);
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        byte[] bytes = name.endsWith(".png") ? PngCodec.encode(image) : JpegEncoder.encode(image, 95);
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    /**
     * Writes a file with an image's name whose bytes are not an image.
     *
     * @param file the file
     * @return the file
     * @throws IOException if writing fails
     */
    public static Path writeCorrupt(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "this is not a JPEG");
    }
}
