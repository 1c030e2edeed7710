package io.attnspark.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The two routes of {@link GuardedConvolution} against a convolution written out in loops (double
 * precision), forward and both gradients, so that no native convolution kernel is the reference:
 * the kernels these routes avoid are the ones that fail on some CPUs.
 */
class GuardedConvolutionTest {

    private static final Shape ONE = new Shape(1, 1);

    @Test
    void routesOnlyTheFaultingStridedPointwiseShapes() {
        Shape two = new Shape(2, 2);
        Shape none = new Shape(0, 0);
        assertTrue(GuardedConvolution.isFaultingStridedPointwise(new Shape(2048, 1024, 1, 1), two, none, 1));
        assertTrue(GuardedConvolution.isFaultingStridedPointwise(new Shape(1024, 512, 1, 1), two, none, 1));
        assertTrue(GuardedConvolution.isFaultingStridedPointwise(new Shape(512, 1024, 1, 1), two, none, 1));
        assertTrue(GuardedConvolution.isFaultingStridedPointwise(new Shape(2048, 512, 1, 1), new Shape(1, 2), none, 1));
        // per-group channels: 2 groups of 512 -> 1024
        assertTrue(GuardedConvolution.isFaultingStridedPointwise(new Shape(2048, 512, 1, 1), two, none, 2));
        // ResNet-50's stage-2 downsample and ResNet-20's shortcuts are fine everywhere: untouched
        assertFalse(GuardedConvolution.isFaultingStridedPointwise(new Shape(512, 256, 1, 1), two, none, 1));
        assertFalse(GuardedConvolution.isFaultingStridedPointwise(new Shape(32, 16, 1, 1), two, none, 1));
        assertFalse(GuardedConvolution.isFaultingStridedPointwise(new Shape(2048, 1024, 1, 1), ONE, none, 1));
        assertFalse(GuardedConvolution.isFaultingStridedPointwise(new Shape(2048, 1024, 3, 3), two, ONE, 1));
    }

    @Test
    void routesOnlyDilatedKernelsThatReachPastTheMap() {
        Shape w = new Shape(8, 8, 3, 3);
        Shape four = new Shape(4, 4);
        assertTrue(GuardedConvolution.isDilatedBeyondMap(new Shape(2, 8, 5, 7), w, ONE, four, 1));
        assertTrue(GuardedConvolution.isDilatedBeyondMap(new Shape(2, 8, 8, 40), w, ONE, four, 1));
        assertFalse(GuardedConvolution.isDilatedBeyondMap(new Shape(2, 8, 9, 9), w, ONE, four, 1));
        assertFalse(GuardedConvolution.isDilatedBeyondMap(new Shape(2, 8, 5, 7), w, ONE, ONE, 1));
        assertFalse(GuardedConvolution.isDilatedBeyondMap(new Shape(2, 8, 5, 7), w, new Shape(2, 2), four, 1));
        assertFalse(GuardedConvolution.isDilatedBeyondMap(new Shape(2, 8, 5, 7), new Shape(8, 4, 3, 3), ONE, four, 2));
    }

    @Test
    void routesOnlyPointwiseConvolutionsOfSinglePixelsAsLinear() {
        Shape none = new Shape(0, 0);
        assertTrue(GuardedConvolution.isPointwiseOnSinglePixel(new Shape(8, 64, 1, 1), new Shape(4, 64, 1, 1), none, 1));
        assertFalse(GuardedConvolution.isPointwiseOnSinglePixel(new Shape(8, 64, 2, 1), new Shape(4, 64, 1, 1), none, 1));
        assertFalse(GuardedConvolution.isPointwiseOnSinglePixel(new Shape(8, 64, 1, 1), new Shape(4, 64, 3, 3), ONE, 1));
        assertFalse(GuardedConvolution.isPointwiseOnSinglePixel(new Shape(8, 64, 1, 1), new Shape(4, 32, 1, 1), none, 2));
        assertFalse(GuardedConvolution.isPointwiseOnSinglePixel(new Shape(8, 64, 1, 1), new Shape(4, 64, 1, 1), ONE, 1));
    }

    @Test
    void pointwiseOnSinglePixelInBfloat16IsTheConvolutionToBfloat16Rounding() {
        Random random = new Random(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(gaussian(random, 8 * 64), new Shape(8, 64, 1, 1));
            NDArray w = manager.create(gaussian(random, 4 * 64), new Shape(4, 64, 1, 1));
            NDArray b = manager.create(gaussian(random, 4), new Shape(4));
            float[] exact = GuardedConvolution.conv2d(x, w, b, ONE, new Shape(0, 0), ONE, 1).toFloatArray();
            float[] lowered;
            try (Autocast ignored = Autocast.bfloat16()) {
                NDArray y = GuardedConvolution.conv2d(x, w, b, ONE, new Shape(0, 0), ONE, 1);
                assertEquals(new Shape(8, 4, 1, 1), y.getShape());
                lowered = Autocast.full(y).toFloatArray();
            }
            double num = 0;
            double den = 0;
            for (int i = 0; i < exact.length; i++) {
                num += (exact[i] - lowered[i]) * (double) (exact[i] - lowered[i]);
                den += exact[i] * (double) exact[i];
            }
            // operands and output rounded to bf16 (u = 2^-9 each): well within 4u normwise, and not exact
            double error = Math.sqrt(num / den);
            assertTrue(error < 4 * Math.pow(2, -9) && error > 0, "relative error " + error);
        }
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    @Test
    void stridedPointwiseRouteMatchesTheDefinition() {
        // 256 -> 1024 at stride 2 on an odd map: the slice must keep rows and columns 0, 2, 4
        check(new Shape(2, 256, 5, 3), new Shape(1024, 256, 1, 1), false, new Shape(2, 2), new Shape(0, 0), ONE);
    }

    @Test
    void dilatedRouteMatchesTheDefinition() {
        // BAM's spatial gate: 3x3, dilation 4, padding 4, on maps smaller than its 9x9 reach
        check(new Shape(2, 8, 5, 7), new Shape(8, 8, 3, 3), true, ONE, new Shape(4, 4), new Shape(4, 4));
        check(new Shape(3, 4, 3, 3), new Shape(2, 4, 3, 3), false, ONE, new Shape(4, 4), new Shape(4, 4));
        // unequal dilation and padding per axis, output smaller than the input
        check(new Shape(1, 3, 6, 4), new Shape(5, 3, 3, 2), true, ONE, new Shape(1, 0), new Shape(3, 2));
    }

    @Test
    void blockKeepsThePlainConvNamesAndResults() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Conv2d.Builder builder = Conv2d.builder().setFilters(4).setKernelShape(new Shape(3, 3))
                    .optPadding(ONE).optBias(false);
            SequentialBlock guarded = new SequentialBlock().add(new GuardedConvolution.Conv2d(builder));
            SequentialBlock plain = new SequentialBlock().add(builder.build());
            Shape in = new Shape(2, 3, 6, 6);
            guarded.initialize(manager, DataType.FLOAT32, in);
            plain.initialize(manager, DataType.FLOAT32, in);
            assertEquals(plain.getParameters().keys(), guarded.getParameters().keys());
            plain.getParameters().valueAt(0).getArray().set(guarded.getParameters().valueAt(0).getArray().toFloatArray());
            NDArray x = manager.randomNormal(in);
            ai.djl.training.ParameterStore store = new ai.djl.training.ParameterStore(manager, false);
            assertArrayEquals(plain.forward(store, new ai.djl.ndarray.NDList(x), false).head().toFloatArray(),
                    guarded.forward(store, new ai.djl.ndarray.NDList(x), false).head().toFloatArray(),
                    "an unrouted convolution is the plain operator, bit for bit");
        }
    }

    private static void check(Shape xs, Shape ws, boolean withBias, Shape stride, Shape padding, Shape dilation) {
        Random random = new Random(xs.hashCode() * 31L + ws.hashCode());
        double[] x = gaussian(random, xs.size());
        double[] w = gaussian(random, ws.size());
        double[] b = withBias ? gaussian(random, ws.get(0)) : null;
        LoopConvolution ref = new LoopConvolution(xs, ws, stride, padding, dilation);
        double[] r = gaussian(random, ref.outputSize());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray xa = manager.create(toFloat(x), xs);
            NDArray wa = manager.create(toFloat(w), ws);
            NDArray ba = b == null ? null : manager.create(toFloat(b));
            xa.setRequiresGradient(true);
            wa.setRequiresGradient(true);
            if (ba != null) {
                ba.setRequiresGradient(true);
            }
            NDArray y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y = GuardedConvolution.conv2d(xa, wa, ba, stride, padding, dilation, 1);
                gc.backward(y.mul(manager.create(toFloat(r), y.getShape())).sum());
            }
            assertEquals(ref.outputShape(), y.getShape());
            assertClose("output", ref.forward(x, w, b), y.toFloatArray());
            assertClose("input gradient", ref.inputGradient(w, r), xa.getGradient().toFloatArray());
            assertClose("weight gradient", ref.weightGradient(x, r), wa.getGradient().toFloatArray());
            if (ba != null) {
                assertClose("bias gradient", ref.biasGradient(r), ba.getGradient().toFloatArray());
            }
        }
    }

    private static void assertClose(String what, double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " size");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Float.isFinite(actual[i]), what + " [" + i + "] is not finite");
            assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])), what + " [" + i + "]");
        }
    }

    private static double[] gaussian(Random random, long n) {
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
