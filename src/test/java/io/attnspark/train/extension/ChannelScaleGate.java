package io.attnspark.train.extension;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import io.attnspark.nn.AttentionBlock;
import io.attnspark.nn.AttentionOptions;
import java.util.Set;

/**
 * A module defined outside the project's packages, as a user would add one: a learned per-channel
 * gate {@code x * 2 sigmoid(w)} (the identity at w = 0), with a width option to prove options reach it.
 */
public final class ChannelScaleGate extends AttentionBlock {

    /** The options it reads. */
    public static final Set<String> OPTIONS = Set.of("ref", "scale");

    private final float scale;

    /**
     * Creates the gate.
     *
     * @param channels the channels
     * @param options {@code scale} (2)
     */
    public ChannelScaleGate(int channels, AttentionOptions options) {
        super(channels);
        scale = (float) options.getDouble("scale", 2);
        addTensor("weight", Parameter.Type.WEIGHT, Initializer.ZEROS, 1, channels, 1, 1);
    }

    @Override
    public String getReference() {
        return "test";
    }

    @Override
    protected NDArray forward(Pass pass, NDList inputs) {
        return inputs.head().mul(Activation.sigmoid(pass.get("weight")).mul(scale));
    }
}
