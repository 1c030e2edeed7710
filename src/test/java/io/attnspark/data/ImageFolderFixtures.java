package io.attnspark.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small image folders for tests: classes {@code cat} (gray PNGs and a JPEG) and {@code ant} (RGBA PNG). */
public final class ImageFolderFixtures {

    private ImageFolderFixtures() {}

    /**
     * Writes {@code root/cat/b.png} (gray 4x3), {@code root/cat/a.jpg} (gray JPEG 8x8),
     * {@code root/ant/x.png} (RGBA 2x2), and a {@code README} that must be skipped.
     *
     * @param root the folder to fill
     * @return the root
     * @throws IOException if writing fails
     */
    public static Path write(Path root) throws IOException {
        Files.createDirectories(root.resolve("cat"));
        Files.createDirectories(root.resolve("ant"));
        BufferedImage gray = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSamples(0, 0, 4, 3, 0, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 250, 255});
        ImageIO.write(gray, "png", root.resolve("cat/b.png").toFile());
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "jpeg", root.resolve("cat/a.jpg").toFile());
        BufferedImage rgba = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x40_11_22_33);
        rgba.setRGB(1, 1, 0xFF_FF_00_00);
        ImageIO.write(rgba, "png", root.resolve("ant/x.png").toFile());
        Files.writeString(root.resolve("cat/README"), "not an image");
        return root;
    }
}
