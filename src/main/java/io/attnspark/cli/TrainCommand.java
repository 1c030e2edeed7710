package io.attnspark.cli;

import io.attnspark.dist.TrainJob;
import io.attnspark.dist.TrainingResult;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code attnspark train}: distributed training of one model with parameter averaging. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a model on an image table with synchronous parameter averaging on Spark.")
public final class TrainCommand implements Callable<Integer> {

    static final String DEFAULTS = "attnspark/train-defaults.conf";

    @Option(names = "--conf", description = "Job config (HOCON), e.g. conf/train-fmnist.conf.")
    File conf;

    @Option(names = "--master", description = "Spark master when not run by spark-submit (default local[*]).")
    String master;

    @Option(names = "--resume", description = "Continue the run from its newest checkpoint under output.path.")
    boolean resume;

    @Parameters(paramLabel = "key=value", description = "Config overrides, e.g. sync.every=50.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        JobConfig config = JobConfig.load(DEFAULTS, conf, overrides);
        TrainJob.Settings settings = settings(config, resume);
        SparkSession spark = SparkSessions.getOrCreate("attnspark-train", master);
        TrainJob.Outcome outcome = new TrainJob(spark, settings).run(new ProgressPrinter(System.out, 10));
        TrainingResult r = outcome.result();
        System.out.println(String.format(
                Locale.ROOT,
                "run %s: %d replicas, %d rounds, test accuracy %.4f (best %.4f), %.0f img/s, %.0f s%n"
                        + "model: %s%ntables: %s/tables/{runs,rounds}",
                outcome.runId(),
                outcome.shards(),
                r.rounds().size(),
                outcome.testImages() > 0 ? r.lastEvaluated().testAccuracy() : Double.NaN,
                r.bestTestAccuracy(),
                r.imagesPerSecond(),
                r.wallSeconds(),
                outcome.modelPath(),
                settings.output()));
        return 0;
    }

    /**
     * Turns a resolved train config into typed settings, validating every value.
     *
     * @param c the config
     * @return the settings
     * @throws ConfigError naming the first invalid key
     */
    static TrainJob.Settings settings(JobConfig c) {
        return settings(c, false);
    }

    /**
     * Turns a resolved train config into typed settings, validating every value.
     *
     * @param c the config
     * @param resume whether to continue from the newest checkpoint
     * @return the settings
     * @throws ConfigError naming the first invalid key
     */
    static TrainJob.Settings settings(JobConfig c, boolean resume) {
        TrainJob.Settings s = new TrainJob.Settings(
                c.getString("data.table"),
                c.getString("output.path"),
                c.getLong("data.train-limit"),
                c.getLong("data.test-limit"),
                c.getString("model.backbone"),
                c.getInt("model.depth"),
                c.getString("model.attention"),
                c.getDouble("train.epochs"),
                c.getInt("train.batch-size"),
                c.getDouble("train.lr"),
                c.getDouble("train.lr-final"),
                c.getDouble("train.warmup-epochs"),
                c.getDouble("train.momentum"),
                c.getDouble("train.weight-decay"),
                c.getInt("train.augment.crop-padding"),
                c.getBoolean("train.augment.flip"),
                c.getLong("train.seed"),
                c.getInt("sync.shards"),
                c.getInt("sync.every"),
                c.getInt("sync.tree-depth"),
                c.getInt("train.eval-batch-size"),
                c.getInt("checkpoint.every"),
                c.getInt("checkpoint.keep"),
                resume,
                c.toJson(),
                c.flatten());
        require(s.trainLimit() >= 0, "data.train-limit", s.trainLimit(), ">= 0");
        require(s.testLimit() >= 0, "data.test-limit", s.testLimit(), ">= 0");
        require(s.depth() >= 8 && (s.depth() - 2) % 6 == 0, "model.depth", s.depth(), "6n+2: 8, 14, 20, 32, 44, 56, 110, ...");
        require(s.backbone().equals("resnet-cifar"), "model.backbone", s.backbone(), "one of [resnet-cifar]");
        require(s.attention().equals("none"), "model.attention", s.attention(), "one of [none]");
        require(s.epochs() > 0, "train.epochs", s.epochs(), "> 0");
        require(s.batchSize() >= 1, "train.batch-size", s.batchSize(), ">= 1");
        require(s.learningRate() > 0, "train.lr", s.learningRate(), "> 0");
        require(s.finalLearningRate() >= 0 && s.finalLearningRate() <= s.learningRate(), "train.lr-final",
                s.finalLearningRate(), "between 0 and train.lr");
        require(s.warmupEpochs() >= 0 && s.warmupEpochs() < s.epochs(), "train.warmup-epochs", s.warmupEpochs(),
                ">= 0 and below train.epochs");
        require(s.momentum() >= 0 && s.momentum() < 1, "train.momentum", s.momentum(), "in [0, 1)");
        require(s.weightDecay() >= 0, "train.weight-decay", s.weightDecay(), ">= 0");
        require(s.cropPadding() >= 0, "train.augment.crop-padding", s.cropPadding(), ">= 0");
        require(s.evalBatchSize() >= 1, "train.eval-batch-size", s.evalBatchSize(), ">= 1");
        require(s.shards() >= 0, "sync.shards", s.shards(), ">= 0 (0: the master's default parallelism)");
        require(s.syncEvery() >= 1, "sync.every", s.syncEvery(), ">= 1");
        require(s.treeDepth() >= 1, "sync.tree-depth", s.treeDepth(), ">= 1");
        require(s.checkpointEvery() >= 1, "checkpoint.every", s.checkpointEvery(), ">= 1");
        require(s.checkpointKeep() >= 1, "checkpoint.keep", s.checkpointKeep(), ">= 1");
        require(!s.table().isBlank(), "data.table", "\"\"", "a table path");
        require(!s.output().isBlank(), "output.path", "\"\"", "a folder path");
        return s;
    }

    private static void require(boolean ok, String key, Object value, String valid) {
        if (!ok) {
            throw new ConfigError(key + " = " + value + " is invalid: must be " + valid);
        }
    }
}
