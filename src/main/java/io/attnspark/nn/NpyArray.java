package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One array of an {@code .npz} archive: its NumPy dtype, shape and values (held as doubles so
 * that every numeric dtype fits; the arrays here are weights and test tensors, not datasets).
 *
 * @param dtype the NumPy type string, for example {@code <f4}
 * @param shape the shape, empty for a scalar
 * @param values the values in C order
 */
public record NpyArray(String dtype, long[] shape, double[] values) {

    /**
     * Wraps a float32 array.
     *
     * @param shape the shape
     * @param values the values in C order
     * @return the array
     */
    public static NpyArray ofFloats(long[] shape, float[] values) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return new NpyArray("<f4", shape.clone(), v);
    }

    /**
     * Copies an NDArray (any numeric type) as float32.
     *
     * @param array the array
     * @return the copy
     */
    public static NpyArray of(NDArray array) {
        return ofFloats(array.getShape().getShape(), array.toType(DataType.FLOAT32, false).toFloatArray());
    }

    /**
     * Wraps UTF-8 text as a uint8 array, the way the test vectors store their JSON config.
     *
     * @param text the text
     * @return the array
     */
    public static NpyArray ofText(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        double[] v = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i] & 0xff;
        }
        return new NpyArray("|u1", new long[] {b.length}, v);
    }

    /**
     * Decodes a uint8 array as UTF-8 text.
     *
     * @return the text
     */
    public String toText() {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * The DJL shape.
     *
     * @return the shape
     */
    public Shape djlShape() {
        return new Shape(shape);
    }

    /**
     * The values as float32.
     *
     * @return a new array
     */
    public float[] toFloats() {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    /**
     * Creates a float32 NDArray with this array's shape and values.
     *
     * @param manager the manager that owns the new array
     * @return the NDArray
     */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(toFloats(), djlShape());
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a
                && dtype.equals(a.dtype)
                && Arrays.equals(shape, a.shape)
                && Arrays.equals(values, a.values);
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(values);
    }
}
