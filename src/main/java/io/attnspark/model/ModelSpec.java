package io.attnspark.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;

/**
 * Everything needed to rebuild a model: which network ({@link Architecture}: backbone, attention, placement)
 * and what it takes and gives ({@link Input}: image size, class names, normalisation). The same spec always
 * builds the same parameter layout, so a parameter file is only meaningful together with its spec. Its JSON
 * ({@code spec.json}) is one flat object, as it has been since the first model was saved.
 *
 * @param architecture the network
 * @param input the images it takes, the classes it tells apart and the normalisation of its input
 */
public record ModelSpec(Architecture architecture, Input input) implements java.io.Serializable {

    /** The CIFAR-style ResNet of He et al. 2016, section 4.2. */
    public static final String RESNET_CIFAR = "resnet-cifar";

    /** The attention name of the plain backbone. */
    public static final String NONE = "none";

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /**
     * What a network takes and gives.
     *
     * @param channels image channels
     * @param height image height in pixels
     * @param width image width in pixels
     * @param classNames the class names, index = label
     * @param mean per-channel mean of the training pixels, on the 0..1 scale
     * @param std per-channel standard deviation of the training pixels, on the 0..1 scale
     */
    public record Input(int channels, int height, int width, List<String> classNames, float[] mean, float[] std)
            implements java.io.Serializable {

        /** Validates the input so that a bad one fails here, not deep inside DJL. */
        public Input {
            if (channels < 1 || height < 1 || width < 1) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT, "input must be at least 1x1x1, got %dx%dx%d", channels, height, width));
            }
            if (classNames == null || classNames.size() < 2) {
                throw new IllegalArgumentException("a classifier needs at least 2 class names");
            }
            if (mean == null || std == null || mean.length != channels || std.length != channels) {
                throw new IllegalArgumentException("mean and std need one value per input channel (" + channels + ")");
            }
            for (float s : std) {
                if (!(s > 0)) {
                    throw new IllegalArgumentException("std must be positive, got " + s);
                }
            }
            classNames = List.copyOf(classNames);
        }
    }

    /**
     * Validates the spec so that a bad one fails here, not deep inside DJL.
     *
     * @throws IllegalArgumentException naming what is missing
     */
    public ModelSpec {
        if (architecture == null || input == null) {
            throw new IllegalArgumentException("a model spec needs an architecture and an input");
        }
    }

    /**
     * Returns the backbone family ({@link Backbone}).
     *
     * @return its name
     */
    public String backbone() {
        return architecture.backbone();
    }

    /**
     * Returns the backbone depth.
     *
     * @return the depth
     */
    public int depth() {
        return architecture.depth();
    }

    /**
     * Returns the attention module's registry name, {@code none} for the plain backbone.
     *
     * @return the name
     */
    public String attention() {
        return architecture.attention();
    }

    /**
     * Returns where the attention module goes.
     *
     * @return the placement, null for {@code none}
     */
    public AttentionPlacement placement() {
        return architecture.placement();
    }

    /**
     * Returns whether the last BN gamma of each residual branch starts at 0.
     *
     * @return whether it does
     */
    public boolean zeroInitResidual() {
        return architecture.zeroInitResidual();
    }

    /**
     * Returns the image channels.
     *
     * @return the channels
     */
    public int inputChannels() {
        return input.channels();
    }

    /**
     * Returns the image height.
     *
     * @return pixels
     */
    public int imageHeight() {
        return input.height();
    }

    /**
     * Returns the image width.
     *
     * @return pixels
     */
    public int imageWidth() {
        return input.width();
    }

    /**
     * Returns the class names, index = label.
     *
     * @return the names
     */
    public List<String> classNames() {
        return input.classNames();
    }

    /**
     * Returns the per-channel mean of the training pixels (0..1 scale).
     *
     * @return the means
     */
    public float[] mean() {
        return input.mean();
    }

    /**
     * Returns the per-channel standard deviation of the training pixels (0..1 scale).
     *
     * @return the deviations
     */
    public float[] std() {
        return input.std();
    }

    /**
     * A copy with another attention module and placement.
     *
     * @param module the module, or {@code none}
     * @param where its placement, or null for the module's default
     * @return the copy
     */
    public ModelSpec withAttention(String module, AttentionPlacement where) {
        return new ModelSpec(new Architecture(backbone(), depth(), module, where, zeroInitResidual()), input);
    }

    /**
     * Returns the number of classes.
     *
     * @return the number of classes
     */
    public int classes() {
        return input.classNames().size();
    }

    /**
     * Returns the input shape for a batch.
     *
     * @param batchSize the batch size
     * @return NCHW shape
     */
    public Shape inputShape(long batchSize) {
        return new Shape(batchSize, input.channels(), input.height(), input.width());
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
        String base = new Backbone.Choice(Backbone.of(backbone()), depth()).displayName();
        return NONE.equals(attention()) ? base : base + "+" + attention();
    }

    /**
     * Serialises the spec.
     *
     * @return JSON
     */
    public String toJson() {
        try {
            return JSON.writeValueAsString(JsonForm.of(this));
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
            return JSON.readValue(json, JsonForm.class).toSpec();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid model spec: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid model spec: " + e.getMessage(), e);
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

    /**
     * The spec's JSON: one flat object in this order (a spec without placement or {@code zeroInitResidual},
     * written before they existed, reads as the module's default placement and false).
     */
    @JsonPropertyOrder({"backbone", "depth", "attention", "inputChannels", "imageHeight", "imageWidth", "classNames",
        "mean", "std", "placement", "zeroInitResidual"})
    static final class JsonForm {
        public String backbone;
        public int depth;
        public String attention;
        public int inputChannels;
        public int imageHeight;
        public int imageWidth;
        public List<String> classNames;
        public float[] mean;
        public float[] std;
        @JsonInclude(JsonInclude.Include.NON_NULL) public AttentionPlacement placement;
        public boolean zeroInitResidual;

        static JsonForm of(ModelSpec spec) {
            JsonForm f = new JsonForm();
            f.backbone = spec.backbone();
            f.depth = spec.depth();
            f.attention = spec.attention();
            f.inputChannels = spec.inputChannels();
            f.imageHeight = spec.imageHeight();
            f.imageWidth = spec.imageWidth();
            f.classNames = spec.classNames();
            f.mean = spec.mean();
            f.std = spec.std();
            f.placement = spec.placement();
            f.zeroInitResidual = spec.zeroInitResidual();
            return f;
        }

        ModelSpec toSpec() {
            return new ModelSpec(new Architecture(backbone, depth, attention, placement, zeroInitResidual),
                    new Input(inputChannels, imageHeight, imageWidth, classNames, mean, std));
        }
    }
}
