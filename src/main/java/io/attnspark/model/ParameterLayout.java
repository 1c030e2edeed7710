package io.attnspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.Serializable;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The order, names and shapes of a block's parameters, BatchNorm running statistics included,
 * and the mapping between them and one flat float buffer. Replicas exchange parameters as such
 * buffers; the layout is how both sides agree on what each float means.
 */
public final class ParameterLayout implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String[] names;
    private final long[][] shapes;
    private final boolean[] trainable;
    private final int[] offsets;
    private final int size;

    private ParameterLayout(String[] names, long[][] shapes, boolean[] trainable) {
        this.names = names;
        this.shapes = shapes;
        this.trainable = trainable;
        this.offsets = new int[names.length + 1];
        long total = 0;
        for (int i = 0; i < names.length; i++) {
            offsets[i] = Math.toIntExact(total);
            total += new Shape(shapes[i]).size();
        }
        this.size = Math.toIntExact(total);
        offsets[names.length] = size;
    }

    /**
     * Reads the layout of an initialised block.
     *
     * @param block the block, initialised
     * @return its layout
     */
    public static ParameterLayout of(Block block) {
        ai.djl.nn.ParameterList params = block.getParameters();
        String[] names = new String[params.size()];
        long[][] shapes = new long[params.size()][];
        boolean[] trainable = new boolean[params.size()];
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i).getValue();
            if (!p.isInitialized()) {
                throw new IllegalStateException("parameter " + params.get(i).getKey() + " is not initialised");
            }
            names[i] = params.get(i).getKey();
            shapes[i] = p.getArray().getShape().getShape();
            trainable[i] = p.requiresGradient();
        }
        return new ParameterLayout(names, shapes, trainable);
    }

    /**
     * Returns the number of floats of all parameters.
     *
     * @return the flat size
     */
    public int size() {
        return size;
    }

    /**
     * Returns the number of floats of the trainable parameters (the size of optimizer state).
     *
     * @return the trainable flat size
     */
    public int trainableSize() {
        int total = 0;
        for (int i = 0; i < names.length; i++) {
            if (trainable[i]) {
                total += offsets[i + 1] - offsets[i];
            }
        }
        return total;
    }

    /**
     * Returns the number of parameter tensors.
     *
     * @return the count
     */
    public int count() {
        return names.length;
    }

    /**
     * Returns the name of a parameter.
     *
     * @param i its index
     * @return the name
     */
    public String name(int i) {
        return names[i];
    }

    /**
     * Returns the shape of a parameter.
     *
     * @param i its index
     * @return the shape
     */
    public Shape shape(int i) {
        return new Shape(shapes[i]);
    }

    /**
     * Tells whether a parameter is trained by the optimizer (not a running statistic).
     *
     * @param i its index
     * @return true if trainable
     */
    public boolean trainable(int i) {
        return trainable[i];
    }

    /**
     * Returns the offset of a parameter in the flat buffer.
     *
     * @param i its index
     * @return the offset
     */
    public int offset(int i) {
        return offsets[i];
    }

    /**
     * Copies a block's parameters into a flat buffer.
     *
     * @param block a block with this layout
     * @param out a buffer of {@link #size()} floats
     */
    public void copyFrom(Block block, float[] out) {
        ai.djl.nn.ParameterList params = checkedParameters(block);
        checkLength(out, size);
        for (int i = 0; i < names.length; i++) {
            float[] values = params.get(i).getValue().getArray().toFloatArray();
            System.arraycopy(values, 0, out, offsets[i], values.length);
        }
    }

    /**
     * Copies a flat buffer into a block's parameters, in place (the arrays keep their identity
     * and gradients).
     *
     * @param in a buffer of {@link #size()} floats
     * @param block a block with this layout
     */
    public void copyTo(float[] in, Block block) {
        ai.djl.nn.ParameterList params = checkedParameters(block);
        checkLength(in, size);
        for (int i = 0; i < names.length; i++) {
            NDArray array = params.get(i).getValue().getArray();
            array.set(FloatBuffer.wrap(in, offsets[i], offsets[i + 1] - offsets[i]).slice());
        }
    }

    /**
     * Checks that a block has exactly this layout.
     *
     * @param block the block
     * @throws IllegalArgumentException naming the first parameter that differs
     */
    public void check(Block block) {
        checkedParameters(block);
    }

    private ai.djl.nn.ParameterList checkedParameters(Block block) {
        ai.djl.nn.ParameterList params = block.getParameters();
        for (int i = 0; i < Math.max(params.size(), names.length); i++) {
            if (i >= params.size()) {
                throw new IllegalArgumentException("the model lacks parameter " + names[i]);
            }
            String name = params.get(i).getKey();
            if (i >= names.length) {
                throw new IllegalArgumentException("the model has an unexpected parameter " + name);
            }
            Parameter p = params.get(i).getValue();
            long[] shape = p.isInitialized() ? p.getArray().getShape().getShape() : null;
            if (!names[i].equals(name) || !Arrays.equals(shapes[i], shape)) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "parameter %d: expected %s %s, the model has %s %s",
                                i,
                                names[i],
                                new Shape(shapes[i]),
                                name,
                                shape == null ? "(uninitialised)" : new Shape(shape)));
            }
        }
        return params;
    }

    private static void checkLength(float[] buffer, int expected) {
        if (buffer.length != expected) {
            throw new IllegalArgumentException(
                    "flat parameter buffer has " + buffer.length + " floats, the layout " + expected);
        }
    }

    /**
     * Lists the names, for messages.
     *
     * @return the parameter names in order
     */
    public List<String> names() {
        return new ArrayList<>(Arrays.asList(names));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterLayout other
                && Arrays.equals(names, other.names)
                && Arrays.deepEquals(shapes, other.shapes)
                && Arrays.equals(trainable, other.trainable);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(names) * 31 + Arrays.deepHashCode(shapes);
    }
}
