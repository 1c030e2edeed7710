package io.attnspark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered attention block under {@link Autocast#bfloat16()} against the same block in
 * float32: same parameters, same input, in training and in inference mode; the output, and the
 * gradients of every parameter and of the input for the loss {@code sum(out * R)} with a fixed random
 * R. Errors are normwise, {@code ||bf16 - f32|| / ||f32||}.
 *
 * <p>Tolerances, from bfloat16's unit roundoff u = 2^-9 ≈ 0.00195 (8 bits of significand): each
 * rounding of an operand or a result to bfloat16 contributes at most u relative error, the kernels
 * accumulate in float32, and errors along a chain of roundings add. The longest chains here (x and a
 * weight cast, a conv output, a matrix product of two such outputs, the float32 softmax's output cast
 * again, the product's output, the next conv's operands and output: Non-local, A², the fusion blocks)
 * have about k = 8 roundings, so the output is within {@link #FORWARD} = 8u ≈ 0.0156.
 *
 * <p>Gradients take a longer path (every bfloat16 op on the way forward has a bfloat16 op on the way
 * back, so 2k roundings) and meet kinks: ReLU, max pooling and BN-then-ReLU decide per element from
 * values that carry the forward error ε, so a fraction ≈ 2·φ(0)·ε ≈ 0.8ε of the entries take the other
 * branch and lose or gain their whole gradient entry: a normwise error ≈ sqrt(0.8ε), not O(u).
 * PyTorch's own autocast shows the same: a conv3x3-BN-ReLU(-conv) stack under {@code
 * torch.autocast("cpu", torch.bfloat16)} has input-gradient errors of 0.035-0.044 (torch 2.13),
 * against 0.003 without the ReLU. Hence {@link #GRADIENT} = 2 · (2k·u + sqrt(0.8·k·u)) ≈ 0.29 with
 * k = 8, a factor 2 for a gradient entry that is itself a cancelling sum (DANet-CAM's scalar gamma:
 * the gradient is one dot product of 32768 random-signed terms).
 *
 * <p>Measured on this input (8 x 64 x 8 x 8, seeded parameters, libtorch 2.7.1 on a CPU with
 * AVX512-BF16), the largest over all blocks and both modes: output 0.0058 (3u, A²); a parameter or
 * input gradient 0.15 (BAM's dilated-gate BN bias), all parameter gradients of a block together 0.077
 * (BAM, training), except DANet-CAM whose one parameter, gamma, is at 0.164. Every block's
 * float32-versus-bf16 difference is well above float32 noise, so the bf16 path was taken.
 */
class AutocastBlocksTest {

    /** bfloat16's unit roundoff, 2^-9. */
    private static final double U = Math.scalb(1.0, -9);

    private static final int CHAINED_ROUNDINGS = 8;

    /** Output error bound, k·u. */
    private static final double FORWARD = CHAINED_ROUNDINGS * U;

    /** Gradient error bound, 2·(2k·u + sqrt(0.8·k·u)). */
    private static final double GRADIENT =
            2 * (2 * CHAINED_ROUNDINGS * U + Math.sqrt(0.8 * CHAINED_ROUNDINGS * U));

    /**
     * Below this the bf16 run did not compute in bf16: float32 reorderings differ by ~1e-7, and every
     * block has a convolution, linear layer or matrix product whose operands round at u.
     */
    private static final double TOOK_THE_BF16_PATH = U / 4;

    private static final Shape SHAPE = new Shape(8, 64, 8, 8);

    static List<String> blocks() {
        return List.copyOf(Attentions.names());
    }

    @Test
    void coversAllSeventeenBlocks() {
        // an empty registry would make the parameterized test pass vacuously
        assertEquals(17, blocks().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void bfloat16MatchesFloat32WithinRoundingBounds(String name) {
        for (boolean training : new boolean[] {true, false}) {
            compare(name, training);
        }
    }

    private static void compare(String name, boolean training) {
        String what = name + (training ? " (training)" : " (inference)");
        Random random = new Random(name.hashCode());
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionBlock block = Attentions.create(name, 64);
            synchronized (Engine.class) { // the engine's generator is process-wide
                Engine.getInstance().setRandomSeed(name.hashCode());
                block.initialize(manager, DataType.FLOAT32, SHAPE);
            }
            // zero-initialised parameters (GC's last conv, Non-local's last BN, DANet's gamma) would
            // make the attention path the identity and its errors invisible
            for (Parameter p : block.getParameters().values()) {
                if (p.requiresGradient() && isZero(p.getArray())) {
                    p.getArray().set(FloatBuffer.wrap(gaussian(random, p.getShape().size(), 0.5)));
                }
            }
            List<float[]> x = new ArrayList<>();
            for (int i = 0; i < block.getInputCount(); i++) {
                x.add(gaussian(random, SHAPE.size(), 1.0));
            }
            long projection = random.nextLong();
            Run full = run(block, manager, x, projection, false, training);
            Run half = run(block, manager, x, projection, true, training);

            double out = NormwiseError.relative(half.out, full.out);
            StringBuilder report = new StringBuilder(
                    String.format(Locale.ROOT, "%-24s output %.2e", what, out));
            float[] fullParams = concat(full.grads, false);
            float[] halfParams = concat(half.grads, false);
            double params = NormwiseError.relative(halfParams, fullParams);
            double all = NormwiseError.relative(concat(half.grads, true), concat(full.grads, true));
            report.append(String.format(Locale.ROOT, " parameters %.2e", params));
            assertTrue(out <= FORWARD, String.format(Locale.ROOT, "%s: output error %.3g > %.3g", what, out, FORWARD));
            assertTrue(all > TOOK_THE_BF16_PATH,
                    String.format(Locale.ROOT, "%s: bf16 gradients within %.2g of float32: no bf16 op ran", what, all));
            assertTrue(params <= GRADIENT,
                    String.format(Locale.ROOT, "%s: parameter gradient error %.3g > %.3g", what, params, GRADIENT));
            // A gradient that cancels to (near) zero, such as a bias right before a softmax or a
            // training-mode BN (exactly zero), carries rounding errors the size of the terms that
            // cancelled: measured against the block's typical gradient entry if that is larger.
            double typical = norm(fullParams) / Math.sqrt(fullParams.length);
            double worst = 0;
            String worstName = "";
            for (Map.Entry<String, float[]> e : full.grads.entrySet()) {
                float[] g = e.getValue();
                float[] h = half.grads.get(e.getKey());
                double err = e.getKey().startsWith("input:")
                        ? NormwiseError.relative(h, g)
                        : distance(h, g) / Math.max(norm(g), typical * Math.sqrt(g.length));
                assertTrue(err <= GRADIENT, String.format(
                        Locale.ROOT, "%s: gradient error of %s %.3g > %.3g", what, e.getKey(), err, GRADIENT));
                if (err > worst) {
                    worst = err;
                    worstName = e.getKey();
                }
            }
            report.append(String.format(Locale.ROOT, " worst %.2e (%s)", worst, worstName));
            System.out.println(report);
        }
    }

    /** The float32 output and gradients (inputs as "input:i") of one forward and backward pass. */
    private record Run(float[] out, Map<String, float[]> grads) {}

    private static Run run(
            AttentionBlock block, NDManager parent, List<float[]> x, long projection, boolean bf16, boolean training) {
        String what = block.getClass().getSimpleName() + (bf16 ? " in bf16" : " in float32");
        try (NDManager manager = parent.newSubManager()) {
            NDList in = new NDList();
            for (float[] values : x) {
                NDArray a = manager.create(values, SHAPE);
                a.setRequiresGradient(true);
                in.add(a);
            }
            float[] out;
            boolean recording = JniUtils.isGradMode();
            JniUtils.setGradMode(true); // thread-local grad mode, as train's GradientScope (above this layer)
            try (Autocast scope = bf16 ? Autocast.bfloat16() : Autocast.float32()) {
                NDArray y = Autocast.full(block.forward(new ParameterStore(manager, false), in, training).head());
                assertEquals(DataType.FLOAT32, y.getDataType(), what);
                NDArray r = manager.create(gaussian(new Random(projection), y.getShape().size(), 1.0), y.getShape());
                NDArray loss = y.mul(r).sum();
                JniUtils.backward((PtNDArray) loss, (PtNDArray) manager.ones(loss.getShape()), false, false);
                out = y.toFloatArray();
            } finally {
                JniUtils.setGradMode(recording);
            }
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (int i = 0; i < in.size(); i++) {
                grads.put("input:" + i, finite(in.get(i).getGradient().toFloatArray(), what + ", input " + i));
            }
            for (Parameter p : block.getParameters().values()) {
                if (p.requiresGradient()) {
                    NDArray g = p.getArray().getGradient();
                    // the master weights are float32 and so must be what the optimizer receives
                    assertEquals(DataType.FLOAT32, g.getDataType(), what + ": gradient of " + p.getName());
                    grads.put(p.getName(), finite(g.toFloatArray(), what + ", " + p.getName()));
                    JniUtils.zeroGrad((PtNDArray) p.getArray());
                }
            }
            return new Run(finite(out, what + ", output"), grads);
        }
    }

    private static float[] finite(float[] values, String what) {
        for (float f : values) {
            assertTrue(Float.isFinite(f), what + ": non-finite value " + f);
        }
        return values;
    }

    private static float[] concat(Map<String, float[]> grads, boolean withInputs) {
        List<float[]> parts = new ArrayList<>();
        for (Map.Entry<String, float[]> e : grads.entrySet()) {
            if (withInputs || !e.getKey().startsWith("input:")) {
                parts.add(e.getValue());
            }
        }
        return NormwiseError.concat(parts);
    }

    private static boolean isZero(NDArray a) {
        for (float f : a.toFloatArray()) {
            if (f != 0f) {
                return false;
            }
        }
        return true;
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float f : a) {
            s += (double) f * f;
        }
        return Math.sqrt(s);
    }

    private static double distance(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < b.length; i++) {
            d += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        }
        return Math.sqrt(d);
    }

    private static float[] gaussian(Random random, long n, double scale) {
        float[] f = new float[Math.toIntExact(n)];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (random.nextGaussian() * scale);
        }
        return f;
    }
}
