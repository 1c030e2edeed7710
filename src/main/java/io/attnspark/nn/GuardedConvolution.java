package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Locale;
import java.util.Set;

/**
 * A 2-D convolution that steers the two convolution shapes around which libtorch 2.7.1's oneDNN
 * (3.7.1) fails on some x86-64 CPUs (AMD EPYC Zen 5 among them), computing the same maths another
 * way. Every other convolution goes to DJL's {@code Conv2d.conv2d} unchanged, so results elsewhere are
 * bit for bit those of before.
 *
 * <ol>
 *   <li><b>Strided 1x1 convolutions whose per-group channels are 1024 to 2048, 1024 to 512, 256 to
 *       1024, 512 to 1024 or 512 to 2048</b> abort the JVM (SIGFPE) in the backward-data pass: the
 *       blocking heuristic {@code brg_blocking_t::est_eff_1x1} of {@code
 *       jit_brgemm_conv_bwd_utils.cpp} takes an <em>integer</em> quotient for exactly these channel
 *       pairs (a "maskrcnn" special case) and divides by a count of spatial blocks that is 0 for some
 *       blockings; which blockings it tries depends on the CPU's L2 size, so some CPUs never meet
 *       it. It is computed on every ISA (AVX2 included), so capping the ISA does not help. oneDNN
 *       fixed it by dividing in float (commit 6dbb359, 2026). Here such a convolution runs as {@code
 *       x[:, :, ::s, ::s]} followed by a stride-1 1x1 convolution: identical maths, and the
 *       backward pass no longer needs the strided kernel.
 *   <li><b>Dilated convolutions on maps smaller than the dilated kernel</b> (BAM's 3x3, dilation 4
 *       gate on maps under 9x9) gave non-finite gradients at random on the same CPUs: a read of
 *       memory never written inside the native kernels. Such a convolution (stride 1) runs as the
 *       sum over its taps: the zero-padded input's shifted windows stacked on the channel axis,
 *       then one 1x1 convolution with the weights reshaped to match. Identical maths up to the
 *       order of a float sum; no dilated kernel is involved.
 * </ol>
 *
 * <p>The choice depends on shapes only, never on the CPU, so every executor of a mixed cluster
 * computes a model the same way. {@code GuardedConvolutionTest} checks both routes against the plain
 * operator; {@code NativeFaultsTest} runs the faulting shapes in a child JVM.
 */
public final class GuardedConvolution {

    /** Per-group (input, output) channel pairs of oneDNN 3.7.1's integer-division special case. */
    private static final Set<Long> FAULTING_POINTWISE_CHANNELS =
            Set.of(pair(1024, 2048), pair(1024, 512), pair(256, 1024), pair(512, 1024), pair(512, 2048));

    private GuardedConvolution() {}

    /**
     * A convolution with PyTorch's semantics ({@code F.conv2d}).
     *
     * @param x the input, NCHW
     * @param weight the weight, (out, in / groups, kH, kW)
     * @param bias the bias, or null
     * @param stride the stride (rows, columns)
     * @param padding the zero padding (rows, columns)
     * @param dilation the dilation (rows, columns)
     * @param groups the groups
     * @return the output
     */
    public static NDArray conv2d(
            NDArray input, NDArray weightInput, NDArray biasInput, Shape stride, Shape padding, Shape dilation,
            int groups) {
        NDManager owner = input.getManager();
        NDArray x = Autocast.lowerForConvolution(input, owner);
        NDArray weight = Autocast.lowerForConvolution(weightInput, owner);
        NDArray bias = Autocast.lower(biasInput, owner);
        Shape w = weight.getShape();
        if (Autocast.isActive() && isPointwiseOnSinglePixel(x.getShape(), w, padding, groups)) {
            return pointwiseAsLinear(x, weight, bias);
        }
        if (isFaultingStridedPointwise(w, stride, padding, groups)) {
            NDArray sampled = x.get(String.format(Locale.ROOT, ":, :, ::%d, ::%d", stride.get(0), stride.get(1)));
            return ai.djl.nn.convolutional.Conv2d.conv2d(sampled, weight, bias, new Shape(1, 1), padding, dilation, groups).head();
        }
        boolean dilated = dilation.get(0) > 1 || dilation.get(1) > 1;
        if (dilated && isDilatedBeyondMap(x.getShape(), w, stride, dilation, groups)) {
            return sumOfTaps(x, weight, bias, padding, dilation);
        }
        // the very call DJL's Conv2d block makes: no shape look-up added to the common path
        return x.getNDArrayInternal().convolution(x, weight, bias, stride, padding, dilation, groups).head();
    }

    /**
     * Whether oneDNN 3.7.1's strided 1x1 backward-data kernel can abort on this shape.
     *
     * @param weight the weight's shape, (out, in / groups, kH, kW)
     * @param stride the stride
     * @param padding the padding
     * @param groups the groups
     * @return true if the convolution is routed around that kernel
     */
    static boolean isFaultingStridedPointwise(Shape weight, Shape stride, Shape padding, int groups) {
        boolean pointwise = weight.get(2) == 1 && weight.get(3) == 1 && padding.get(0) == 0 && padding.get(1) == 0;
        boolean strided = stride.get(0) > 1 || stride.get(1) > 1;
        return pointwise && strided
                && FAULTING_POINTWISE_CHANNELS.contains(pair(weight.get(1), weight.get(0) / groups));
    }

    /**
     * Whether a dilated kernel reaches past the input map in some axis (stride 1, one group).
     *
     * @param input the input's shape, NCHW
     * @param weight the weight's shape
     * @param stride the stride
     * @param dilation the dilation
     * @param groups the groups
     * @return true if the convolution is computed as a sum of taps
     */
    static boolean isDilatedBeyondMap(Shape input, Shape weight, Shape stride, Shape dilation, int groups) {
        if (groups != 1 || stride.get(0) != 1 || stride.get(1) != 1) {
            return false;
        }
        for (int axis = 0; axis < 2; axis++) {
            long extent = dilation.get(axis) * (weight.get(2 + axis) - 1) + 1;
            if (dilation.get(axis) > 1 && input.get(2 + axis) < extent) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a convolution is a linear layer in disguise: a 1x1 kernel on a 1x1 map, no padding,
     * one group (SE's, GC's and SK's excitation "fc" layers). In bfloat16, libtorch 2.7.1's oneDNN
     * computes the weight gradient of exactly these with a brgemm kernel that took tens of
     * milliseconds per call on a 128-image batch (a ResNet-20 with SE trained 5x slower in bfloat16
     * than in float32); as a matrix product it is one small GEMM. Identical maths; taken only in
     * bfloat16, so float32 results stay bit for bit those of before.
     *
     * @param input the input's shape, NCHW
     * @param weight the weight's shape
     * @param padding the padding
     * @param groups the groups
     * @return true if the convolution is computed as a linear layer
     */
    static boolean isPointwiseOnSinglePixel(Shape input, Shape weight, Shape padding, int groups) {
        return groups == 1 && input.dimension() == 4 && input.get(2) == 1 && input.get(3) == 1
                && weight.get(2) == 1 && weight.get(3) == 1 && padding.get(0) == 0 && padding.get(1) == 0;
    }

    /** (N, C, 1, 1) x (O, C, 1, 1) -> (N, O, 1, 1) as {@code linear(x.reshape(N, C), W.reshape(O, C), b)}. */
    private static NDArray pointwiseAsLinear(NDArray x, NDArray weight, NDArray bias) {
        Shape w = weight.getShape();
        long n = x.getShape().get(0);
        NDArray out = ai.djl.nn.core.Linear.linear(x.reshape(n, w.get(1)), weight.reshape(w.get(0), w.get(1)), bias)
                .head();
        return out.reshape(n, w.get(0), 1, 1);
    }

    /** y = sum over taps (i, j) of W[:, :, i, j] * shifted window of the padded input: one 1x1 conv. */
    private static NDArray sumOfTaps(NDArray x, NDArray weight, NDArray bias, Shape padding, Shape dilation) {
        Shape w = weight.getShape();
        long kh = w.get(2);
        long kw = w.get(3);
        long outH = x.getShape().get(2) + 2 * padding.get(0) - dilation.get(0) * (kh - 1);
        long outW = x.getShape().get(3) + 2 * padding.get(1) - dilation.get(1) * (kw - 1);
        NDArray padded = x.pad(new Shape(padding.get(1), padding.get(1), padding.get(0), padding.get(0)), 0);
        NDList taps = new NDList();
        for (long i = 0; i < kh; i++) {
            for (long j = 0; j < kw; j++) {
                long top = i * dilation.get(0);
                long left = j * dilation.get(1);
                taps.add(padded.get(String.format(
                        Locale.ROOT, ":, :, %d:%d, %d:%d", top, top + outH, left, left + outW)));
            }
        }
        // (N, C, taps, H, W) -> (N, C * taps, H, W): channel-major, as (C, kH, kW) is in the weight
        NDArray stacked = NDArrays.stack(taps, 2);
        Shape s = stacked.getShape();
        NDArray columns = stacked.reshape(s.get(0), s.get(1) * kh * kw, outH, outW);
        NDArray pointwise = weight.reshape(w.get(0), w.get(1) * kh * kw, 1, 1);
        return ai.djl.nn.convolutional.Conv2d.conv2d(columns, pointwise, bias).head();
    }

    private static long pair(long in, long out) {
        return in * 1_000_003L + out;
    }

    /**
     * DJL's {@code Conv2d} block computing through {@link GuardedConvolution#conv2d}. Named {@code
     * Conv2d} on purpose: DJL names a child block (and so its parameters) after the class's simple
     * name, so parameter names, model artifacts and checkpoints stay those of the plain block.
     */
    public static final class Conv2d extends ai.djl.nn.convolutional.Conv2d {

        /**
         * Builds the block.
         *
         * @param builder a configured {@code ai.djl.nn.convolutional.Conv2d.builder()}
         */
        public Conv2d(ai.djl.nn.convolutional.Conv2d.Builder builder) {
            super(builder);
        }

        /** {@inheritDoc} */
        @Override
        protected NDList forwardInternal(
                ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray input = inputs.singletonOrThrow();
            NDArray w = parameterStore.getValue(weight, input.getDevice(), training);
            NDArray b = bias == null ? null : parameterStore.getValue(bias, input.getDevice(), training);
            // qualified: unqualified, the name resolves to the inherited static Conv2d.conv2d of DJL
            return new NDList(GuardedConvolution.conv2d(input, w, b, stride, padding, dilation, groups));
        }
    }
}
