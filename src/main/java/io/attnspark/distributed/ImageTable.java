package io.attnspark.distributed;

import io.attnspark.data.BadInputException;
import io.attnspark.data.ImageRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The image table: Parquet with columns {@code id} (string), {@code label} (int), {@code image} (PNG
 * bytes) and {@code split} (string), the class names stored as metadata {@code classes} on
 * {@code label}. Spark keeps a field's metadata in the Parquet footer, so the names travel with
 * the data and come back with {@link #classNames(Dataset)}.
 *
 * <p>Writes are all-or-nothing: rows go to a temporary sibling {@code <out>._tmp-<uuid>} that is
 * renamed into place through the Hadoop FileSystem API (so {@code file://}, {@code hdfs://} and
 * {@code s3a://} all work) only once every row is written. On failure the temporary path is
 * deleted and an existing table is left as it was.
 */
public final class ImageTable {

    /** Column: stable row id, string. */
    public static final String ID = "id";
    /** Column: class index into the class names, int. */
    public static final String LABEL = "label";
    /** Column: the image as PNG bytes, binary. */
    public static final String IMAGE = "image";
    /** Column: split name such as {@code train} or {@code test}, string. */
    public static final String SPLIT = "split";
    /** Metadata key on {@link #LABEL} holding the class names as a string array. */
    public static final String CLASSES_KEY = "classes";

    // Rows are gathered on the driver in chunks and shipped inside tasks: chunks stay far below
    // spark.rpc.message.maxSize (128 MiB), and each task carries about one Parquet file's worth.
    private static final long CHUNK_BYTES = 48L << 20;
    private static final int CHUNK_ROWS = 200_000;
    private static final long BYTES_PER_FILE = 8L << 20;
    private static final int ROW_OVERHEAD_BYTES = 64;

    private static final Map<String, DataType> COLUMN_TYPES = columnTypes();

    private ImageTable() {}

    private static Map<String, DataType> columnTypes() {
        Map<String, DataType> types = new LinkedHashMap<>();
        types.put(ID, DataTypes.StringType);
        types.put(LABEL, DataTypes.IntegerType);
        types.put(IMAGE, DataTypes.BinaryType);
        types.put(SPLIT, DataTypes.StringType);
        return types;
    }

    /**
     * Returns the table schema with the class names as metadata on {@code label}.
     *
     * @param classNames the class names, indexed by label
     * @return the schema
     */
    public static StructType schema(List<String> classNames) {
        Metadata classes = new MetadataBuilder()
                .putStringArray(CLASSES_KEY, classNames.toArray(new String[0]))
                .build();
        return new StructType(new StructField[] {
            new StructField(ID, DataTypes.StringType, false, Metadata.empty()),
            new StructField(LABEL, DataTypes.IntegerType, false, classes),
            new StructField(IMAGE, DataTypes.BinaryType, false, Metadata.empty()),
            new StructField(SPLIT, DataTypes.StringType, false, Metadata.empty()),
        });
    }

    /**
     * Writes records as a Parquet image table, atomically.
     *
     * @param spark the session
     * @param records the rows, consumed once; may throw {@link BadInputException} part-way, in which
     *     case nothing is left at the output
     * @param classNames the class names, indexed by label; every label must index this list
     * @param outPath the table path: a local path or any Hadoop file system URI
     * @param overwrite whether to replace an existing table at {@code outPath}
     * @return the number of rows written per split, in the order splits first appeared
     * @throws BadInputException if the output exists and {@code overwrite} is false, a label is
     *     outside the class names, or the records fail
     */
    public static Map<String, Long> write(
            SparkSession spark, Iterator<ImageRecord> records, List<String> classNames,
            String outPath, boolean overwrite) {
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("an image table needs at least one class name");
        }
        Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
        try {
            Path out = new Path(outPath);
            FileSystem fs = out.getFileSystem(hadoopConf);
            out = fs.makeQualified(out);
            if (fs.exists(out) && !overwrite) {
                throw new BadInputException(String.format(
                        Locale.ROOT, "output already exists: %s (pass --overwrite to replace it)", out));
            }
            Path tmp = new Path(out.getParent(), out.getName() + "._tmp-" + UUID.randomUUID());
            Map<String, Long> rowsPerSplit;
            try {
                rowsPerSplit = writeChunks(spark, records, classNames, tmp);
                replace(fs, tmp, out);
            } catch (Exception | Error e) { // also SparkException: checked, but thrown from Scala unannounced
                deleteQuietly(fs, tmp, e);
                throw e;
            }
            return rowsPerSplit;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write image table " + outPath + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Long> writeChunks(
            SparkSession spark, Iterator<ImageRecord> records, List<String> classNames, Path tmp) {
        StructType schema = schema(classNames);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Map<String, Long> rowsPerSplit = new LinkedHashMap<>();
        boolean wroteAny = false;
        while (records.hasNext() || !wroteAny) {
            List<Row> chunk = new ArrayList<>();
            long chunkBytes = 0;
            while (records.hasNext() && chunk.size() < CHUNK_ROWS && chunkBytes < CHUNK_BYTES) {
                ImageRecord record = records.next();
                checkLabel(record, classNames);
                chunk.add(RowFactory.create(record.id(), record.label(), record.png(), record.split()));
                chunkBytes += record.png().length + ROW_OVERHEAD_BYTES;
                rowsPerSplit.merge(record.split(), 1L, Long::sum);
            }
            int files = (int) Math.max(1, Math.min(chunk.size(), (chunkBytes + BYTES_PER_FILE - 1) / BYTES_PER_FILE));
            Dataset<Row> rows = spark.createDataFrame(jsc.parallelize(chunk, files), schema);
            // Append: each chunk adds its files; an empty input still writes the schema.
            rows.write().mode(SaveMode.Append).parquet(tmp.toString());
            wroteAny = true;
        }
        return rowsPerSplit;
    }

    private static void checkLabel(ImageRecord record, List<String> classNames) {
        if (record.label() < 0 || record.label() >= classNames.size()) {
            throw new BadInputException(String.format(
                    Locale.ROOT, "record %s has label %d, but there are %d class names (labels 0..%d): %s",
                    record.id(), record.label(), classNames.size(), classNames.size() - 1, classNames));
        }
    }

    /**
     * Moves a finished table (any folder) into place; an old one is moved aside first and deleted last,
     * and put back if the move fails. Every table writer of the project replaces its output this way.
     *
     * @param fs the file system of both paths
     * @param tmp the finished table
     * @param out where it goes
     * @throws IOException if a rename fails (the old table is back in place when it could be restored)
     */
    public static void replace(FileSystem fs, Path tmp, Path out) throws IOException {
        Path old = null;
        if (fs.exists(out)) {
            old = new Path(out.getParent(), out.getName() + "._old-" + UUID.randomUUID());
            if (!fs.rename(out, old)) {
                throw new IOException("cannot move the existing table " + out + " aside to " + old);
            }
        }
        if (!fs.rename(tmp, out)) {
            if (old != null && !fs.rename(old, out)) {
                throw new IOException(String.format(
                        Locale.ROOT, "cannot rename %s to %s, nor restore the old table from %s", tmp, out, old));
            }
            throw new IOException("cannot rename " + tmp + " to " + out);
        }
        if (old != null) {
            fs.delete(old, true);
        }
    }

    private static void deleteQuietly(FileSystem fs, Path tmp, Throwable failure) {
        try {
            fs.delete(tmp, true);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Reads an image table and checks its columns.
     *
     * @param spark the session
     * @param path the table path
     * @return the table, with the class names on {@code label}'s metadata
     * @throws BadInputException if the path does not exist or a column is missing or has the wrong
     *     type; the message names the path and the column
     */
    public static Dataset<Row> read(SparkSession spark, String path) {
        try {
            Path table = new Path(path);
            FileSystem fs = table.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(table)) {
                throw new BadInputException("missing image table: " + path + " does not exist");
            }
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot open image table %s: %s", path, e), e);
        }
        Dataset<Row> rows;
        try {
            rows = spark.read().parquet(path);
        } catch (Exception e) { // Spark's AnalysisException, e.g. for a folder with no Parquet files
            throw new BadInputException(String.format(
                    Locale.ROOT, "cannot read image table %s as Parquet: %s", path, e.getMessage()), e);
        }
        StructType schema = rows.schema();
        for (Map.Entry<String, DataType> column : COLUMN_TYPES.entrySet()) {
            if (!Arrays.asList(schema.fieldNames()).contains(column.getKey())) {
                throw new BadInputException(String.format(
                        Locale.ROOT, "image table %s has no column '%s' (%s); its columns are %s",
                        path, column.getKey(), column.getValue().simpleString(), schema.simpleString()));
            }
            DataType actual = schema.apply(column.getKey()).dataType();
            if (!actual.equals(column.getValue())) {
                throw new BadInputException(String.format(
                        Locale.ROOT, "image table %s: column '%s' is %s, expected %s",
                        path, column.getKey(), actual.simpleString(), column.getValue().simpleString()));
            }
        }
        return rows;
    }

    /**
     * Returns the class names stored on the {@code label} column.
     *
     * @param table an image table, as read by {@link #read} (selections and filters keep the names)
     * @return the class names, indexed by label
     * @throws BadInputException if {@code label} is missing or carries no class names
     */
    public static List<String> classNames(Dataset<Row> table) {
        StructType schema = table.schema();
        if (!Arrays.asList(schema.fieldNames()).contains(LABEL)) {
            throw new BadInputException("table has no column '" + LABEL + "'; its columns are " + schema.simpleString());
        }
        Metadata metadata = schema.apply(LABEL).metadata();
        if (!metadata.contains(CLASSES_KEY)) {
            throw new BadInputException(String.format(
                    Locale.ROOT, "column '%s' carries no '%s' metadata: the table was not written by ImageTable.write,"
                            + " or a transformation dropped the metadata", LABEL, CLASSES_KEY));
        }
        return List.of(metadata.getStringArray(CLASSES_KEY));
    }
}
