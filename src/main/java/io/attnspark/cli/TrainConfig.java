package io.attnspark.cli;

import io.attnspark.data.RandomResizedCrop;
import io.attnspark.distributed.CheckpointSettings;
import io.attnspark.distributed.DataSettings;
import io.attnspark.distributed.StoredConfig;
import io.attnspark.distributed.SyncMethod;
import io.attnspark.distributed.SyncSchedule;
import io.attnspark.distributed.TrainJob;
import io.attnspark.distributed.TrainingSettings;
import io.attnspark.distributed.WireFormat;
import io.attnspark.model.Architecture;
import io.attnspark.model.AttentionPlacement;
import io.attnspark.model.Backbone;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.ResidualNetworkBuilder;
import io.attnspark.nn.Attentions;
import io.attnspark.train.Precision;
import io.attnspark.train.SgdSettings;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A resolved train config read into {@link TrainJob.Settings}, one section at a time: each section becomes its
 * own record, which validates itself and names the key of an invalid value. Adding a key touches its defaults
 * file, its section's record, its line here and the code that uses it.
 */
final class TrainConfig {

    /** The value of a placement key that keeps the module's paper placement. */
    private static final String DEFAULT = "default";

    private TrainConfig() {}

    /**
     * Reads every section.
     *
     * @param c the config
     * @param resume whether to continue from the newest checkpoint ({@code --resume})
     * @return the settings
     * @throws ConfigError naming the first invalid key
     */
    static TrainJob.Settings settings(JobConfig c, boolean resume) {
        DataSettings data = data(c);
        Architecture model = model(c);
        TrainingSettings train = train(c);
        int shards = c.getInt("sync.shards");
        SyncSchedule sync = sync(c);
        CheckpointSettings checkpoint = checkpoint(c, resume);
        String output = c.getString("output.path");
        return valid(() -> new TrainJob.Settings(data, model, train, shards, sync, checkpoint, output,
                new StoredConfig(c.toJson(), c.flatten())));
    }

    /** The {@code data} section. */
    static DataSettings data(JobConfig c) {
        List<Integer> size = c.getIntList("data.input-size");
        require(size.isEmpty() || size.size() == 2, "data.input-size", size, "[] (the table's size) or [H, W]");
        return valid(() -> new DataSettings(c.getString("data.table"), c.getLong("data.train-limit"),
                c.getLong("data.test-limit"),
                size.isEmpty() ? DataSettings.InputSize.TABLE : new DataSettings.InputSize(size.get(0), size.get(1)),
                c.getInt("data.decode-threads"), DataSettings.CacheDecoded.parse(c.getString("data.cache-decoded"))));
    }

    /** The {@code train} section. */
    static TrainingSettings train(JobConfig c) {
        double momentum = c.getDouble("train.momentum");
        double weightDecay = c.getDouble("train.weight-decay");
        require(momentum >= 0 && momentum < 1, "train.momentum", momentum, "in [0, 1)");
        require(weightDecay >= 0, "train.weight-decay", weightDecay, ">= 0");
        return valid(() -> new TrainingSettings(
                c.getDouble("train.epochs"),
                c.getInt("train.batch-size"),
                new TrainingSettings.LearningRate(c.getDouble("train.lr"), c.getDouble("train.lr-final"),
                        c.getDouble("train.warmup-epochs")),
                new SgdSettings(momentum, weightDecay),
                new TrainingSettings.Augmentation(c.getInt("train.augment.crop-padding"),
                        c.getBoolean("train.augment.flip"), randomResizedCrop(c)),
                c.getLong("train.seed"),
                c.getInt("train.eval-batch-size"),
                Precision.parse("train.precision", c.getString("train.precision"))));
    }

    /** {@code train.augment}'s random-resized crop, or null when it is off. */
    private static RandomResizedCrop randomResizedCrop(JobConfig c) {
        List<Double> scale = c.getDoubleList("train.augment.crop-scale");
        List<Double> ratio = c.getDoubleList("train.augment.crop-ratio");
        require(scale.size() == 2, "train.augment.crop-scale", scale, "[min, max]");
        require(ratio.size() == 2, "train.augment.crop-ratio", ratio, "[min, max]");
        if (!c.getBoolean("train.augment.random-resized-crop")) {
            return null;
        }
        try {
            return new RandomResizedCrop(scale.get(0), scale.get(1), ratio.get(0), ratio.get(1));
        } catch (IllegalArgumentException e) {
            throw new ConfigError("train.augment.crop-scale = " + scale + " / crop-ratio = " + ratio + " is invalid: "
                    + e.getMessage());
        }
    }

    /** The {@code checkpoint} section, with {@code --resume}. */
    static CheckpointSettings checkpoint(JobConfig c, boolean resume) {
        return valid(() -> new CheckpointSettings(c.getInt("checkpoint.every"), c.getInt("checkpoint.keep"), resume));
    }

    /** The {@code sync} section's schedule (its {@code shards} is read with the settings). */
    static SyncSchedule sync(JobConfig c) {
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
        try {
            return new SyncSchedule(every, warmupRounds, serverMomentum, treeDepth,
                    SyncMethod.parse(c.getString("sync.method")), slices, WireFormat.parse(c.getString("sync.wire")));
        } catch (IllegalArgumentException e) {
            throw new ConfigError(e.getMessage());
        }
    }

    /**
     * The {@code model} section: backbone, depth, attention and placement, validated by building the
     * (uninitialised) network so that an invalid combination names its keys.
     */
    static Architecture model(JobConfig c) {
        String name = c.getString("model.backbone");
        int depth = c.getInt("model.depth");
        String attention = c.getString("model.attention");
        boolean zeroInitResidual = c.getBoolean("model.zero-init-residual");
        AttentionPlacement placement = placement(c);
        Backbone backbone;
        try {
            backbone = Backbone.of(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("model.backbone = " + name + " is invalid: " + e.getMessage());
        }
        try {
            backbone.layout(depth);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("model.depth = " + depth + " is invalid: " + e.getMessage());
        }
        require(attention.equals(ModelSpec.NONE) || Attentions.names().contains(attention), "model.attention",
                attention, "none or one of [" + String.join(", ", Attentions.names()) + "]");
        try {
            new ResidualNetworkBuilder(backbone, depth, 2, attention, placement, zeroInitResidual).build();
            return new Architecture(name, depth, attention, placement, zeroInitResidual);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("model.attention = " + attention
                    + " with model.placement / model.attention-options is invalid: " + e.getMessage());
        }
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
            return null; // named by model()
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

    /** Builds a section record, turning its validation error (which names the key) into a config error. */
    private static <T> T valid(Supplier<T> section) {
        try {
            return section.get();
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
