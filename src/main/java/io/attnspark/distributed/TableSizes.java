package io.attnspark.distributed;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The image sizes of a table, from its {@code height}, {@code width} and {@code channels} columns
 * (written by {@code ingest} since they exist): one aggregation over three int columns, so Parquet
 * reads no image bytes for it.
 *
 * @param minHeight the smallest height
 * @param maxHeight the largest height
 * @param minWidth the smallest width
 * @param maxWidth the largest width
 * @param maxChannels 3 if any image is colour, else 1
 * @param minChannels 1 if any image is gray, else 3
 * @param decodedBytes the pixels of all images, one byte per sample
 * @param images the rows counted
 */
record TableSizes(int minHeight, int maxHeight, int minWidth, int maxWidth, int maxChannels, int minChannels,
        long decodedBytes, long images) {

    private static final String HEIGHT = ImageTable.HEIGHT;
    private static final String WIDTH = ImageTable.WIDTH;
    private static final String CHANNELS = ImageTable.CHANNELS;

    /**
     * Reads the sizes of some rows of a table.
     *
     * @param rows the rows
     * @return the sizes, or empty when the table has no size columns (written before they existed) or
     *     no rows
     */
    static Optional<TableSizes> of(Dataset<Row> rows) {
        if (!Arrays.asList(rows.columns()).containsAll(java.util.List.of(HEIGHT, WIDTH, CHANNELS))) {
            return Optional.empty();
        }
        Row r = rows.agg(functions.min(HEIGHT), functions.max(HEIGHT), functions.min(WIDTH), functions.max(WIDTH),
                        functions.max(CHANNELS), functions.min(CHANNELS),
                        functions.sum(functions.col(HEIGHT).cast("long").multiply(functions.col(WIDTH))
                                .multiply(functions.col(CHANNELS))),
                        functions.count(functions.col(HEIGHT)))
                .first();
        if (r.isNullAt(0)) {
            return Optional.empty();
        }
        return Optional.of(new TableSizes(r.getInt(0), r.getInt(1), r.getInt(2), r.getInt(3), r.getInt(4), r.getInt(5),
                r.getLong(6), r.getLong(7)));
    }

    /**
     * Returns the decoded bytes of a share of the images, at the table's average image size.
     *
     * @param count images
     * @return bytes
     */
    long decodedBytesOf(long count) {
        return images == 0 ? 0 : (long) ((double) decodedBytes / images * count);
    }

    /**
     * Tells whether every image has one size and one channel count.
     *
     * @return true if so
     */
    boolean oneSize() {
        return minHeight == maxHeight && minWidth == maxWidth && minChannels == maxChannels;
    }

    /**
     * Describes the range of sizes for messages.
     *
     * @return for example {@code 60x31 to 500x498, gray and RGB}
     */
    String describe() {
        String kinds = minChannels == maxChannels ? (maxChannels == 1 ? "gray" : "RGB") : "gray and RGB";
        return oneSize()
                ? String.format(Locale.ROOT, "%dx%d %s", maxHeight, maxWidth, kinds)
                : String.format(Locale.ROOT, "heights %d to %d, widths %d to %d, %s", minHeight, maxHeight, minWidth,
                        maxWidth, kinds);
    }
}
