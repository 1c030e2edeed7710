package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * PyTorch's parameter initialisations, so that a block starts where the reference module starts:
 * {@code nn.Conv*} and {@code nn.Linear} default ({@code kaiming_uniform_(a=sqrt(5))}, which is
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias alike) and {@code kaiming_normal_}.
 */
public final class TorchInit {

    private TorchInit() {}

    /**
     * The default of PyTorch's conv and linear layers for a weight: U(-b, b), b = 1/sqrt(fan_in).
     *
     * @return the initializer
     */
    public static Initializer defaultWeight() {
        return (manager, shape, dataType) -> uniform(manager, shape, dataType, fanIn(shape));
    }

    /**
     * The default of PyTorch's conv and linear layers for a bias: U(-b, b), b =
     * 1/sqrt(fan_in of the layer's weight).
     *
     * @param fanIn the fan-in of the layer's weight
     * @return the initializer
     */
    public static Initializer defaultBias(long fanIn) {
        return (manager, shape, dataType) -> uniform(manager, shape, dataType, fanIn);
    }

    /**
     * {@code kaiming_normal_(nonlinearity='relu')}: N(0, 2/fan).
     *
     * @param fanOut true for {@code mode='fan_out'}, false for {@code fan_in}
     * @return the initializer
     */
    public static Initializer kaimingNormal(boolean fanOut) {
        return (manager, shape, dataType) -> {
            long fan = fanOut ? fanOut(shape) : fanIn(shape);
            return manager.randomNormal(0f, (float) Math.sqrt(2.0 / fan), shape, dataType);
        };
    }

    /**
     * A constant.
     *
     * @param value the value
     * @return the initializer
     */
    public static Initializer constant(float value) {
        return (manager, shape, dataType) -> manager.full(shape, value, dataType);
    }

    /**
     * PyTorch's fan-in of a weight: {@code shape[1] * prod(shape[2:])}.
     *
     * @param shape the weight shape
     * @return the fan-in
     */
    public static long fanIn(Shape shape) {
        long f = shape.dimension() > 1 ? shape.get(1) : shape.get(0);
        for (int i = 2; i < shape.dimension(); i++) {
            f *= shape.get(i);
        }
        return f;
    }

    private static long fanOut(Shape shape) {
        long f = shape.get(0);
        for (int i = 2; i < shape.dimension(); i++) {
            f *= shape.get(i);
        }
        return f;
    }

    private static NDArray uniform(NDManager manager, Shape shape, DataType dataType, long fanIn) {
        float b = (float) (1.0 / Math.sqrt(fanIn));
        return manager.randomUniform(-b, b, shape, dataType);
    }
}
