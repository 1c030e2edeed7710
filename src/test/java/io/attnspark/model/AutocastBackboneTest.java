package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.attnspark.nn.Autocast;
import io.attnspark.nn.NormwiseError;
import io.attnspark.train.GradientScope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ResNet-20 (Fashion-MNIST's input) under {@link Autocast#bfloat16()} against float32, in training
 * mode: logits and every parameter's gradient of {@code sum(logits * R)}, and a nonzero finite float32
 * gradient for every trainable parameter in bf16 (a cast that cut autograd would leave the parameters
 * before it with none).
 *
 * <p>Tolerances, with u = 2^-9 the bf16 unit roundoff (see {@code AutocastBlocksTest}): batch norm
 * renormalises every layer's output, and residual additions carry the input along, so the relative
 * error does not compound through the 19 convolutions; the logits get the blocks' bound, 8u.
 * Gradients are dominated by ReLU flips: a layer whose pre-activation carries a relative error ε
 * (about 4u for a conv's two rounded operands, its rounded output and the BN after it) sends a fraction
 * ≈ 0.8ε of its entries down the other branch, a normwise gradient error ≈ sqrt(0.8ε), and the 19 ReLU
 * layers add in quadrature: sqrt(19 · 0.8 · 4u) ≈ 0.35 for the whole gradient. A single parameter's
 * gradient (a BN scale or shift is a sum over the batch and the map that largely cancels) can be off
 * by more; it is only held below its own size (error < 1: it points the same way). PyTorch's own
 * {@code torch.autocast("cpu", torch.bfloat16)} on the same network (torch 2.13, three seeds):
 * logits 0.005-0.007, whole gradient 0.29-0.32, worst parameter 0.54-0.57. Measured here: logits
 * 0.0056, whole gradient 0.24, worst parameter 0.62 (a BN scale in stage 3).
 */
class AutocastBackboneTest {

    private static final double U = Math.scalb(1.0, -9);
    private static final double FORWARD = 8 * U;
    private static final double GRADIENT = Math.sqrt(19 * 0.8 * 4 * U);

    private static final ModelSpec SPEC = new ModelSpec(
            new Architecture(ModelSpec.RESNET_CIFAR, 20, "none"),
            new ModelSpec.Input(1, 28, 28, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
                    new float[] {0.286f}, new float[] {0.353f}));

    private static final int BATCH = 8;

    @Test
    void resNet20InBFloat16MatchesFloat32AndEveryParameterLearns() {
        Random random = new Random(20);
        Shape shape = SPEC.inputShape(BATCH);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = SPEC.newBlock();
            synchronized (Engine.class) {
                Engine.getInstance().setRandomSeed(20);
                block.initialize(manager, DataType.FLOAT32, shape);
            }
            float[] x = gaussian(random, shape.size());
            float[] r = gaussian(random, (long) BATCH * 10);
            Map<String, float[]> full = new LinkedHashMap<>();
            Map<String, float[]> half = new LinkedHashMap<>();
            float[] logits32 = run(block, manager, x, r, false, full);
            float[] logits16 = run(block, manager, x, r, true, half);

            // 19 convs, 19 BNs (scale and shift), 2 projection shortcuts (conv, BN), the classifier
            assertEquals(19 + 2 * 19 + 2 * 3 + 2, full.size());
            double out = NormwiseError.relative(logits16, logits32);
            double all = NormwiseError.relative(NormwiseError.concat(half.values()), NormwiseError.concat(full.values()));
            double worst = 0;
            String worstName = "";
            for (Map.Entry<String, float[]> e : full.entrySet()) {
                float[] h = half.get(e.getKey());
                double max = 0;
                for (float f : h) {
                    assertTrue(Float.isFinite(f), "non-finite bf16 gradient of " + e.getKey());
                    max = Math.max(max, Math.abs(f));
                }
                assertTrue(max > 0, "no bf16 gradient reaches " + e.getKey());
                double err = NormwiseError.relative(h, e.getValue());
                if (err > worst) {
                    worst = err;
                    worstName = e.getKey();
                }
            }
            System.out.printf(Locale.ROOT, "ResNet-20 bf16: logits %.2e, gradients %.2e, worst %.2e (%s), %d parameters%n",
                    out, all, worst, worstName, full.size());
            assertTrue(out > U / 4, "bf16 logits within float32 noise: no bf16 op ran");
            assertTrue(out <= FORWARD, String.format(Locale.ROOT, "logits error %.3g > %.3g", out, FORWARD));
            assertTrue(all <= GRADIENT, String.format(Locale.ROOT, "gradient error %.3g > %.3g", all, GRADIENT));
            assertTrue(worst < 1, String.format(Locale.ROOT, "gradient error of %s %.3g >= 1", worstName, worst));
        }
    }

    private static float[] run(
            Block block, NDManager parent, float[] x, float[] r, boolean bf16, Map<String, float[]> grads) {
        try (NDManager manager = parent.newSubManager()) {
            float[] logits;
            try (GradientScope ignored = GradientScope.recording();
                    Autocast scope = bf16 ? Autocast.bfloat16() : Autocast.float32()) {
                NDArray input = manager.create(x, SPEC.inputShape(BATCH));
                NDArray y = Autocast.full(block.forward(new ParameterStore(manager, false), new NDList(input), true)
                        .singletonOrThrow());
                NDArray loss = y.mul(manager.create(r, y.getShape())).sum();
                JniUtils.backward((PtNDArray) loss, (PtNDArray) manager.ones(loss.getShape()), false, false);
                logits = y.toFloatArray();
            }
            for (var pair : block.getParameters()) {
                Parameter p = pair.getValue();
                if (p.requiresGradient()) {
                    NDArray g = p.getArray().getGradient();
                    assertEquals(DataType.FLOAT32, g.getDataType(), pair.getKey());
                    grads.put(pair.getKey(), g.toFloatArray());
                    JniUtils.zeroGrad((PtNDArray) p.getArray());
                }
            }
            return logits;
        }
    }

    private static float[] gaussian(Random random, long n) {
        float[] f = new float[Math.toIntExact(n)];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) random.nextGaussian();
        }
        return f;
    }
}
