package io.attnspark.distributed;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One row of the {@code runs} table: a finished run. Each column is declared once below, with its name, type,
 * nullability and the value it takes from the row, so that {@link #SCHEMA} and {@link #toRow()} cannot disagree
 * and a new column is one line here (plus the component it reads). The column order is the table's since its
 * first rows: tables written before stay readable.
 *
 * @param identity which run
 * @param model the network trained and its size
 * @param schedule how it was trained: replicas, rounds, data
 * @param scores its losses and accuracies
 * @param throughput how long it took and on what
 * @param provenance where the model went, the versions and the configuration
 */
public record RunRow(
        Identity identity, Model model, Schedule schedule, Scores scores, Throughput throughput, Provenance provenance) {

    /**
     * Which run.
     *
     * @param runId the run id
     * @param startedAt when it started
     * @param variant the variant label (an ablation cell's, or the train job's)
     * @param seed the run's seed
     */
    public record Identity(String runId, Instant startedAt, String variant, long seed) {}

    /**
     * The network trained.
     *
     * @param name its display name ({@code resnet20+se})
     * @param params trainable parameters
     * @param macs multiply-accumulates per image
     */
    public record Model(String name, long params, long macs) {}

    /**
     * How the run was trained.
     *
     * @param replicas replicas (shards) per round
     * @param syncEvery local steps between averagings
     * @param epochs epochs trained
     * @param rounds averaging rounds
     * @param trainImages training images
     * @param testImages test images (0: no test set)
     */
    public record Schedule(int replicas, int syncEvery, double epochs, int rounds, long trainImages, long testImages) {}

    /**
     * The run's losses and accuracies.
     *
     * @param finalTrainLoss the last round's training loss
     * @param finalTestTop1 the last evaluation's test top-1
     * @param bestTestTop1 the best evaluation's test top-1
     * @param finalTestLoss the last evaluation's test loss
     * @param finalTestTop5 the last evaluation's test top-5, null with 5 classes or fewer or without a test set
     */
    public record Scores(double finalTrainLoss, double finalTestTop1, double bestTestTop1, double finalTestLoss,
            Double finalTestTop5) {}

    /**
     * How long the run took, and on what.
     *
     * @param wallSeconds wall-clock seconds of training
     * @param imagesPerSecond training images per second
     * @param executors executors of the session
     * @param devices the replicas' devices, joined by {@code "; "}
     */
    public record Throughput(double wallSeconds, double imagesPerSecond, int executors, String devices) {}

    /**
     * Where the model went, what built it and how it was configured.
     *
     * @param modelPath the model artifact's path
     * @param sparkVersion Spark's version
     * @param djlVersion DJL's version ({@code unknown} when the jar does not say)
     * @param config the resolved configuration
     */
    public record Provenance(String modelPath, String sparkVersion, String djlVersion, StoredConfig config) {}

    /** A column: its schema field and its value in a row. */
    private record Column(StructField field, Function<RunRow, Object> value) {}

    private static Column column(String name, DataType type, boolean nullable, Function<RunRow, Object> value) {
        return new Column(new StructField(name, type, nullable, Metadata.empty()), value);
    }

    private static final List<Column> COLUMNS = List.of(
            column("run_id", DataTypes.StringType, false, r -> r.identity.runId()),
            column("started_at", DataTypes.TimestampType, false, r -> Timestamp.from(r.identity.startedAt())),
            column("variant", DataTypes.StringType, false, r -> r.identity.variant()),
            column("model", DataTypes.StringType, false, r -> r.model.name()),
            column("seed", DataTypes.LongType, false, r -> r.identity.seed()),
            column("params", DataTypes.LongType, false, r -> r.model.params()),
            column("macs", DataTypes.LongType, false, r -> r.model.macs()),
            column("replicas", DataTypes.IntegerType, false, r -> r.schedule.replicas()),
            column("sync_every", DataTypes.IntegerType, false, r -> r.schedule.syncEvery()),
            column("epochs", DataTypes.DoubleType, false, r -> r.schedule.epochs()),
            column("rounds", DataTypes.IntegerType, false, r -> r.schedule.rounds()),
            column("train_images", DataTypes.LongType, false, r -> r.schedule.trainImages()),
            column("test_images", DataTypes.LongType, false, r -> r.schedule.testImages()),
            column("final_train_loss", DataTypes.DoubleType, false, r -> r.scores.finalTrainLoss()),
            column("final_test_top1", DataTypes.DoubleType, false, r -> r.scores.finalTestTop1()),
            column("best_test_top1", DataTypes.DoubleType, false, r -> r.scores.bestTestTop1()),
            column("final_test_loss", DataTypes.DoubleType, false, r -> r.scores.finalTestLoss()),
            column("final_test_top5", DataTypes.DoubleType, true, r -> r.scores.finalTestTop5()),
            column("wall_s", DataTypes.DoubleType, false, r -> r.throughput.wallSeconds()),
            column("images_per_s", DataTypes.DoubleType, false, r -> r.throughput.imagesPerSecond()),
            column("executors", DataTypes.IntegerType, false, r -> r.throughput.executors()),
            column("devices", DataTypes.StringType, false, r -> r.throughput.devices()),
            column("model_path", DataTypes.StringType, false, r -> r.provenance.modelPath()),
            column("spark_version", DataTypes.StringType, false, r -> r.provenance.sparkVersion()),
            column("djl_version", DataTypes.StringType, false, r -> r.provenance.djlVersion()),
            column("config", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false,
                    r -> scala.jdk.javaapi.CollectionConverters.asScala(r.provenance.config().flat())),
            column("config_json", DataTypes.StringType, false, r -> r.provenance.config().json()));

    /** Schema of the {@code runs} table. */
    public static final StructType SCHEMA = new StructType(COLUMNS.stream().map(Column::field).toArray(StructField[]::new));

    /**
     * Returns the row's values in {@link #SCHEMA} order, as Spark takes them (a timestamp, a Scala map).
     *
     * @return the row
     */
    public Row toRow() {
        return RowFactory.create(COLUMNS.stream().map(c -> c.value().apply(this)).toArray());
    }
}
