package io.attnspark.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param backbone the backbone family ({@link Backbone}): {@code resnet-cifar}, {@code resnet},
 *     {@code resnext-32x4d}
 * @param depth the backbone depth (6n+2 for {@code resnet-cifar}; 18, 34, 50, 101, 152 for {@code
 *     resnet}; 50, 101, 152 for {@code resnext-32x4d})
 * @param attention the attention module's registry name ({@code io.attnspark.nn.Attentions}),
 *     {@code none} for the plain backbone
 * @param inputChannels image channels
 * @param imageHeight image height in pixels
 * @param imageWidth image width in pixels
 * @param classNames the class names, index = label
 * @param mean per-channel mean of the training pixels, on the 0..1 scale
 * @param std per-channel standard deviation of the training pixels, on the 0..1 scale
 * @param placement where the attention module goes; null for {@code none}; a spec without one
 *     (JSON written before placements existed, or the short constructor) gets the module's
 *     default ({@link AttentionPlacement#defaults(String, Backbone)})
 * @param zeroInitResidual whether the last BN gamma of each residual branch starts at 0
 *     (torchvision's {@code zero_init_residual}; absent in JSON means false)
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
        float[] std,
        @JsonInclude(JsonInclude.Include.NON_NULL) AttentionPlacement placement,
        boolean zeroInitResidual) implements java.io.Serializable {

    /** The CIFAR-style ResNet of He et al. 2016, section 4.2. */
    public static final String RESNET_CIFAR = "resnet-cifar";

    /** The attention name of the plain backbone. */
    public static final String NONE = "none";

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** Validates the spec so that a bad one fails here, not deep inside DJL. */
    @JsonCreator
    public ModelSpec {
        placement = new Architecture(backbone, depth, attention, placement, zeroInitResidual).placement();
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
     * A spec with the attention module at its default placement and torchvision's default
     * initialisation.
     *
     * @param backbone the backbone family
     * @param depth the depth
     * @param attention the attention module, or {@code none}
     * @param inputChannels image channels
     * @param imageHeight image height
     * @param imageWidth image width
     * @param classNames the class names
     * @param mean per-channel mean
     * @param std per-channel standard deviation
     */
    public ModelSpec(
            String backbone,
            int depth,
            String attention,
            int inputChannels,
            int imageHeight,
            int imageWidth,
            List<String> classNames,
            float[] mean,
            float[] std) {
        this(backbone, depth, attention, inputChannels, imageHeight, imageWidth, classNames, mean, std, null, false);
    }

    /**
     * A copy with another attention module and placement.
     *
     * @param module the module, or {@code none}
     * @param where its placement, or null for the module's default
     * @return the copy
     */
    public ModelSpec withAttention(String module, AttentionPlacement where) {
        return new ModelSpec(backbone, depth, module, inputChannels, imageHeight, imageWidth, classNames, mean, std,
                where, zeroInitResidual);
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
        return new ResidualNetworkBuilder(this).build();
    }

    /**
     * A short name for tables and logs, e.g. {@code resnet-cifar-20}, {@code resnet-cifar-20+se},
     * {@code resnet50+cbam}, {@code resnext50_32x4d+sk}.
     *
     * @return the name
     */
    public String displayName() {
        String base = new Backbone.Choice(Backbone.of(backbone), depth).displayName();
        return NONE.equals(attention) ? base : base + "+" + attention;
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
