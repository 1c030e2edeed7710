package io.attnspark.score;

import io.attnspark.data.BadInputException;
import io.attnspark.distributed.NativeCrashException;
import io.attnspark.distributed.NativeCrashGuard;
import io.attnspark.distributed.RunIdentity;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.Precision;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A scoring job: open the input, score every row with an {@link AttentionCnnModel} on the
 * executors, and write the {@code predictions} table atomically, checking that it has one row per
 * input row.
 */
public final class ScoreJob {

    private static final String PREDICTION = "__attnspark_prediction";

    private final SparkSession spark;
    private final Settings settings;

    /**
     * How the forward passes run.
     *
     * @param batchSize images per forward pass
     * @param resize whether each image is resized and centre-cropped to the model's input
     *     (torchvision's evaluation view), so images of any size score; else they must have that size
     * @param precision what the forward passes compute in (the model's parameters are float32 either way)
     */
    public record Forward(int batchSize, boolean resize, Precision precision) {}

    /**
     * What to score and how.
     *
     * @param input a table or folder
     * @param format how to read it
     * @param columns the table's id and image columns
     * @param out the predictions table
     * @param topK classes per row
     * @param partitions tasks to score with; 0: the input's partitions, at least the default
     *     parallelism
     * @param forward how the forward passes run
     */
    public record Settings(String input, ScoringInput.Format format, Columns columns, String out,
            int topK, int partitions, Forward forward) {

        /**
         * Settings that score in float32.
         *
         * @param input a table or folder
         * @param format how to read it
         * @param columns the table's id and image columns
         * @param out the predictions table
         * @param topK classes per row
         * @param batchSize images per forward pass
         * @param partitions tasks to score with (0: automatic)
         * @param resize whether each image is resized and centre-cropped to the model's input
         */
        public Settings(String input, ScoringInput.Format format, Columns columns, String out, int topK,
                int batchSize, int partitions, boolean resize) {
            this(input, format, columns, out, topK, partitions, new Forward(batchSize, resize, Precision.FLOAT32));
        }

        /**
         * Settings for images of the model's own size.
         *
         * @param input a table or folder
         * @param format how to read it
         * @param idColumn the table's id column
         * @param imageColumn the table's image column
         * @param out the predictions table
         * @param topK classes per row
         * @param batchSize images per forward pass
         * @param partitions tasks to score with (0: automatic)
         */
        public Settings(String input, ScoringInput.Format format, String idColumn, String imageColumn, String out,
                int topK, int batchSize, int partitions) {
            this(input, format, new Columns(idColumn, imageColumn), out, topK, partitions,
                    new Forward(batchSize, false, Precision.FLOAT32));
        }

        /**
         * Returns the table's id column.
         *
         * @return the column name
         */
        public String idColumn() {
            return columns.id();
        }

        /**
         * Returns the table's image column.
         *
         * @return the column name
         */
        public String imageColumn() {
            return columns.image();
        }

        /**
         * A copy with another top-k.
         *
         * @param k classes per row
         * @return the copy
         */
        public Settings withTopK(int k) {
            return new Settings(input, format, columns, out, k, partitions, forward);
        }

        /**
         * Returns the images per forward pass.
         *
         * @return the batch size
         */
        public int batchSize() {
            return forward.batchSize();
        }

        /**
         * Returns whether images are resized and centre-cropped to the model's input.
         *
         * @return true to resize
         */
        public boolean resize() {
            return forward.resize();
        }

        /**
         * Returns what the forward passes compute in.
         *
         * @return the precision
         */
        public Precision precision() {
            return forward.precision();
        }
    }

    /**
     * The columns a table is scored from.
     *
     * @param id the id column
     * @param image the image column (encoded bytes)
     */
    public record Columns(String id, String image) {}

    /**
     * What a job did.
     *
     * @param rowsIn input rows
     * @param written the predictions rows (equal to {@code rowsIn}), those scored and those with an error,
     *     and the seconds of scoring and writing them (the rest of {@code seconds}: opening and counting the
     *     input, checking the written table, replacing the old one)
     * @param modelId the model's id
     * @param inputKind "table" or "folder"
     * @param out the predictions table
     * @param seconds wall time
     */
    public record Outcome(long rowsIn, PredictionsTable.Counts written, String modelId, String inputKind, String out,
            double seconds) {}

    /**
     * Creates a job.
     *
     * @param spark the session
     * @param settings the settings
     */
    public ScoreJob(SparkSession spark, Settings settings) {
        this.spark = spark;
        this.settings = settings;
    }

    /**
     * Runs the job.
     *
     * @param model the model
     * @return what it did
     * @throws BadInputException for a bad input or top-k
     * @throws IllegalStateException if the rows out differ from the rows in (nothing is written)
     * @throws NativeCrashException if an executor died in native code while scoring (nothing is written)
     */
    public Outcome run(ScoringModel model) {
        long start = System.nanoTime();
        if (settings.topK() < 1 || settings.topK() > model.spec().classes()) {
            throw new BadInputException(String.format(Locale.ROOT, "top-k %d is invalid for model %s: it has %d classes",
                    settings.topK(), model.id(), model.spec().classes()));
        }
        ScoringInput.Rows input = ScoringInput.open(
                spark, settings.input(), settings.format(), settings.idColumn(), settings.imageColumn());
        Dataset<Row> rows = input.rows().select(input.idColumn(), input.imageColumn());
        long rowsIn = countInput(input, rows);
        if (rowsIn == 0 && input.kind().equals("folder")) {
            throw new BadInputException("input folder " + settings.input() + " holds no .png, .jpg or .jpeg files");
        }
        int inputParts = rows.rdd().getNumPartitions(); // plans the query: once
        int parts = settings.partitions() > 0
                ? settings.partitions()
                : Math.max(inputParts, spark.sparkContext().defaultParallelism());
        if (parts != inputParts && rowsIn > 0) {
            rows = rows.repartition((int) Math.min(parts, rowsIn));
        }
        AttentionCnnModel stage = new AttentionCnnModel(model)
                .setInputCol(input.imageColumn())
                .setIdCol(input.idColumn())
                .setOutputCol(PREDICTION)
                .setTopK(settings.topK())
                .setBatchSize(settings.batchSize())
                .setResizeToInput(settings.resize())
                .setPrecision(settings.precision().configName());
        Dataset<Row> predictions = PredictionsTable.select(stage.transform(rows), input.idColumn(), PREDICTION);
        ModelSpec spec = model.spec();
        RunIdentity identity = new RunIdentity("scoring into " + settings.out(), model.id(), spec.inputChannels(),
                spec.imageHeight(), spec.imageWidth(), settings.batchSize() + " images per forward pass");
        PredictionsTable.Counts counts;
        try (NativeCrashGuard guard = NativeCrashGuard.open(spark.sparkContext(), identity)) {
            counts = guard.call("scoring", () -> PredictionsTable.write(spark, predictions, settings.out(), rowsIn));
        }
        return new Outcome(rowsIn, counts, model.id(), input.kind(), settings.out(), (System.nanoTime() - start) / 1e9);
    }

    /**
     * Counts the input rows before scoring, apart from the scoring pass so that the check of rows
     * out against rows in does not rest on the scoring code: for a table of up to
     * {@link ParquetFooters#MAX_FILES} files, from the row counts in the footers of the files Spark
     * lists for it (no Spark job); otherwise, and for folders, with a Spark count.
     */
    private long countInput(ScoringInput.Rows input, Dataset<Row> rows) {
        if (input.kind().equals("table")) {
            try {
                Configuration conf = spark.sparkContext().hadoopConfiguration();
                String[] paths = input.rows().inputFiles();
                if (paths.length <= ParquetFooters.MAX_FILES) {
                    List<FileStatus> files = new ArrayList<>();
                    for (String p : paths) {
                        Path path = new Path(p);
                        files.add(path.getFileSystem(conf).getFileStatus(path));
                    }
                    return ParquetFooters.count(conf, files, null).rows();
                }
            } catch (IOException | RuntimeException e) {
                // a file Spark may skip or report better (ignoreCorruptFiles, ignoreMissingFiles): count with Spark
            }
        }
        return rows.count();
    }
}
