package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code x.to(torch.bfloat16)} (optionally channels-last) and {@code x.to(torch.float32)} as autograd
 * ops, for {@link Autocast}.
 *
 * <p>DJL 0.35's {@code NDArray.toType} cannot serve: its JNI dtype table has no bfloat16 (asking for
 * one calls {@code std::terminate}, killing the JVM), and it converts under {@code torch::NoGradGuard},
 * which would cut the graph between a float32 parameter and its bfloat16 copy, so the parameter would
 * get no gradient. Instead each cast is a two-line TorchScript module ({@code jobs/torchscript-casts.py}
 * writes them into the resources) run through DJL with {@code isTrain = true}, where libtorch records
 * it like any other op. The modules have no state, so one pair serves every thread and device.
 *
 * <p>DJL 0.35 reports a bfloat16 array's type as {@link DataType#UNKNOWN} (its reverse table lacks it
 * too); {@link #isBFloat16(NDArray)} accepts both that and {@link DataType#BFLOAT16}.
 */
final class DifferentiableCast {

    private DifferentiableCast() {}

    /** The modules, loaded on first use. */
    private static final class Modules {
        // never closed: the modules live as long as the JVM, as libtorch itself does
        private static final NDManager MANAGER = NDManager.newBaseManager("PyTorch");
        static final PtSymbolBlock TO_BFLOAT16 = load("to_bfloat16.pt");
        static final PtSymbolBlock TO_BFLOAT16_CHANNELS_LAST = load("to_bfloat16_channels_last.pt");
        static final PtSymbolBlock TO_FLOAT32 = load("to_float32.pt");

        private static PtSymbolBlock load(String resource) {
            try (InputStream in = DifferentiableCast.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource io/attnspark/nn/" + resource);
                }
                return JniUtils.loadModule((PtNDManager) MANAGER, in, false, false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load io/attnspark/nn/" + resource, e);
            }
        }
    }

    /**
     * Whether an array holds bfloat16 values.
     *
     * @param a the array
     * @return true for bfloat16
     */
    static boolean isBFloat16(NDArray a) {
        DataType type = a.getDataType();
        return type == DataType.BFLOAT16 || type == DataType.UNKNOWN;
    }

    /**
     * A bfloat16 copy, recorded for backward when autograd records.
     *
     * @param a a float32 array
     * @param owner the manager the copy is attached to
     * @return the copy
     */
    static NDArray toBFloat16(NDArray a, NDManager owner) {
        return run(Modules.TO_BFLOAT16, a, owner);
    }

    /**
     * A bfloat16 copy in channels-last (NHWC) memory order if 4-D, recorded for backward when autograd
     * records. For convolution operands: oneDNN computes in NHWC and would otherwise reorder an NCHW
     * input and output on every call (a third of the convolution time measured on ResNet-20); the
     * output of a channels-last convolution is channels-last, and batch norm, ReLU and additions keep
     * that order. Only the memory order differs: the values and shape are those of {@link
     * #toBFloat16(NDArray, NDManager)}.
     *
     * @param a a float32 array
     * @param owner the manager the copy is attached to
     * @return the copy
     */
    static NDArray toBFloat16ChannelsLast(NDArray a, NDManager owner) {
        return run(Modules.TO_BFLOAT16_CHANNELS_LAST, a, owner);
    }

    /**
     * A float32 copy, recorded for backward when autograd records.
     *
     * @param a a bfloat16 array
     * @param owner the manager the copy is attached to
     * @return the copy
     */
    static NDArray toFloat32(NDArray a, NDManager owner) {
        return run(Modules.TO_FLOAT32, a, owner);
    }

    private static NDArray run(PtSymbolBlock module, NDArray a, NDManager owner) {
        NDArray input = a;
        if (a.getName() != null || a.getManager() != owner) {
            // DJL reads structure from input names ("a.b" is a dict entry), and attaches the result to
            // the input's manager: hand it an unnamed view (a no-op for autograd) owned by the caller.
            input = a.reshape(a.getShape());
            input.attach(owner);
        }
        return IValueUtils.forward(module, new NDList(input), true).head();
    }
}
