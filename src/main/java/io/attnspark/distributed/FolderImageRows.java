package io.attnspark.distributed;

import io.attnspark.data.BadInputException;
import io.attnspark.data.FolderLayout;
import io.attnspark.data.IngestEncoding;
import io.attnspark.data.StoredImage;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Turns the files of one partition of Spark's {@code binaryFile} source ({@code path}, {@code content})
 * into image table rows, on the executor: places each file ({@link FolderLayout}), decodes it (every
 * image is checked) and stores it as {@link IngestEncoding} says. A bad file either fails the task
 * with a {@link BadInputException} naming it, or, when bad files are skipped, is added to the
 * rejected accumulator with its reason. Rows are produced one at a time, so a task holds one image.
 */
final class FolderImageRows implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final FolderLayout layout;
    private final IngestEncoding encoding;
    private final boolean skipBad;
    private final CollectionAccumulator<RejectedFiles.Rejection> rejected;
    private final LongAccumulator ignored;

    /**
     * Creates the function.
     *
     * @param layout where files belong
     * @param encoding how images are stored
     * @param skipBad whether a bad file is rejected (true) or fails the job (false)
     * @param rejected collects rejected files
     * @param ignored counts images outside any class (see {@link FolderLayout#place})
     */
    FolderImageRows(FolderLayout layout, IngestEncoding encoding, boolean skipBad,
            CollectionAccumulator<RejectedFiles.Rejection> rejected, LongAccumulator ignored) {
        this.layout = layout;
        this.encoding = encoding;
        this.skipBad = skipBad;
        this.rejected = rejected;
        this.ignored = ignored;
    }

    /** {@inheritDoc} */
    @Override
    public Iterator<Row> call(Iterator<Row> files) {
        return new Iterator<>() {
            private Row next;

            @Override
            public boolean hasNext() {
                while (next == null && files.hasNext()) {
                    next = toRow(files.next());
                }
                return next != null;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("no more files in this partition");
                }
                Row row = next;
                next = null;
                return row;
            }
        };
    }

    /** The file's row, or null when it is ignored or rejected. */
    private Row toRow(Row file) {
        String path = file.getString(0);
        try {
            FolderLayout.Placement placement = layout.place(layout.relative(path));
            if (placement == null) {
                ignored.add(1);
                return null;
            }
            StoredImage image = encoding.apply((byte[]) file.get(1), path);
            return RowFactory.create(placement.id(), placement.label(), image.bytes(), placement.split(),
                    image.height(), image.width(), image.channels());
        } catch (BadInputException e) {
            if (!skipBad) {
                throw e;
            }
            rejected.add(new RejectedFiles.Rejection(path, e.getMessage()));
            return null;
        }
    }
}
