package io.attnspark.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * Reads a pair of IDX files in the MNIST format (http://yann.lecun.com/exdb/mnist/): an image file
 * (magic 2051: unsigned bytes, three dimensions count x rows x columns) and a label file (magic
 * 2049: unsigned bytes, one dimension count), each gzipped or plain. Yields one {@link ImageRecord}
 * per image, encoded as a grayscale PNG, with ids {@code <split>-000000}, {@code <split>-000001}...
 *
 * <p>Labels (one byte per image) are read and checked when the reader opens, so a bad label file
 * fails before any work; images are streamed. Every malformation is a {@link BadInputException}
 * naming the file and the byte offset, counted in uncompressed bytes for gzipped files.
 */
public final class IdxReader implements Iterator<ImageRecord>, Closeable {

    /** Magic number of an IDX file of unsigned bytes with three dimensions: images. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with one dimension: labels. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int IMAGES_HEADER_BYTES = 16;
    private static final int LABELS_HEADER_BYTES = 8;

    private final IdxStream images;
    private final byte[] labels;
    private final int rows;
    private final int columns;
    private final String split;
    private int nextIndex;

    private IdxReader(IdxStream images, byte[] labels, int rows, int columns, String split) {
        this.images = images;
        this.labels = labels;
        this.rows = rows;
        this.columns = columns;
        this.split = split;
    }

    /**
     * Finds a dataset file in a folder, accepting it gzipped ({@code name.gz}, preferred) or plain.
     *
     * @param dir the folder
     * @param baseName the file name without {@code .gz}
     * @return the path of the file that exists
     * @throws BadInputException if neither exists
     */
    public static Path resolve(Path dir, String baseName) {
        Path gzipped = dir.resolve(baseName + ".gz");
        if (Files.isRegularFile(gzipped)) {
            return gzipped;
        }
        Path plain = dir.resolve(baseName);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new BadInputException(String.format(
                Locale.ROOT, "missing file: neither %s nor %s exists", gzipped, plain));
    }

    /**
     * Opens an image file and its label file, checking both headers and reading all labels.
     *
     * @param imagesFile the IDX image file (magic 2051), gzipped or plain
     * @param labelsFile the IDX label file (magic 2049), gzipped or plain
     * @param split the split name given to every record
     * @return a reader positioned before the first image; close it when done
     * @throws BadInputException if a file is missing, has a wrong magic number, the counts differ,
     *     or the label file is truncated or longer than its header says
     */
    public static IdxReader open(Path imagesFile, Path labelsFile, String split) {
        byte[] labels = readLabels(labelsFile);
        IdxStream images = IdxStream.open(imagesFile);
        try {
            expectMagic(images, IMAGES_MAGIC, "image");
            int count = images.readInt("image count");
            int rows = images.readInt("row count");
            int columns = images.readInt("column count");
            // Images larger than 2^28 pixels are surely a corrupt header, not a dataset.
            if (count < 0 || rows <= 0 || columns <= 0 || (long) rows * columns > (1 << 28)) {
                throw new BadInputException(String.format(
                        Locale.ROOT, "%s: bad IDX image header: %d images of %dx%d pixels",
                        imagesFile, count, rows, columns));
            }
            if (count != labels.length) {
                throw new BadInputException(String.format(
                        Locale.ROOT, "image/label count mismatch: %s has %d images but %s has %d labels",
                        imagesFile, count, labelsFile, labels.length));
            }
            images.expectPlainSize((long) IMAGES_HEADER_BYTES + (long) count * rows * columns,
                    String.format(Locale.ROOT, "%d images of %dx%d pixels", count, rows, columns));
            return new IdxReader(images, labels, rows, columns, split);
        } catch (RuntimeException e) {
            images.close();
            throw e;
        }
    }

    private static byte[] readLabels(Path labelsFile) {
        try (IdxStream in = IdxStream.open(labelsFile)) {
            expectMagic(in, LABELS_MAGIC, "label");
            int count = in.readInt("label count");
            if (count < 0) {
                throw new BadInputException(String.format(
                        Locale.ROOT, "%s: bad IDX label header: negative count %d", labelsFile, count));
            }
            String promise = String.format(Locale.ROOT, "%d labels", count);
            in.expectPlainSize((long) LABELS_HEADER_BYTES + count, promise);
            byte[] labels = new byte[count];
            in.readFully(labels, "the header promises " + promise + " but the file ends before them all");
            in.expectEnd(promise);
            return labels;
        }
    }

    private static void expectMagic(IdxStream in, int expected, String kind) {
        int magic = in.readInt("magic number");
        if (magic != expected) {
            throw new BadInputException(String.format(
                    Locale.ROOT,
                    "%s: wrong magic number 0x%08x at byte offset 0, expected 0x%08x (%d) for an IDX %s file%s",
                    in.file, magic, expected, expected, kind,
                    magic == IMAGES_MAGIC || magic == LABELS_MAGIC ? " (are images and labels swapped?)" : ""));
        }
    }

    /**
     * Returns the number of images (equal to the number of labels).
     *
     * @return the count from the headers
     */
    public int count() {
        return labels.length;
    }

    /**
     * Returns the image height in pixels.
     *
     * @return the rows of every image
     */
    public int rows() {
        return rows;
    }

    /**
     * Returns the image width in pixels.
     *
     * @return the columns of every image
     */
    public int columns() {
        return columns;
    }

    /**
     * Returns the distinct label values, sorted; class names default to these when none are given.
     *
     * @return the label values present in the label file
     */
    public List<Integer> labelValues() {
        boolean[] seen = new boolean[256];
        for (byte label : labels) {
            seen[label & 0xFF] = true;
        }
        List<Integer> values = new ArrayList<>();
        for (int value = 0; value < seen.length; value++) {
            if (seen[value]) {
                values.add(value);
            }
        }
        return values;
    }

    /** {@inheritDoc} */
    @Override
    public boolean hasNext() {
        return nextIndex < labels.length;
    }

    /**
     * Reads the next image and encodes it as a grayscale PNG.
     *
     * @return the record with id {@code <split>-<index, 6 digits>}
     * @throws BadInputException if the image file ends early or holds more than its header says
     */
    @Override
    public ImageRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more images in " + images.file);
        }
        byte[] pixels = new byte[rows * columns];
        images.readFully(pixels, String.format(
                Locale.ROOT, "the header promises %d images of %dx%d pixels but the file ends inside image %d",
                labels.length, rows, columns, nextIndex));
        int index = nextIndex++;
        if (nextIndex == labels.length) {
            images.expectEnd(String.format(Locale.ROOT, "%d images of %dx%d pixels", labels.length, rows, columns));
        }
        String id = String.format(Locale.ROOT, "%s-%06d", split, index);
        return new ImageRecord(id, labels[index] & 0xFF, PngCodec.encode(pixels, 1, rows, columns), split, rows, columns, 1);
    }

    /** Closes the image file. */
    @Override
    public void close() {
        images.close();
    }

    /** A big-endian byte stream over one IDX file that knows its name and position for errors. */
    private static final class IdxStream implements Closeable {
        private final Path file;
        private final InputStream in;
        private final boolean gzipped;
        private long offset;

        private IdxStream(Path file, InputStream in, boolean gzipped) {
            this.file = file;
            this.in = in;
            this.gzipped = gzipped;
        }

        static IdxStream open(Path file) {
            InputStream raw = null;
            try {
                raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                // Decide by content, not name: a gzip stream starts with 1f 8b.
                raw.mark(2);
                boolean gzipped = raw.read() == 0x1f && raw.read() == 0x8b;
                raw.reset();
                InputStream in = gzipped ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
                return new IdxStream(file, in, gzipped);
            } catch (NoSuchFileException e) {
                throw new BadInputException("missing file: " + file, e);
            } catch (IOException e) {
                closeQuietly(raw);
                throw new BadInputException(String.format(
                        Locale.ROOT, "cannot read %s: %s", file, e), e);
            }
        }

        int readInt(String field) {
            byte[] four = new byte[4];
            readFully(four, "the file ends inside its IDX header, in the " + field);
            return ((four[0] & 0xFF) << 24) | ((four[1] & 0xFF) << 16) | ((four[2] & 0xFF) << 8) | (four[3] & 0xFF);
        }

        /** Fills the buffer or fails naming the offset where the data ran out and what was expected. */
        void readFully(byte[] buffer, String expectation) {
            int filled = 0;
            try {
                while (filled < buffer.length) {
                    int n = in.read(buffer, filled, buffer.length - filled);
                    if (n < 0) {
                        break;
                    }
                    filled += n;
                }
            } catch (EOFException e) {
                // GZIPInputStream reports a cut-off compressed stream this way.
                offset += filled;
                throw truncated(expectation, e);
            } catch (IOException e) {
                offset += filled;
                throw new BadInputException(String.format(
                        Locale.ROOT, "%s: cannot read at byte offset %d%s: %s", file, offset, uncompressedNote(), e), e);
            }
            offset += filled;
            if (filled < buffer.length) {
                throw truncated(expectation, null);
            }
        }

        /** Plain files can be checked against the header before reading them. */
        void expectPlainSize(long expectedBytes, String promise) {
            if (gzipped) {
                return;
            }
            try {
                long size = Files.size(file);
                if (size < expectedBytes) {
                    throw new BadInputException(String.format(
                            Locale.ROOT, "%s is truncated at byte offset %d: the header promises %s (%d bytes in all)",
                            file, size, promise, expectedBytes));
                }
                if (size > expectedBytes) {
                    throw new BadInputException(String.format(
                            Locale.ROOT, "%s has %d bytes after the data its header promises (%s), from byte offset %d",
                            file, size - expectedBytes, promise, expectedBytes));
                }
            } catch (IOException e) {
                throw new BadInputException(String.format(Locale.ROOT, "cannot read %s: %s", file, e), e);
            }
        }

        /** Extra data means the header's count is wrong, so the labels may not match the images. */
        void expectEnd(String promise) {
            try {
                if (in.read() >= 0) {
                    throw new BadInputException(String.format(
                            Locale.ROOT, "%s has more data than its header promises (%s): extra bytes at byte offset %d%s",
                            file, promise, offset, uncompressedNote()));
                }
            } catch (IOException e) {
                throw new BadInputException(String.format(
                        Locale.ROOT, "%s: cannot read at byte offset %d%s: %s", file, offset, uncompressedNote(), e), e);
            }
        }

        private BadInputException truncated(String expectation, Throwable cause) {
            String message = String.format(
                    Locale.ROOT, "%s is truncated at byte offset %d%s: %s",
                    file, offset, uncompressedNote(), expectation);
            return cause == null ? new BadInputException(message) : new BadInputException(message, cause);
        }

        private String uncompressedNote() {
            return gzipped ? " (uncompressed)" : "";
        }

        @Override
        public void close() {
            closeQuietly(in);
        }

        private static void closeQuietly(InputStream stream) {
            if (stream != null) {
                try {
                    stream.close();
                } catch (IOException ignored) {
                    // Reading is over; a failure to release the file changes nothing for the caller.
                }
            }
        }
    }
}
