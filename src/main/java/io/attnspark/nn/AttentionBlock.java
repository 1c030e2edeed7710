package io.attnspark.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The base of the attention blocks: a DJL block whose parameters carry exactly the reference
 * module's PyTorch {@code state_dict} names and shapes ({@code fc1.weight}, {@code
 * spatial.conv.bn.running_var}, ...), so that reference weights load by name ({@link StateDict})
 * and the parameter list reads like the reference's.
 *
 * <p>Parameter shapes depend only on the constructor arguments, so a block can be initialised
 * with any input shape. BatchNorm running statistics are parameters of type {@code RUNNING_MEAN}
 * / {@code RUNNING_VAR} without gradients, updated in training mode with the reference's momentum
 * and used in inference mode.
 */
public abstract class AttentionBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The input channel count. */
    protected final int channels;

    private final Map<String, Float> momenta = new HashMap<>();

    /**
     * Constructs a block.
     *
     * @param channels the input channel count, at least 1
     */
    protected AttentionBlock(int channels) {
        super(VERSION);
        if (channels < 1) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s: channels must be at least 1, got %d",
                            getClass().getSimpleName(),
                            channels));
        }
        this.channels = channels;
    }

    /**
     * The input channel count.
     *
     * @return the channels
     */
    public int getChannels() {
        return channels;
    }

    /**
     * The number of inputs: 1, or 2 for the fusion blocks ({@code x} and {@code y}).
     *
     * @return the input count
     */
    public int getInputCount() {
        return 1;
    }

    /**
     * The reference implementation this instance follows ({@code "timm"}, {@code "official"},
     * ...), as chosen by the {@code ref} option.
     *
     * @return the reference variant
     */
    public abstract String getReference();

    /**
     * The number of trainable values, as PyTorch's {@code sum(p.numel() for p in
     * m.parameters())}: BatchNorm running statistics are buffers, not counted.
     *
     * @return the parameter count
     */
    public long getTrainableParameterCount() {
        long n = 0;
        for (Parameter p : parameters.values()) {
            if (p.requiresGradient()) {
                n += p.getShape().size();
            }
        }
        return n;
    }

    /**
     * The reference {@code state_dict} names of this block's parameters, in order, without {@code
     * num_batches_tracked}.
     *
     * @return the names
     */
    public List<String> getStateDictNames() {
        return new ArrayList<>(parameters.keySet());
    }

    /**
     * One parameter by its {@code state_dict} name.
     *
     * @param name the name
     * @return the parameter
     * @throws IllegalArgumentException if the block has no such parameter
     */
    public Parameter getParameter(String name) {
        Parameter p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s has no parameter '%s'; it has %s",
                            getClass().getSimpleName(),
                            name,
                            parameters.keySet()));
        }
        return p;
    }

    /**
     * Adds a PyTorch {@code Conv2d}'s parameters ({@code name.weight}, {@code name.bias}) with
     * PyTorch's default initialisation.
     *
     * @param name the module name
     * @param out output channels
     * @param inPerGroup input channels per group
     * @param kh kernel height
     * @param kw kernel width
     * @param bias whether the conv has a bias
     */
    protected final void addConv(
            String name, long out, long inPerGroup, long kh, long kw, boolean bias) {
        addTensor(name + ".weight", Parameter.Type.WEIGHT, TorchInit.defaultWeight(), out, inPerGroup, kh, kw);
        if (bias) {
            addTensor(
                    name + ".bias",
                    Parameter.Type.BIAS,
                    TorchInit.defaultBias(inPerGroup * kh * kw),
                    out);
        }
    }

    /**
     * Adds a PyTorch {@code Linear}'s parameters with PyTorch's default initialisation.
     *
     * @param name the module name
     * @param out output features
     * @param in input features
     * @param bias whether the layer has a bias
     */
    protected final void addLinear(String name, long out, long in, boolean bias) {
        addTensor(name + ".weight", Parameter.Type.WEIGHT, TorchInit.defaultWeight(), out, in);
        if (bias) {
            addTensor(name + ".bias", Parameter.Type.BIAS, TorchInit.defaultBias(in), out);
        }
    }

    /**
     * Adds a PyTorch {@code BatchNorm} (weight 1, bias 0, running mean 0, running variance 1).
     *
     * @param name the module name
     * @param c the channel count
     * @param momentum PyTorch's momentum (0.1 by default)
     */
    protected final void addBatchNorm(String name, long c, float momentum) {
        addTensor(name + ".weight", Parameter.Type.GAMMA, Initializer.ONES, c);
        addTensor(name + ".bias", Parameter.Type.BETA, Initializer.ZEROS, c);
        addParameter(
                Parameter.builder()
                        .setName(name + ".running_mean")
                        .setType(Parameter.Type.RUNNING_MEAN)
                        .optShape(new Shape(c))
                        .optInitializer(Initializer.ZEROS)
                        .optRequiresGrad(false)
                        .build());
        addParameter(
                Parameter.builder()
                        .setName(name + ".running_var")
                        .setType(Parameter.Type.RUNNING_VAR)
                        .optShape(new Shape(c))
                        .optInitializer(Initializer.ONES)
                        .optRequiresGrad(false)
                        .build());
        momenta.put(name, momentum);
    }

    /**
     * Adds a PyTorch {@code BatchNorm} with PyTorch's default momentum 0.1.
     *
     * @param name the module name
     * @param c the channel count
     */
    protected final void addBatchNorm(String name, long c) {
        addBatchNorm(name, c, 0.1f);
    }

    /**
     * Adds a trainable tensor.
     *
     * @param name the {@code state_dict} name
     * @param type the DJL parameter type
     * @param init its initialisation
     * @param shape its shape
     */
    protected final void addTensor(
            String name, Parameter.Type type, Initializer init, long... shape) {
        addParameter(
                Parameter.builder()
                        .setName(name)
                        .setType(type)
                        .optShape(new Shape(shape))
                        .optInitializer(init)
                        .build());
    }

    /**
     * Replaces a parameter's initialisation, for the reference's own init (zeroed last layers).
     *
     * @param name the {@code state_dict} name
     * @param init the initialisation
     */
    protected final void setInit(String name, Initializer init) {
        getParameter(name).setInitializer(init);
    }

    /** {@inheritDoc} */
    @Override
    protected final NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        checkInputs(inputs);
        return new NDList(forward(new Pass(parameterStore, training, inputs.head().getDevice()), inputs));
    }

    /**
     * The block's computation.
     *
     * @param pass access to the parameters and the layer helpers for this forward pass
     * @param inputs the checked inputs
     * @return the output
     */
    protected abstract NDArray forward(Pass pass, NDList inputs);

    /**
     * Fails with a message naming the block and the shape unless the inputs are {@link
     * #getInputCount()} NCHW tensors with {@link #getChannels()} channels (all of the same shape).
     *
     * @param inputs the inputs
     */
    protected void checkInputs(NDList inputs) {
        checkShapes(inputs.getShapes());
    }

    /**
     * Checks input shapes; see {@link #checkInputs(NDList)}.
     *
     * @param shapes the input shapes
     */
    protected void checkShapes(Shape... shapes) {
        String block = getClass().getSimpleName();
        if (shapes.length != getInputCount()) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s takes %d input(s), got %d",
                            block,
                            getInputCount(),
                            shapes.length));
        }
        for (Shape s : shapes) {
            if (s.dimension() != 4 || s.get(1) != channels) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "%s expects NCHW input with %d channels, got shape %s",
                                block,
                                channels,
                                s));
            }
            if (!s.equals(shapes[0])) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "%s expects inputs of one shape, got %s and %s",
                                block,
                                shapes[0],
                                s));
            }
        }
    }

    /**
     * The mean over the spatial axes of an NCHW tensor ({@code mean((2,3), keepdim=True)};
     * PyTorch's DJL engine reduces only one axis at a time).
     *
     * @param x the input
     * @return the [B,C,1,1] mean
     */
    protected static NDArray spatialMean(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2}, true).reshape(s.get(0), s.get(1), 1, 1);
    }

    /**
     * The maximum over the spatial axes of an NCHW tensor, keeping the axes.
     *
     * @param x the input
     * @return the [B,C,1,1] maximum
     */
    protected static NDArray spatialMax(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), -1).max(new int[] {2}, true).reshape(s.get(0), s.get(1), 1, 1);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkShapes(inputShapes);
        return new Shape[] {inputShapes[0]};
    }

    /**
     * One forward pass: parameter values on the input's device, and the reference layers
     * (conv, linear, BatchNorm) applied by parameter name.
     */
    protected final class Pass {

        private final ParameterStore store;
        private final boolean training;
        private final Device device;

        Pass(ParameterStore store, boolean training, Device device) {
            this.store = store;
            this.training = training;
            this.device = device;
        }

        /**
         * Whether this is a training pass.
         *
         * @return true when training
         */
        public boolean isTraining() {
            return training;
        }

        /**
         * A parameter's value.
         *
         * @param name the {@code state_dict} name
         * @return the value on this pass's device
         */
        public NDArray get(String name) {
            return store.getValue(getParameter(name), device, training);
        }

        /**
         * Whether the block has a parameter.
         *
         * @param name the {@code state_dict} name
         * @return true if present
         */
        public boolean has(String name) {
            return parameters.containsKey(name);
        }

        /**
         * A PyTorch {@code Conv2d} (bias used if the block has {@code name.bias}).
         *
         * @param x the input
         * @param name the module name
         * @param stride the stride (both axes)
         * @param padH padding of the rows
         * @param padW padding of the columns
         * @param dilation the dilation (both axes)
         * @param groups the groups
         * @return the output
         */
        public NDArray conv(
                NDArray x, String name, int stride, int padH, int padW, int dilation, int groups) {
            return conv(
                    x,
                    name,
                    new Shape(stride, stride),
                    new Shape(padH, padW),
                    new Shape(dilation, dilation),
                    groups);
        }

        /**
         * A PyTorch {@code Conv2d} with per-axis stride, padding and dilation.
         *
         * @param x the input
         * @param name the module name
         * @param stride the stride (rows, columns)
         * @param padding the padding (rows, columns)
         * @param dilation the dilation (rows, columns)
         * @param groups the groups
         * @return the output
         */
        public NDArray conv(
                NDArray x, String name, Shape stride, Shape padding, Shape dilation, int groups) {
            NDArray bias = has(name + ".bias") ? get(name + ".bias") : null;
            return GuardedConvolution.conv2d(x, get(name + ".weight"), bias, stride, padding, dilation, groups);
        }

        /**
         * A 1x1 (or unpadded) {@code Conv2d} with stride 1.
         *
         * @param x the input
         * @param name the module name
         * @return the output
         */
        public NDArray conv(NDArray x, String name) {
            return conv(x, name, 1, 0, 0, 1, 1);
        }

        /**
         * A PyTorch {@code Linear} on the last axis.
         *
         * @param x the input
         * @param name the module name
         * @return the output
         */
        public NDArray linear(NDArray x, String name) {
            NDArray bias = has(name + ".bias") ? get(name + ".bias") : null;
            NDManager owner = x.getManager();
            return Linear.linear(
                            Autocast.lower(x, owner),
                            Autocast.lower(get(name + ".weight"), owner),
                            Autocast.lower(bias, owner))
                    .head();
        }

        /**
         * A PyTorch {@code BatchNorm} over axis 1 (eps 1e-5): batch statistics and a running
         * update when training, running statistics otherwise.
         *
         * @param x the input, 2-D or 4-D
         * @param name the module name
         * @return the output
         */
        public NDArray batchNorm(NDArray x, String name) {
            // DJL passes (1 - momentum) to PyTorch; hand it the complement of PyTorch's momentum.
            float momentum = 1f - momenta.get(name);
            return BatchNorm.batchNorm(
                            x,
                            get(name + ".running_mean"),
                            get(name + ".running_var"),
                            get(name + ".weight"),
                            get(name + ".bias"),
                            1,
                            momentum,
                            1e-5f,
                            training)
                    .head();
        }
    }
}
