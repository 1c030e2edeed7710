package io.attnspark.score;

import io.attnspark.data.BadInputException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What to score: a Parquet table with an id column and an image bytes column (the project's image
 * tables, or any other), or a folder of PNG/JPEG files read on the executors with Spark's
 * {@code binaryFile} source (recursively; other files and hidden ones are skipped), whose ids are
 * the files' paths relative to the folder.
 */
public final class ScoringInput {

    /** How to read the input. */
    public enum Format {
        /** A Parquet table when the path holds Parquet files, else a folder of images. */
        AUTO,
        /** A Parquet table. */
        TABLE,
        /** A folder of PNG/JPEG files. */
        FOLDER;

        /**
         * Parses a format name.
         *
         * @param name auto, table or folder
         * @return the format
         * @throws IllegalArgumentException for another name
         */
        public static Format of(String name) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(name)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown input format '" + name + "'; valid: auto, table, folder");
        }
    }

    /** The id and image columns of a folder's rows. */
    public static final String FOLDER_ID = "id";
    /** The image column of a folder's rows. */
    public static final String FOLDER_IMAGE = "image";

    private static final String IMAGE_GLOB = "*.{png,PNG,jpg,JPG,jpeg,JPEG}";

    /**
     * The rows to score and the names of their id and image columns.
     *
     * @param rows the rows: at least the two columns
     * @param idColumn the id column
     * @param imageColumn the image column (binary)
     * @param kind "table" or "folder", for reports
     */
    public record Rows(Dataset<Row> rows, String idColumn, String imageColumn, String kind) {}

    private ScoringInput() {}

    /**
     * Opens the input and checks its columns.
     *
     * @param spark the session
     * @param path a table or a folder (any Hadoop file system)
     * @param format how to read it
     * @param idColumn the table's id column (tables only)
     * @param imageColumn the table's image column (tables only)
     * @return the rows
     * @throws BadInputException if the path is missing, a column is missing or of the wrong type
     *     (naming it and listing the table's columns), or a folder has no images
     */
    public static Rows open(SparkSession spark, String path, Format format, String idColumn, String imageColumn) {
        FileSystem fs;
        Path input = new Path(path);
        FileStatus status;
        try {
            fs = input.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(input)) {
                throw new BadInputException("missing input: " + path + " does not exist");
            }
            input = fs.makeQualified(input);
            status = fs.getFileStatus(input);
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot open input %s: %s", path, e), e);
        }
        Format resolved = format == Format.AUTO ? (isParquet(fs, status) ? Format.TABLE : Format.FOLDER) : format;
        return resolved == Format.TABLE
                ? table(spark, path, idColumn, imageColumn)
                : folder(spark, path, input, status);
    }

    private static boolean isParquet(FileSystem fs, FileStatus status) {
        if (!status.isDirectory()) {
            return status.getPath().getName().endsWith(".parquet");
        }
        try {
            for (FileStatus child : fs.listStatus(status.getPath())) {
                String name = child.getPath().getName();
                if (name.equals("_SUCCESS") || name.endsWith(".parquet")
                        || (child.isDirectory() && name.contains("=") && !name.startsWith("."))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot list input %s: %s", status.getPath(), e), e);
        }
    }

    private static Rows table(SparkSession spark, String path, String idColumn, String imageColumn) {
        Dataset<Row> rows;
        try {
            rows = spark.read().parquet(path);
        } catch (Exception e) { // AnalysisException: no Parquet files, unreadable footer
            throw new BadInputException(String.format(
                    Locale.ROOT, "cannot read input %s as a Parquet table: %s", path, e.getMessage()), e);
        }
        StructType schema = rows.schema();
        requireColumn(path, schema, imageColumn, "--image-col", DataTypes.BinaryType);
        requireColumn(path, schema, idColumn, "--id-col", null);
        return new Rows(rows, idColumn, imageColumn, "table");
    }

    private static void requireColumn(String path, StructType schema, String column, String option, DataType type) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "input table %s has no column '%s' (choose another with %s); its columns are %s",
                    path, column, option, columnList(schema)));
        }
        DataType actual = schema.apply(column).dataType();
        if (type != null && !actual.equals(type)) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "input table %s: column '%s' is %s, expected %s (PNG or JPEG bytes); its columns are %s",
                    path, column, actual.simpleString(), type.simpleString(), columnList(schema)));
        }
    }

    private static String columnList(StructType schema) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < schema.fields().length; i++) {
            s.append(i == 0 ? "" : ", ").append(schema.fields()[i].name()).append(' ')
                    .append(schema.fields()[i].dataType().simpleString());
        }
        return s.append(']').toString();
    }

    private static Rows folder(SparkSession spark, String path, Path root, FileStatus status) {
        if (!status.isDirectory()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "input %s is a file but not a Parquet table: give a table or a folder of PNG/JPEG images", path));
        }
        Dataset<Row> files = spark.read().format("binaryFile")
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", IMAGE_GLOB)
                .load(root.toString());
        String prefix = root.toString().endsWith("/") ? root.toString() : root + "/";
        Column filePath = functions.col("path");
        Column relative = functions.when(filePath.startsWith(prefix),
                functions.substring(filePath, prefix.length() + 1, Integer.MAX_VALUE)).otherwise(filePath);
        return new Rows(files.select(relative.as(FOLDER_ID), functions.col("content").as(FOLDER_IMAGE)),
                FOLDER_ID, FOLDER_IMAGE, "folder");
    }
}
