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
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The image table: Parquet with columns {@code id} (string), {@code label} (int), {@code image}
 * (encoded bytes: PNG, or the original PNG/JPEG of an ingested folder), {@code split} (string), and
 * {@code height}, {@code width}, {@code channels} (int: the stored image's size, and 1 for a gray
 * source, 3 for colour). The class names are stored as metadata {@code classes} on {@code label}.
 * Spark keeps a field's metadata in the Parquet footer, so the names travel with the data and come
 * back with {@link #classNames(Dataset)}. Tables written before the size columns existed still read:
 * {@link #read} gives them null sizes (unknown until decoded).
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
    /** Column: the encoded image (PNG or JPEG), binary. */
    public static final String IMAGE = "image";
    /** Column: split name such as {@code train} or {@code test}, string. */
    public static final String SPLIT = "split";
    /** Column: rows of the stored image, int; null in tables written before it existed. */
    public static final String HEIGHT = "height";
    /** Column: columns of the stored image, int; null in tables written before it existed. */
    public static final String WIDTH = "width";
    /** Column: 1 for a gray source, 3 for colour, int; null in tables written before it existed. */
    public static final String CHANNELS = "channels";
    /** Metadata key on {@link #LABEL} holding the class names as a string array. */
    public static final String CLASSES_KEY = "classes";

    // Rows are gathered on the driver in chunks and shipped inside tasks: chunks stay far below
    // spark.rpc.message.maxSize (128 MiB), and each task carries about one Parquet file's worth.
    private static final long CHUNK_BYTES = 48L << 20;
    private static final int CHUNK_ROWS = 200_000;
    private static final long BYTES_PER_FILE = 8L << 20;
    private static final int ROW_OVERHEAD_BYTES = 64;

    private static final Map<String, DataType> COLUMN_TYPES = columnTypes();
    private static final List<String> SIZE_COLUMNS = List.of(HEIGHT, WIDTH, CHANNELS);

    private ImageTable() {}

    private static Map<String, DataType> columnTypes() {
        Map<String, DataType> types = new LinkedHashMap<>();
        types.put(ID, DataTypes.StringType);
        types.put(LABEL, DataTypes.IntegerType);
        types.put(IMAGE, DataTypes.BinaryType);
        types.put(SPLIT, DataTypes.StringType);
        types.put(HEIGHT, DataTypes.IntegerType);
        types.put(WIDTH, DataTypes.IntegerType);
        types.put(CHANNELS, DataTypes.IntegerType);
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
            new StructField(HEIGHT, DataTypes.IntegerType, false, Metadata.empty()),
            new StructField(WIDTH, DataTypes.IntegerType, false, Metadata.empty()),
            new StructField(CHANNELS, DataTypes.IntegerType, false, Metadata.empty()),
        });
    }

    /**
     * Puts the class names on a table's {@code label} column (Spark's encoders drop a field's metadata).
     *
     * @param rows rows with a {@code label} column
     * @param classNames the class names, indexed by label
     * @return the same rows, {@code label} carrying the names
     */
    public static Dataset<Row> withClassNames(Dataset<Row> rows, List<String> classNames) {
        return rows.withColumn(LABEL, functions.col(LABEL).as(LABEL, schema(classNames).apply(LABEL).metadata()));
    }

    /**
     * Writes records as a Parquet image table, atomically.
     *
     * @param spark the session
     * @param records the rows, consumed once; may throw {@link BadInputException} part-way, in which
     *     case nothing is left at the output (the driver-side path: rows pass through the driver; for
     *     image folders see {@link FolderIngest})
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
        return writeAtomically(spark, outPath, overwrite, tmp -> writeChunks(spark, records, classNames, tmp));
    }

    /**
     * Writes a table (or any folder) atomically: {@code writer} fills a temporary sibling of the
     * output, which then replaces the output (see {@link #replace}); if it fails, the temporary
     * path is deleted and an existing output is left as it was.
     *
     * @param <T> what the writer returns
     * @param spark the session (for the Hadoop configuration)
     * @param outPath the output: a local path or any Hadoop file system URI
     * @param overwrite whether to replace an existing output
     * @param writer writes everything under the path it is given (which does not exist yet)
     * @return what the writer returned
     * @throws BadInputException if the output exists and {@code overwrite} is false
     */
    public static <T> T writeAtomically(
            SparkSession spark, String outPath, boolean overwrite, Function<Path, T> writer) {
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
            T result;
            try {
                result = writer.apply(tmp);
                replace(fs, tmp, out);
            } catch (Exception | Error e) { // also SparkException: checked, but thrown from Scala unannounced
                deleteQuietly(fs, tmp, e);
                throw e;
            }
            return result;
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
                chunk.add(RowFactory.create(record.id(), record.label(), record.png(), record.split(),
                        record.height(), record.width(), record.channels()));
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
     * @return the table, with the class names on {@code label}'s metadata; a table written before
     *     the size columns existed gets them as null ints
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
        List<String> present = Arrays.asList(schema.fieldNames());
        for (Map.Entry<String, DataType> column : COLUMN_TYPES.entrySet()) {
            boolean optional = SIZE_COLUMNS.contains(column.getKey());
            if (!present.contains(column.getKey())) {
                if (optional) {
                    // A table from before the size columns: sizes unknown until decoded.
                    rows = rows.withColumn(column.getKey(), functions.lit(null).cast(column.getValue()));
                    continue;
                }
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
