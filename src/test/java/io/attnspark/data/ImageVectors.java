package io.attnspark.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the committed image vectors made by {@code src/test/python/make_image_vectors.py}. */
final class ImageVectors {

    private static final String ROOT = "/vectors/images/";

    private ImageVectors() {}

    /** The bytes of one vector file. */
    static byte[] bytes(String file) {
        try (InputStream in = ImageVectors.class.getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new IllegalStateException("missing test vector " + ROOT + file
                        + "; regenerate with src/test/python/make_image_vectors.py");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows of a tab-separated table, comment lines skipped, each split into fields. */
    static List<String[]> table(String file) {
        List<String[]> rows = new ArrayList<>();
        for (String line : new String(bytes(file), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                rows.add(line.split("\t"));
            }
        }
        return rows;
    }

    /** A raw CHW vector as an image. */
    static DecodedImage image(String file, int channels, int height, int width) {
        return new DecodedImage(channels, height, width, bytes(file));
    }

    /** The largest absolute difference between two images of the same layout. */
    static int maxDifference(DecodedImage expected, DecodedImage actual) {
        if (expected.channels() != actual.channels() || expected.height() != actual.height()
                || expected.width() != actual.width()) {
            throw new AssertionError(String.format("layout differs: expected %dx%dx%d, got %dx%dx%d",
                    expected.channels(), expected.height(), expected.width(),
                    actual.channels(), actual.height(), actual.width()));
        }
        int max = 0;
        byte[] a = expected.pixels();
        byte[] b = actual.pixels();
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
        }
        return max;
    }
}
