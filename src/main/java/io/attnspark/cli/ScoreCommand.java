package io.attnspark.cli;

import io.attnspark.score.PredictionsTable;
import io.attnspark.score.ScoreJob;
import io.attnspark.score.ScoringInput;
import io.attnspark.score.ScoringModel;
import io.attnspark.train.Precision;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code attnspark score}: distributed batch scoring of a table or folder of images with a trained model. */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Score images with a trained model on Spark and write the predictions table (Parquet):",
            "id, labels, indices, probabilities (top-k), model_id, error; one row per input row."
        })
public final class ScoreCommand implements Callable<Integer> {

    private static final int DEFAULT_TOP_K = 5;

    @Option(names = "--model", required = true, description = "Model folder written by train (<output.path>/model).")
    String model;

    @Option(names = "--input", required = true,
            description = "Parquet table with an id and an image bytes column, or a folder of PNG/JPEG files.")
    String input;

    @Option(names = "--out", required = true, description = "Predictions table to write (replaced if it exists).")
    String out;

    @Option(names = "--top-k", description = "Classes per row, most probable first (default: 5, or all classes if fewer).")
    Integer topK;

    @Option(names = "--batch-size", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize = 128;

    @Option(names = "--input-format", description = "auto, table or folder (default: ${DEFAULT-VALUE}).")
    String inputFormat = "auto";

    @Option(names = "--id-col", description = "The table's id column (default: ${DEFAULT-VALUE}).")
    String idColumn = "id";

    @Option(names = "--image-col", description = "The table's image column, PNG or JPEG bytes (default: ${DEFAULT-VALUE}).")
    String imageColumn = "image";

    @Option(names = "--input-size", paramLabel = "H,W", split = ",",
            description = "Resize each image's shorter side to input / 0.875 and centre-crop it to H x W, which must be"
                    + " the model's input size (torchvision's evaluation view), so images of any size score;"
                    + " without it, images must have the model's size.")
    List<Integer> inputSize;

    @Option(names = "--precision",
            description = "What the forward passes compute in: float32 or bfloat16 (on CPUs with AVX512-BF16/AMX or"
                    + " Ampere+ GPUs; elsewhere float32 with a warning). The model stays float32 (default: ${DEFAULT-VALUE}).")
    String precision = "float32";

    @Option(names = "--partitions",
            description = "Scoring tasks; 0: the input's partitions, at least the default parallelism (default: ${DEFAULT-VALUE}).")
    int partitions = 0;

    @Option(names = "--master", description = "Spark master when not run by spark-submit (default local[*]).")
    String master;

    @Override
    public Integer call() {
        ScoreJob.Settings settings = settings();
        SparkSession spark = SparkSessions.getOrCreate("attnspark-score", master);
        ScoringModel scoring = ScoringModel.load(model, spark.sparkContext().hadoopConfiguration());
        int classes = scoring.spec().classes();
        if (topK == null) {
            settings = settings.withTopK(Math.min(DEFAULT_TOP_K, classes));
        } else if (topK > classes) {
            throw new ConfigError(String.format(Locale.ROOT, "--top-k = %d is invalid: model %s has %d classes",
                    topK, scoring.id(), classes));
        }
        if (inputSize != null && (inputSize.get(0) != scoring.spec().imageHeight()
                || inputSize.get(1) != scoring.spec().imageWidth())) {
            throw new ConfigError(String.format(Locale.ROOT,
                    "--input-size = %d,%d is invalid: model %s takes %dx%d images; give that size", inputSize.get(0),
                    inputSize.get(1), scoring.id(), scoring.spec().imageHeight(), scoring.spec().imageWidth()));
        }
        ScoreJob.Outcome o = new ScoreJob(spark, settings).run(scoring);
        PredictionsTable.Counts w = o.written();
        System.out.println(String.format(Locale.ROOT,
                "scored %s %s with model %s in %.1f s (%.1f s scoring and writing)%nrows in %d, rows out %d: %d scored, %d with errors%npredictions: %s",
                o.inputKind(), input, o.modelId(), o.seconds(), w.writeSeconds(), o.rowsIn(), w.rows(), w.scored(),
                w.errors(), o.out()));
        return 0;
    }

    /**
     * Validates the options.
     *
     * @return the job settings
     * @throws ConfigError naming the first invalid option
     */
    ScoreJob.Settings settings() {
        require(topK == null || topK >= 1, "--top-k", topK, ">= 1 (and at most the model's classes)");
        require(batchSize >= 1, "--batch-size", batchSize, ">= 1");
        require(partitions >= 0, "--partitions", partitions, ">= 0");
        require(!idColumn.isBlank(), "--id-col", "\"\"", "a column name");
        require(!imageColumn.isBlank(), "--image-col", "\"\"", "a column name");
        ScoringInput.Format format;
        try {
            format = ScoringInput.Format.of(inputFormat);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("--input-format = " + inputFormat + " is invalid: " + e.getMessage());
        }
        require(inputSize == null || (inputSize.size() == 2 && inputSize.get(0) >= 1 && inputSize.get(1) >= 1),
                "--input-size", inputSize, "H,W with H, W >= 1");
        Precision arithmetic;
        try {
            arithmetic = Precision.parse("--precision", precision);
        } catch (IllegalArgumentException e) {
            throw new ConfigError(e.getMessage());
        }
        return new ScoreJob.Settings(input, format, new ScoreJob.Columns(idColumn, imageColumn), out,
                topK == null ? DEFAULT_TOP_K : topK, partitions,
                new ScoreJob.Forward(batchSize, inputSize != null, arithmetic));
    }

    private static void require(boolean ok, String option, Object value, String valid) {
        if (!ok) {
            throw new ConfigError(option + " = " + value + " is invalid: must be " + valid);
        }
    }
}
