package io.attnspark.distributed;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The files an {@code ingest folder --skip-bad} run left out, as a Parquet table {@code _rejected}
 * inside the image table's folder: columns {@code path} (the file, as the listing names it) and
 * {@code reason}. Spark's Parquet reader skips names that start with '_', so the image table reads
 * as before, and the rejected table is written and renamed into place together with it.
 */
public final class RejectedFiles {

    /** The rejected table's folder name inside the image table. */
    public static final String FOLDER = "_rejected";
    /** Column: the file, string. */
    public static final String PATH = "path";
    /** Column: why it was left out, string. */
    public static final String REASON = "reason";

    /**
     * One file left out.
     *
     * @param path the file
     * @param reason why
     */
    public record Rejection(String path, String reason) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private RejectedFiles() {}

    /**
     * Returns where an image table's rejected files are listed.
     *
     * @param table the image table's path
     * @return {@code <table>/_rejected}
     */
    public static String pathOf(String table) {
        return new Path(table, FOLDER).toString();
    }

    /**
     * Writes the rejected files (sorted by path) as one Parquet file inside a table being written.
     *
     * @param spark the session
     * @param rejections the files, in any order
     * @param table the (temporary) image table folder
     */
    static void write(SparkSession spark, List<Rejection> rejections, Path table) {
        List<Rejection> sorted = new ArrayList<>(rejections);
        sorted.sort(Comparator.comparing(Rejection::path));
        List<Row> rows = new ArrayList<>();
        for (Rejection r : sorted) {
            rows.add(RowFactory.create(r.path(), r.reason()));
        }
        StructType schema = new StructType(new StructField[] {
            new StructField(PATH, DataTypes.StringType, false, Metadata.empty()),
            new StructField(REASON, DataTypes.StringType, false, Metadata.empty()),
        });
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(new Path(table, FOLDER).toString());
    }
}
