package io.attnspark.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Small synthetic IDX files for tests: known pixels and labels, written gzipped or plain. */
public final class IdxFixtures {

    /** Image height of the fixtures: not equal to the width, so a transposition shows. */
    public static final int ROWS = 7;
    /** Image width of the fixtures. */
    public static final int COLUMNS = 5;

    /** The images, one array of ROWS*COLUMNS pixels each. */
    public final byte[][] images;
    /** The labels, one per image. */
    public final byte[] labels;

    private IdxFixtures(byte[][] images, byte[] labels) {
        this.images = images;
        this.labels = labels;
    }

    /**
     * Makes random images covering the full 0..255 range, with labels 0..classes-1.
     *
     * @param count the number of images
     * @param classes the number of label values
     * @param seed the random seed
     * @return the fixture
     */
    public static IdxFixtures random(int count, int classes, long seed) {
        Random random = new Random(seed);
        byte[][] images = new byte[count][ROWS * COLUMNS];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            random.nextBytes(images[i]);
            labels[i] = (byte) (i % classes);
        }
        // The extremes must survive the round trip too.
        if (count > 0) {
            images[0][0] = 0;
            images[0][1] = (byte) 255;
        }
        return new IdxFixtures(images, labels);
    }

    /**
     * Returns the bytes of the IDX image file.
     *
     * @return header (magic 2051, count, rows, columns) and pixels
     */
    public byte[] imageFileBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(IdxReader.IMAGES_MAGIC);
            out.writeInt(images.length);
            out.writeInt(ROWS);
            out.writeInt(COLUMNS);
            for (byte[] image : images) {
                out.write(image);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Returns the bytes of the IDX label file.
     *
     * @return header (magic 2049, count) and labels
     */
    public byte[] labelFileBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(IdxReader.LABELS_MAGIC);
            out.writeInt(labels.length);
            out.write(labels);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Writes bytes to a file, gzipped or plain.
     *
     * @param file the file
     * @param content the (uncompressed) content
     * @param gzip whether to gzip
     * @return the file
     * @throws IOException if writing fails
     */
    public static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    /**
     * Returns the first bytes of an array, for truncated files.
     *
     * @param content the bytes
     * @param length how many to keep
     * @return the prefix
     */
    public static byte[] prefix(byte[] content, int length) {
        return Arrays.copyOf(content, length);
    }
}
