package io.attnspark.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;

/**
 * Everything needed to rebuild a model: backbone, attention, input and output sizes, class names
 * and the input normalisation. The same spec always builds the same parameter layout, so a
 * parameter file is only meaningful together with its spec.
 *
 * @param backbone the backbone family; {@code resnet-cifar} for now
 * @param depth the backbone depth (6n+2 for {@code resnet-cifar})
 * @param attention the attention module name, {@code none} for the plain backbone
 * @param inputChannels image channels
 * @param imageHeight image height in pixels
 * @param imageWidth image width in pixels
 * @param classNames the class names, index = label
 * @param mean per-channel mean of the training pixels, on the 0..1 scale
 * @param std per-channel standard deviation of the training pixels, on the 0..1 scale
 */
public record ModelSpec(
        String backbone,
        int depth,
        String attention,
        int inputChannels,
        int imageHeight,
        int imageWidth,
        List<String> classNames,
        float[] mean,
        float[] std) implements java.io.Serializable {

    /** The CIFAR-style ResNet of He et al. 2016, section 4.2. */
    public static final String RESNET_CIFAR = "resnet-cifar";

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** Validates the spec so that a bad one fails here, not deep inside DJL. */
    public ModelSpec {
        if (!RESNET_CIFAR.equals(backbone)) {
            throw new IllegalArgumentException(
                    "unknown backbone '" + backbone + "'; valid: [" + RESNET_CIFAR + "]");
        }
        CifarResNet.blocksPerStage(depth);
        if (!"none".equals(attention)) {
            throw new IllegalArgumentException(
                    "unknown attention '" + attention + "'; valid: [none]");
        }
        if (inputChannels < 1 || imageHeight < 1 || imageWidth < 1) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "input must be at least 1x1x1, got %dx%dx%d",
                            inputChannels,
                            imageHeight,
                            imageWidth));
        }
        if (classNames == null || classNames.size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 class names");
        }
        if (mean == null || std == null || mean.length != inputChannels || std.length != inputChannels) {
            throw new IllegalArgumentException(
                    "mean and std need one value per input channel (" + inputChannels + ")");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive, got " + s);
            }
        }
        classNames = List.copyOf(classNames);
    }

    /**
     * Returns the number of classes.
     *
     * @return the number of classes
     */
    public int classes() {
        return classNames.size();
    }

    /**
     * Returns the input shape for a batch.
     *
     * @param batchSize the batch size
     * @return NCHW shape
     */
    public Shape inputShape(long batchSize) {
        return new Shape(batchSize, inputChannels, imageHeight, imageWidth);
    }

    /**
     * Builds a new, uninitialised network for this spec.
     *
     * @return the block
     */
    public Block newBlock() {
        return CifarResNet.build(depth, classes());
    }

    /**
     * A short name for tables and logs, e.g. {@code resnet-cifar-20} or {@code resnet-cifar-20+se}.
     *
     * @return the name
     */
    public String displayName() {
        String base = backbone + "-" + depth;
        return "none".equals(attention) ? base : base + "+" + attention;
    }

    /**
     * Serialises the spec.
     *
     * @return JSON
     */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise model spec", e);
        }
    }

    /**
     * Parses a spec.
     *
     * @param json the JSON written by {@link #toJson()}
     * @return the spec
     * @throws IllegalArgumentException if the JSON is not a valid spec
     */
    public static ModelSpec fromJson(String json) {
        try {
            return JSON.readValue(json, ModelSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid model spec: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec other && toJson().equals(other.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }
}
