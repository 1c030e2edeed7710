package io.attnspark.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * The size and cost of a model: trainable parameters counted from the built, initialised network
 * (PyTorch's {@code sum(p.numel() for p in model.parameters())}: BatchNorm running statistics are
 * not counted) and multiply-accumulates of one image's forward pass ({@link MacCounter}).
 *
 * @param name the model's display name
 * @param parameters trainable parameters
 * @param macs multiply-accumulates per image
 * @param attentionModules how many attention modules the network has
 */
public record ModelFacts(String name, long parameters, long macs, int attentionModules) {

    /**
     * Builds the spec's network at its input size and counts.
     *
     * @param spec the model
     * @return its facts
     */
    public static ModelFacts of(ModelSpec spec) {
        ResidualNetworkBuilder builder = new ResidualNetworkBuilder(spec);
        SequentialBlock net = builder.build();
        try (NDManager manager = NDManager.newBaseManager()) {
            net.initialize(manager, DataType.FLOAT32, spec.inputShape(1));
            long params = 0;
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    params += p.getValue().getArray().size();
                }
            }
            long macs = new MacCounter(builder.placed()).count(net, spec.inputShape(1));
            return new ModelFacts(spec.displayName(), params, macs, builder.placed().size());
        }
    }

    /**
     * A spec for counting only: the given backbone, input and classes, no normalisation.
     *
     * @param backbone the backbone
     * @param channels input channels
     * @param height input height
     * @param width input width
     * @param classes output classes
     * @return the spec with attention {@code none}
     */
    public static ModelSpec countingSpec(Backbone.Choice backbone, int channels, int height, int width, int classes) {
        List<String> names = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            names.add(Integer.toString(i));
        }
        float[] mean = new float[channels];
        float[] std = new float[channels];
        java.util.Arrays.fill(std, 1f);
        return new ModelSpec(new Architecture(backbone.backbone().id(), backbone.depth(), ModelSpec.NONE),
                new ModelSpec.Input(channels, height, width, names, mean, std));
    }
}
