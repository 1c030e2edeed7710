package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.nn.Autocast;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A replica's {@code train.precision}: bfloat16 training steps, state, evaluation and prediction
 * against float32, determinism, and float32 untouched by the feature. bfloat16 is forced on through
 * the package-private support argument, so these run on CPUs without bfloat16 instructions too
 * (libtorch then emulates them: slower, same arithmetic).
 */
class ReplicaPrecisionTest {

    private static final ModelSpec SPEC = new ModelSpec(new Architecture(ModelSpec.RESNET_CIFAR, 8, "se"),
            new ModelSpec.Input(1, 12, 12, List.of("a", "b", "c", "d"), new float[] {0f}, new float[] {1f}));
    private static final int BATCH = 8;
    private static final SgdSettings SGD = new SgdSettings(0.9, 5e-4);
    private static final BFloat16Support FORCED = new BFloat16Support(true, "forced by the test");

    private static float[] images(int seed) {
        Random random = new Random(seed);
        float[] x = new float[BATCH * 144];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static long[] labels(int seed) {
        Random random = new Random(seed);
        long[] y = new long[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = random.nextInt(4);
        }
        return y;
    }

    private static Replica bf16() {
        Replica r = Replica.create(SPEC, Device.cpu(), Precision.BFLOAT16, FORCED);
        assertEquals(Precision.BFLOAT16, r.precision());
        return r;
    }

    private static float[][] state(Replica r) {
        float[] params = new float[r.layout().size()];
        float[] momentum = new float[r.layout().trainableSize()];
        r.getState(params, momentum);
        return new float[][] {params, momentum};
    }

    @Test
    void unsupportedHardwareFallsBackToFloat32() {
        try (Replica r = Replica.create(SPEC, Device.cpu(), Precision.BFLOAT16, new BFloat16Support(false, "no"))) {
            assertEquals(Precision.FLOAT32, r.precision());
        }
    }

    @Test
    void bfloat16StepTrainsFloat32StateCloseToTheFloat32Step() {
        float[] start = Replica.initialParameters(SPEC, 7);
        try (Replica half = bf16(); Replica full = Replica.create(SPEC, Device.cpu())) {
            half.setState(start, null);
            full.setState(start, null);
            StepStats h = half.trainStep(images(1), labels(1), BATCH, 0.1, SGD);
            StepStats f = full.trainStep(images(1), labels(1), BATCH, 0.1, SGD);
            // cross-entropy of logits within 8u (AutocastBackboneTest): the mean loss within a few u
            assertEquals(f.lossSum() / BATCH, h.lossSum() / BATCH, 0.02 * f.lossSum() / BATCH);
            assertTrue(h.lossSum() != f.lossSum(), "the bf16 replica computed in float32");
            float[][] s = state(half);
            float[][] reference = state(full);
            assertEquals(start.length, s[0].length);
            double moved = 0;
            double momentumNorm = 0;
            for (int i = 0; i < s[0].length; i++) {
                assertTrue(Float.isFinite(s[0][i]), "parameter " + i);
                moved += Math.abs(s[0][i] - start[i]);
            }
            for (float m : s[1]) {
                assertTrue(Float.isFinite(m));
                momentumNorm += Math.abs(m);
            }
            assertTrue(moved > 0, "the bf16 step left the parameters where they were");
            assertTrue(momentumNorm > 0, "no momentum after a step");
            // the update is the float32 one up to the gradient's bf16 error (ReLU flips: well below 1)
            double diff = 0;
            double step = 0;
            for (int i = 0; i < s[0].length; i++) {
                diff += Math.pow(s[0][i] - reference[0][i], 2);
                step += Math.pow(reference[0][i] - start[i], 2);
            }
            assertTrue(Math.sqrt(diff / step) < 0.5, "bf16 update differs from float32's by " + Math.sqrt(diff / step));
        }
    }

    @Test
    void bfloat16EvaluatesAndPredicts() {
        float[] start = Replica.initialParameters(SPEC, 8);
        try (Replica half = bf16(); Replica full = Replica.create(SPEC, Device.cpu())) {
            half.setState(start, null);
            full.setState(start, null);
            half.trainStep(images(2), labels(2), BATCH, 0.1, SGD); // running statistics
            float[][] s = state(half);
            full.setState(s[0], s[1]);
            StepStats h = half.evaluate(images(3), labels(3), BATCH);
            StepStats f = full.evaluate(images(3), labels(3), BATCH);
            assertEquals(BATCH, h.samples());
            assertEquals(f.lossSum(), h.lossSum(), 0.02 * f.lossSum());
            float[] p = half.predict(images(3), BATCH);
            float[] q = full.predict(images(3), BATCH);
            assertEquals(BATCH * 4, p.length);
            for (int b = 0; b < BATCH; b++) {
                double sum = 0;
                for (int k = 0; k < 4; k++) {
                    float v = p[4 * b + k];
                    assertTrue(v >= 0 && v <= 1, "probability " + v);
                    assertEquals(q[4 * b + k], v, 0.02);
                    sum += v;
                }
                assertEquals(1.0, sum, 1e-3, "row " + b);
            }
        }
    }

    /** Exact resume needs a step to be a function of the state and the batch. */
    @Test
    void twoBFloat16ReplicasFromOneStateStayBitIdentical() {
        float[] start = Replica.initialParameters(SPEC, 9);
        try (Replica a = bf16(); Replica b = bf16()) {
            a.setState(start, null);
            b.setState(start, null);
            for (int step = 0; step < 3; step++) {
                StepStats sa = a.trainStep(images(10 + step), labels(10 + step), BATCH, 0.1, SGD);
                StepStats sb = b.trainStep(images(10 + step), labels(10 + step), BATCH, 0.1, SGD);
                assertEquals(sa.lossSum(), sb.lossSum(), 0.0);
            }
            float[][] sa = state(a);
            float[][] sb = state(b);
            assertArrayEquals(sa[0], sb[0], 0f);
            assertArrayEquals(sa[1], sb[1], 0f);
            assertFalse(java.util.Arrays.equals(sa[0], start));
        }
    }

    /**
     * A float32 replica is the replica of before the feature: the explicit float32 route equals the
     * two-argument one bit for bit, and its scope switches off a bf16 scope the caller left open, so
     * a float32 step inside one computes exactly what it computes outside.
     */
    @Test
    void float32StepsAreUntouched() {
        float[] start = Replica.initialParameters(SPEC, 11);
        try (Replica plain = Replica.create(SPEC, Device.cpu());
                Replica explicit = Replica.create(SPEC, Device.cpu(), Precision.FLOAT32);
                Replica inside = Replica.create(SPEC, Device.cpu(), Precision.FLOAT32)) {
            assertEquals(Precision.FLOAT32, plain.precision());
            plain.setState(start, null);
            explicit.setState(start, null);
            inside.setState(start, null);
            for (int step = 0; step < 2; step++) {
                StepStats p = plain.trainStep(images(20 + step), labels(20 + step), BATCH, 0.1, SGD);
                StepStats e = explicit.trainStep(images(20 + step), labels(20 + step), BATCH, 0.1, SGD);
                StepStats i;
                try (Autocast ignored = Autocast.bfloat16()) {
                    i = inside.trainStep(images(20 + step), labels(20 + step), BATCH, 0.1, SGD);
                    assertTrue(Autocast.isActive(), "the replica did not restore the caller's scope");
                }
                assertEquals(p.lossSum(), e.lossSum(), 0.0);
                assertEquals(p.lossSum(), i.lossSum(), 0.0);
            }
            float[][] p = state(plain);
            assertArrayEquals(p[0], state(explicit)[0], 0f);
            assertArrayEquals(p[1], state(explicit)[1], 0f);
            assertArrayEquals(p[0], state(inside)[0], 0f);
            assertArrayEquals(p[1], state(inside)[1], 0f);
        }
    }
}
