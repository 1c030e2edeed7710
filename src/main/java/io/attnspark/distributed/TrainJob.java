package io.attnspark.distributed;

import io.attnspark.data.BadInputException;
import io.attnspark.data.ImageShard;
import io.attnspark.data.InputPipeline;
import io.attnspark.data.Normalization;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelArtifact;
import io.attnspark.model.ModelFacts;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.LearningRateSchedule;
import io.attnspark.train.Precision;
import io.attnspark.train.Replica;
import io.attnspark.train.TrainingPlan;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training job from table to artifacts: shard and decode the table once, derive the model's
 * input size, classes and normalisation from the data, train with {@link DistributedTrainer}, and
 * write the model and the {@code runs} and {@code rounds} tables under the output path.
 */
public final class TrainJob {

    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
    private static final java.util.regex.Pattern PRECISION_IN_FINGERPRINT =
            java.util.regex.Pattern.compile(" " + TrainingPlan.PRECISION_MARK + "([a-z0-9]+)");

    /**
     * The job's typed settings, one record per section of the HOCON config (built by the CLI).
     *
     * @param data the images ({@code data})
     * @param model the network ({@code model})
     * @param train how it trains ({@code train})
     * @param shards replicas (0: the master's default parallelism; {@code sync.shards})
     * @param sync when replicas are averaged and how (K, warm-up rounds, server momentum, tree depth; {@code sync})
     * @param checkpoint checkpoint interval, how many to keep, whether to resume ({@code checkpoint})
     * @param output the run's output folder ({@code output.path})
     * @param config the resolved configuration, stored with the run
     */
    public record Settings(
            DataSettings data,
            Architecture model,
            TrainingSettings train,
            int shards,
            SyncSchedule sync,
            CheckpointSettings checkpoint,
            String output,
            StoredConfig config) {

        /**
         * Validates what no section record holds.
         *
         * @throws IllegalArgumentException naming the key
         */
        public Settings {
            SettingsCheck.require(shards >= 0, "sync.shards", shards, ">= 0 (0: the master's default parallelism)");
            SettingsCheck.require(output != null && !output.isBlank(), "output.path", "\"\"", "a folder path");
        }
    }

    /** What a finished job reports. */
    public record Outcome(String runId, TrainingResult result, String modelPath, int shards, long trainImages, long testImages) {}

    private final SparkSession spark;
    private final Settings settings;

    /**
     * Creates the job.
     *
     * @param spark the session
     * @param settings the settings
     */
    public TrainJob(SparkSession spark, Settings settings) {
        this.spark = spark;
        this.settings = settings;
    }

    /**
     * Runs the job: prepares the data (sharded by the run's seed), trains, and writes the model and
     * the tables under the output path.
     *
     * @param listener told about every round (progress), may be null
     * @return the outcome
     */
    public Outcome run(DistributedTrainer.RoundListener listener) {
        Settings s = settings;
        PreparedData data = PreparedData.prepare(spark, s.data(), s.shards(), s.train().seed());
        try {
            String runId = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC)
                    .format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
            return train(data, runId, s.output() + "/tables", s.model().attention().equals("none") ? "baseline" : s.model().attention(),
                    listener);
        } finally {
            data.release();
        }
    }

    /**
     * Trains on prepared data and writes the model under the output path and the run's rows to the
     * tables. A checkpoint under the output path continues its run (with {@code resume}), keeping
     * the checkpoint's run id; a run already in the {@code runs} table is not trained or written again.
     *
     * @param data the sharded, decoded data (its shard count wins over {@code sync.shards})
     * @param newRunId the run id when no checkpoint is resumed
     * @param tables the folder of the {@code runs} and {@code rounds} tables
     * @param variant the run's variant label in the {@code runs} table
     * @param listener told about every round (progress), may be null
     * @return the outcome
     * @throws NativeCrashException when an executor died in native code while running the run's tasks
     */
    public Outcome train(PreparedData data, String newRunId, String tables, String variant,
            DistributedTrainer.RoundListener listener) {
        Settings s = settings;
        TrainingSettings t = s.train();
        String runId = newRunId;
        Instant started = Instant.now();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int shards = data.shards();
        if (data.smallestShard() < t.batchSize()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%d training images over %d shards leave %d per shard, fewer than train.batch-size = %d:"
                            + " use fewer shards or a smaller batch",
                    data.trainImages(), shards, data.smallestShard(), t.batchSize()));
        }
        long trainImages = data.trainImages();
        long testImages = data.testImages();
        List<String> classNames = data.classNames();
        Normalization normalization = data.normalization();
        ShardSummary first = data.imageShape();
        JavaRDD<ImageShard> trainShards = data.trainShards();
        JavaRDD<ImageShard> testShards = data.testShards();
        int smallest = data.smallestShard();

        Architecture m = s.model();
        ModelSpec spec = new ModelSpec(m,
                new ModelSpec.Input(first.channels(), first.height(), first.width(), classNames, normalization.mean(),
                        normalization.std()));
        int stepsPerEpoch = smallest / t.batchSize();
        long totalSteps = Math.max(1, Math.round(t.epochs() * stepsPerEpoch));
        long warmup = Math.min(totalSteps - 1, Math.round(t.learningRate().warmupEpochs() * stepsPerEpoch));
        TrainingPlan plan = new TrainingPlan(t.batchSize(), t.seed(),
                new LearningRateSchedule(t.learningRate().peak(), warmup, totalSteps, t.learningRate().last()),
                t.sgd(), t.augment().cropPadding(), t.augment().flip(), t.precision());
        InputPipeline input = new InputPipeline(normalization, first.channels(), first.height(), first.width(),
                t.augment().cropPadding(), t.augment().flip(), t.augment().randomResizedCrop(),
                s.data().decodeThreads());
        DistributedTrainer trainer = new DistributedTrainer(jsc, spec, plan, s.sync(), t.evalBatchSize(), input);
        checkDriverResults(jsc, trainer, s.sync(), shards);
        Checkpoints checkpoints = new Checkpoints(s.output() + "/checkpoints", jsc.hadoopConfiguration(), s.checkpoint().keep());
        String fingerprint = fingerprint(spec, plan, shards, totalSteps, trainImages) + " " + s.sync().fingerprint()
                + (t.augment().randomResizedCrop() != null ? " " + t.augment().randomResizedCrop() : "")
                + (data.decodedOnce() ? "" : " decoded-per-epoch");
        java.util.Optional<Checkpoints.Saved> saved = checkpoints.latest();
        if (saved.isPresent() && !s.checkpoint().resume()) {
            throw new BadInputException("checkpoints of an earlier run exist under " + s.output()
                    + "/checkpoints: pass --resume to continue that run, or choose another output.path");
        }
        TrainingState start;
        if (saved.isPresent()) {
            if (!saved.get().fingerprint().equals(fingerprint)) {
                checkSamePrecision(saved.get().fingerprint(), fingerprint, t.precision(), s.output());
                throw new BadInputException("the checkpoint under " + s.output() + "/checkpoints was written with other"
                        + " settings; resume needs the same data, model, shards and training settings."
                        + "\n  checkpoint: " + saved.get().fingerprint() + "\n  this run:   " + fingerprint);
            }
            runId = saved.get().runId();
            start = saved.get().state();
            LOG.info("Resuming run {} at round {} from {}/checkpoints", runId, start.nextRound(), s.output());
            if (tableHasRun(tables + "/runs", runId)) {
                LOG.info("Run {} had already finished: its outputs are in {}", runId, s.output());
                TrainingResult done = new TrainingResult(start.withArrays(jsc.hadoopConfiguration()).parameters(),
                        start.rounds(), start.elapsedSeconds(),
                        start.trainedSamples(), List.of());
                return new Outcome(runId, done, s.output() + "/model", shards, trainImages, testImages);
            }
        } else {
            if (s.checkpoint().resume()) {
                LOG.info("No checkpoint under {}/checkpoints: starting run {} from the beginning", s.output(), runId);
            }
            start = TrainingState.initial(Replica.initialParameters(spec, t.seed()), trainer.layout().trainableSize());
        }
        String id = runId;
        LOG.info("Run {}: replicas compute in {} (train.precision){}", runId, t.precision().configName(),
                t.precision() == Precision.FLOAT32 ? ""
                        : "; executors whose devices lack bfloat16 arithmetic use float32 and warn in their logs");
        RunIdentity identity = new RunIdentity("run " + runId, spec.displayName() + " (variant " + variant + ")",
                spec.inputChannels(), spec.imageHeight(), spec.imageWidth(), t.batchSize() + " per replica");
        TrainingResult result;
        try (NativeCrashGuard guard = NativeCrashGuard.open(spark.sparkContext(), identity)) {
            result = trainer.train(trainShards, testImages > 0 ? testShards : null, start, totalSteps, stepsPerEpoch,
                    listener, new DistributedTrainer.Checkpointing(checkpoints.sinkFor(id, fingerprint),
                            s.checkpoint().every()), guard);
        }

        String modelPath = s.output() + "/model";
        new ModelArtifact(spec, result.parameters()).save(trainer.layout(), modelPath, jsc.hadoopConfiguration());
        if (!tableHasRun(tables + "/rounds", runId)) { // a resumed run may have written them already
            RunTables.appendRounds(spark, tables + "/rounds", runId, result.rounds());
        }
        RoundMetrics last = result.rounds().get(result.rounds().size() - 1);
        ModelFacts facts = ModelFacts.of(spec);
        RoundMetrics lastEval = testImages > 0 ? result.lastEvaluated() : last;
        String djlVersion = ai.djl.engine.Engine.class.getPackage().getImplementationVersion();
        RunTables.appendRun(spark, tables + "/runs", new RunRow(
                new RunRow.Identity(runId, started, variant, t.seed()),
                new RunRow.Model(spec.displayName(), facts.parameters(), facts.macs()),
                new RunRow.Schedule(shards, s.sync().every(), t.epochs(), result.rounds().size(), trainImages,
                        testImages),
                new RunRow.Scores(last.loss(), lastEval.testAccuracy(), result.bestTestAccuracy(), lastEval.testLoss(),
                        classNames.size() > 5 && testImages > 0 ? lastEval.testTop5() : null),
                new RunRow.Throughput(result.wallSeconds(), result.imagesPerSecond(), executors(jsc),
                        String.join("; ", result.devices())),
                new RunRow.Provenance(modelPath, spark.version(), djlVersion == null ? "unknown" : djlVersion,
                        s.config())));
        return new Outcome(runId, result, modelPath, shards, trainImages, testImages);
    }

    /**
     * Fails before the first round when the partial averages that {@code treeAggregate} sends to the
     * driver would exceed {@code spark.driver.maxResultSize}: Spark would fail the round with a message
     * that does not say which setting to change.
     */
    private static void checkDriverResults(JavaSparkContext jsc, DistributedTrainer trainer, SyncSchedule sync, int shards) {
        checkDriverResults(jsc.getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g"),
                4L * ((long) trainer.layout().size() + trainer.layout().trainableSize()), sync, shards);
    }

    /**
     * The check itself.
     *
     * @param limit spark.driver.maxResultSize in bytes (0: unlimited)
     * @param stateBytes bytes of one replica's state (parameters + momentum)
     * @param sync the schedule (its tree depth)
     * @param shards tasks per round
     */
    static void checkDriverResults(long limit, long stateBytes, SyncSchedule sync, int shards) {
        if (sync.method() == SyncMethod.SHARDED) {
            return; // no state reaches the driver
        }
        long results = sync.driverResults(shards);
        if (limit > 0 && results * stateBytes > limit * 9 / 10) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "each round sends %d partial averages of %.1f MB (parameters + momentum) to the driver, %.0f MB,"
                            + " near or above spark.driver.maxResultSize = %d MB: raise spark.driver.maxResultSize"
                            + " (and the driver's memory) or sync.tree-depth (now %d), or set sync.method = sharded",
                    results, stateBytes / 1e6, results * stateBytes / 1e6, limit >> 20, sync.treeDepth()));
        }
    }

    /** What a checkpoint must agree on to be resumed: everything that shapes the remaining rounds. */
    private static String fingerprint(ModelSpec spec, TrainingPlan plan, int shards, long totalSteps, long trainImages) {
        return spec.toJson() + " " + plan.fingerprint() + " shards=" + shards + " steps=" + totalSteps + " images="
                + trainImages;
    }

    /**
     * Fails with a message naming {@code train.precision} when a checkpoint's fingerprint differs from
     * this run's in the precision alone: a run keeps its precision from the first round to the last.
     *
     * @param saved the checkpoint's fingerprint
     * @param current this run's fingerprint
     * @param precision this run's precision
     * @param output the run folder, for the message
     * @throws BadInputException when only the precision differs
     */
    static void checkSamePrecision(String saved, String current, Precision precision, String output) {
        String savedPrecision = precisionIn(saved);
        if (!savedPrecision.equals(precision.configName())
                && withoutPrecision(saved).equals(withoutPrecision(current))) {
            throw new BadInputException("train.precision = " + precision.configName() + ", but the run checkpointed"
                    + " under " + output + "/checkpoints trained with train.precision = " + savedPrecision
                    + ": a run cannot change its precision on resume; resume with train.precision = "
                    + savedPrecision + ", or choose another output.path for a new run");
        }
    }

    /** The precision a fingerprint names, float32 when it names none (as before there was a choice). */
    private static String precisionIn(String fingerprint) {
        java.util.regex.Matcher m = PRECISION_IN_FINGERPRINT.matcher(fingerprint);
        return m.find() ? m.group(1) : Precision.FLOAT32.configName();
    }

    private static String withoutPrecision(String fingerprint) {
        return PRECISION_IN_FINGERPRINT.matcher(fingerprint).replaceAll("");
    }

    /**
     * Returns whether a result table holds rows of a run.
     *
     * @param table the table's path
     * @param runId the run
     * @return true if the table exists and has a row with that run id
     */
    public boolean tableHasRun(String table, String runId) {
        // Inside the turn: another cell's first append creates the folder before it holds a Parquet file.
        return TableWriters.exclusively(table, () -> {
            try {
                org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(table);
                if (!path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path)) {
                    return false;
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return spark.read().parquet(table).filter(functions.col("run_id").equalTo(runId)).count() > 0;
        });
    }

    private static int executors(JavaSparkContext jsc) {
        // The driver is listed too, except in local mode where it is the only "executor".
        int listed = jsc.sc().getExecutorMemoryStatus().size();
        return jsc.isLocal() ? 1 : Math.max(1, listed - 1);
    }
}
