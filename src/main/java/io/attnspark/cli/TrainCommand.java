package io.attnspark.cli;

import io.attnspark.distributed.SyncMethod;
import io.attnspark.distributed.SyncSchedule;
import io.attnspark.distributed.TrainJob;
import io.attnspark.distributed.TrainingResult;
import io.attnspark.distributed.WireFormat;
import io.attnspark.model.AttentionPlacement;
import io.attnspark.model.Backbone;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.ResidualNetworkBuilder;
import io.attnspark.nn.Attentions;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /** The value of a placement key that keeps the module's paper placement. */
    private static final String DEFAULT = "default";

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
                sync(c),
                c.getInt("train.eval-batch-size"),
                c.getInt("checkpoint.every"),
                c.getInt("checkpoint.keep"),
                resume,
                c.toJson(),
                c.flatten(),
                placement(c),
                c.getBoolean("model.zero-init-residual"));
        require(s.trainLimit() >= 0, "data.train-limit", s.trainLimit(), ">= 0");
        require(s.testLimit() >= 0, "data.test-limit", s.testLimit(), ">= 0");
        checkModel(s);
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
        require(s.checkpointEvery() >= 1, "checkpoint.every", s.checkpointEvery(), ">= 1");
        require(s.checkpointKeep() >= 1, "checkpoint.keep", s.checkpointKeep(), ">= 1");
        require(!s.table().isBlank(), "data.table", "\"\"", "a table path");
        require(!s.output().isBlank(), "output.path", "\"\"", "a folder path");
        return s;
    }

    /**
     * The attention placement from {@code model.placement.*} and {@code model.attention-options}
     * on top of the module's default placement; null for {@code none}.
     */
    private static AttentionPlacement placement(JobConfig c) {
        String attention = c.getString("model.attention");
        String position = c.getString("model.placement.position");
        List<Integer> stages = c.getIntList("model.placement.stages");
        String blocks = c.getString("model.placement.blocks");
        Map<String, Object> options = c.getObject("model.attention-options");
        require(attention.equals(ModelSpec.NONE) || Attentions.names().contains(attention), "model.attention",
                attention, "none or one of [" + String.join(", ", Attentions.names()) + "]");
        if (attention.equals(ModelSpec.NONE)) {
            require(position.equals(DEFAULT), "model.placement.position", position, "default when model.attention = none");
            require(stages.isEmpty(), "model.placement.stages", stages, "[] when model.attention = none");
            require(blocks.equals(DEFAULT), "model.placement.blocks", blocks, "default when model.attention = none");
            require(options.isEmpty(), "model.attention-options", options, "{} when model.attention = none");
            return null;
        }
        Backbone backbone;
        try {
            backbone = Backbone.of(c.getString("model.backbone"));
        } catch (IllegalArgumentException e) {
            return null; // named by checkModel
        }
        AttentionPlacement p = AttentionPlacement.defaults(attention, backbone);
        try {
            if (!position.equals(DEFAULT)) {
                p = p.withPosition(AttentionPlacement.Position.of(position));
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigError("model.placement.position = " + position + " is invalid: " + e.getMessage());
        }
        try {
            if (!stages.isEmpty()) {
                p = p.withStages(stages);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigError("model.placement.stages = " + stages + " is invalid: " + e.getMessage());
        }
        try {
            if (!blocks.equals(DEFAULT)) {
                p = p.withBlocks(AttentionPlacement.Blocks.of(blocks));
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigError("model.placement.blocks = " + blocks + " is invalid: " + e.getMessage());
        }
        return p.withOptions(options);
    }

    /** Validates backbone, depth, attention and placement by building the (uninitialised) network. */
    private static void checkModel(TrainJob.Settings s) {
        Backbone backbone;
        try {
            backbone = Backbone.of(s.backbone());
        } catch (IllegalArgumentException e) {
            throw new ConfigError("model.backbone = " + s.backbone() + " is invalid: " + e.getMessage());
        }
        try {
            backbone.layout(s.depth());
        } catch (IllegalArgumentException e) {
            throw new ConfigError("model.depth = " + s.depth() + " is invalid: " + e.getMessage());
        }
        require(s.attention().equals(ModelSpec.NONE) || Attentions.names().contains(s.attention()), "model.attention",
                s.attention(), "none or one of [" + String.join(", ", Attentions.names()) + "]");
        try {
            new ResidualNetworkBuilder(backbone, s.depth(), 2, s.attention(), s.placement(), s.zeroInitResidual())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ConfigError("model.attention = " + s.attention()
                    + " with model.placement / model.attention-options is invalid: " + e.getMessage());
        }
    }

    private static SyncSchedule sync(JobConfig c) {
        int every = c.getInt("sync.every");
        int warmupRounds = c.getInt("sync.warmup-rounds");
        double serverMomentum = c.getDouble("sync.server-momentum");
        int treeDepth = c.getInt("sync.tree-depth");
        require(every >= 1, "sync.every", every, ">= 1");
        require(warmupRounds >= 0, "sync.warmup-rounds", warmupRounds, ">= 0");
        require(serverMomentum >= 0 && serverMomentum < 1, "sync.server-momentum", serverMomentum, "in [0, 1)");
        require(treeDepth >= 1, "sync.tree-depth", treeDepth, ">= 1");
        int slices = c.getInt("sync.slices");
        require(slices >= 0, "sync.slices", slices, ">= 0 (0: one per replica)");
        SyncMethod method;
        WireFormat wire;
        try {
            method = SyncMethod.parse(c.getString("sync.method"));
            wire = WireFormat.parse(c.getString("sync.wire"));
            return new SyncSchedule(every, warmupRounds, serverMomentum, treeDepth, method, slices, wire);
        } catch (IllegalArgumentException e) {
            throw new ConfigError(e.getMessage());
        }
    }

    private static void require(boolean ok, String key, Object value, String valid) {
        if (!ok) {
            throw new ConfigError(key + " = " + value + " is invalid: must be " + valid);
        }
    }
}
