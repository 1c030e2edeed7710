package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code torch.autocast(dtype=torch.bfloat16)} for this project's layers: inside a scope
 * opened on a thread, convolutions, linear layers and attention matrix products take bfloat16
 * operands, while the ops CUDA autocast keeps in float32 (softmax, exp/log, sums over an axis,
 * layer norm, the loss) take float32 ones. Everything else runs in the type it is given; batch norm
 * accepts a bfloat16 input with its float32 weights and running statistics and accumulates in
 * float32 (libtorch's mixed-type kernel), as under PyTorch's autocast.
 *
 * <p>Parameters stay float32: each cast is an autograd op, so gradients arrive at the float32
 * parameters in float32 and the optimizer, averaging and checkpoints never see bfloat16.
 *
 * <p>Outside a scope every method returns its argument unchanged, so float32 runs compute exactly what
 * they computed before this class existed. The scope is per thread (like PyTorch's), because one JVM
 * trains several replicas on concurrent task threads.
 */
public final class Autocast implements AutoCloseable {

    private static final ThreadLocal<Boolean> ACTIVE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final boolean previous;

    private Autocast(boolean enabled) {
        previous = ACTIVE.get();
        ACTIVE.set(enabled);
    }

    /**
     * Computes in bfloat16 on this thread until closed.
     *
     * @return the scope
     */
    public static Autocast bfloat16() {
        return new Autocast(true);
    }

    /**
     * Computes in float32 on this thread until closed (the default).
     *
     * @return the scope
     */
    public static Autocast float32() {
        return new Autocast(false);
    }

    /**
     * Whether this thread is in a bfloat16 scope.
     *
     * @return true inside {@link #bfloat16()}
     */
    public static boolean isActive() {
        return ACTIVE.get();
    }

    /**
     * An operand of a bfloat16 op (convolution, linear, matrix product): a float32 array cast to
     * bfloat16 inside a scope, attached to the given manager (a parameter's cast must not live as long
     * as the parameter); otherwise the array itself.
     *
     * @param a the operand, or null
     * @param owner the manager that owns the cast, usually the input's
     * @return the operand to use
     */
    public static NDArray lower(NDArray a, NDManager owner) {
        if (!ACTIVE.get() || a == null || a.getDataType() != DataType.FLOAT32) {
            return a;
        }
        return DifferentiableCast.toBFloat16(a, owner);
    }

    /**
     * An operand of a convolution: as {@link #lower(NDArray, NDManager)}, in channels-last memory
     * order (see {@link DifferentiableCast#toBFloat16ChannelsLast}).
     *
     * @param a the operand, or null
     * @param owner the manager that owns the cast, usually the input's
     * @return the operand to use
     */
    public static NDArray lowerForConvolution(NDArray a, NDManager owner) {
        if (!ACTIVE.get() || a == null || a.getDataType() != DataType.FLOAT32) {
            return a;
        }
        return DifferentiableCast.toBFloat16ChannelsLast(a, owner);
    }

    /**
     * The operands of a matrix product, both cast as by {@link #lower(NDArray, NDManager)}.
     *
     * @param a the left operand
     * @param b the right operand
     * @return {@code a @ b}
     */
    public static NDArray matMul(NDArray a, NDArray b) {
        NDManager owner = a.getManager();
        return lower(a, owner).matMul(lower(b, owner));
    }

    /**
     * An operand of an op kept in float32 (softmax, exp, log, sums, layer norm, loss): inside a scope,
     * a bfloat16 array cast to float32; otherwise the array itself.
     *
     * @param a the operand
     * @return the operand to use
     */
    public static NDArray full(NDArray a) {
        if (!ACTIVE.get() || !DifferentiableCast.isBFloat16(a)) {
            return a;
        }
        return DifferentiableCast.toFloat32(a, a.getManager());
    }

    /** Restores the previous mode. */
    @Override
    public void close() {
        ACTIVE.set(previous);
    }

    /**
     * DJL's {@code Linear} block with bfloat16 operands inside a scope. Named {@code Linear} on
     * purpose: DJL names a child block (and so its parameters) after the class's simple name, so
     * parameter names, model artifacts and checkpoints stay those of the plain block.
     */
    public static final class Linear extends ai.djl.nn.core.Linear {

        private Linear(ai.djl.nn.core.Linear.Builder builder) {
            super(builder);
        }

        /**
         * A linear layer of the given width with a bias.
         *
         * @param units the output features
         * @return the block
         */
        public static Linear of(long units) {
            return new Linear(ai.djl.nn.core.Linear.builder().setUnits(units));
        }

        /** {@inheritDoc} */
        @Override
        protected NDList forwardInternal(
                ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray input = inputs.singletonOrThrow();
            // the parent's fields are private; its parameters are registered under these names
            NDArray w = parameterStore.getValue(parameters.get("weight"), input.getDevice(), training);
            NDArray b = parameterStore.getValue(parameters.get("bias"), input.getDevice(), training);
            NDManager owner = input.getManager();
            return linear(lower(input, owner), lower(w, owner), lower(b, owner));
        }
    }
}
