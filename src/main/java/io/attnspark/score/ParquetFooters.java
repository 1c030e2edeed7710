package io.attnspark.score;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Row counts read from Parquet footers on the driver, without a Spark job: each file's footer
 * records the rows of its row groups and, per column chunk, how many values are null. The counts
 * describe the files as written, so they do not depend on the code that produced the rows.
 */
final class ParquetFooters {

    /** Above this many files a caller should count with Spark instead (footers are read one by one). */
    static final int MAX_FILES = 256;

    private ParquetFooters() {}

    /**
     * Rows in a set of Parquet files and, optionally, the non-null values of one top-level column.
     *
     * @param rows all rows
     * @param nonNull rows where the column is not null; -1 when not asked or a footer lacks the
     *     column's null count
     */
    record Counts(long rows, long nonNull) {}

    /**
     * Lists a table folder's data files the way Spark does: files whose names do not start with
     * {@code _} or {@code .}, recursively.
     *
     * @param fs the file system
     * @param dir the folder
     * @return the files
     * @throws IOException if listing fails
     */
    static List<FileStatus> dataFiles(FileSystem fs, Path dir) throws IOException {
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                continue;
            }
            if (s.isDirectory()) {
                files.addAll(dataFiles(fs, s.getPath()));
            } else {
                files.add(s);
            }
        }
        return files;
    }

    /**
     * Sums the footers of the given files.
     *
     * @param conf the Hadoop configuration
     * @param files Parquet files
     * @param column a top-level column whose non-null values to count, or null
     * @return the counts
     * @throws IOException if a footer cannot be read
     */
    static Counts count(Configuration conf, List<FileStatus> files, String column) throws IOException {
        long rows = 0;
        long nonNull = column == null ? -1 : 0;
        for (FileStatus file : files) {
            ParquetMetadata footer;
            try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(file, conf))) {
                footer = reader.getFooter();
            }
            for (BlockMetaData block : footer.getBlocks()) {
                rows += block.getRowCount();
                if (nonNull >= 0) {
                    long nulls = nulls(block, column);
                    nonNull = nulls < 0 ? -1 : nonNull + block.getRowCount() - nulls;
                }
            }
        }
        return new Counts(rows, nonNull);
    }

    /** Nulls of a top-level column in a row group, or -1 when the footer does not say. */
    private static long nulls(BlockMetaData block, String column) {
        for (ColumnChunkMetaData chunk : block.getColumns()) {
            String[] path = chunk.getPath().toArray();
            if (path.length == 1 && path[0].equals(column)) {
                Statistics<?> stats = chunk.getStatistics();
                return stats == null || !stats.isNumNullsSet() ? -1 : stats.getNumNulls();
            }
        }
        return -1;
    }
}
