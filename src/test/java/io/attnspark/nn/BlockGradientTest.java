package io.attnspark.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backward through every block variant, in inference and training mode, with every parameter
 * perturbed to random values (so zero-initialised paths carry gradient): every trainable
 * parameter gets a finite gradient, non-zero unless it provably cannot matter (listed below).
 */
class BlockGradientTest {

    /**
     * Parameters whose gradient is zero for any input: a bias constant along the axis a softmax
     * normalises over, or a branch the variant does not use.
     */
    private static final Pattern ZERO_ALWAYS =
            Pattern.compile(
                    "^(conv_mask\\.bias|phi(\\.0)?\\.bias|key_conv\\.bias|convB\\.bias|global_att2\\..*)$");

    /** In training mode, also a bias directly followed by BatchNorm on batch statistics. */
    private static final Pattern ZERO_TRAINING =
            Pattern.compile(
                    "(^|\\.)(gate_c_fc_\\d\\.bias|gate_s_conv_(reduce0|di_\\d)\\.bias|local_att2?\\.[03]\\.bias"
                            + "|global_att2?\\.[14]\\.bias|W\\.0\\.bias|g(\\.0)?\\.bias|conv_for_DR\\.bias|conv\\.bias"
                            + "|fc1\\.bias)$");

    static List<BlockVectors.Vector> variants() {
        return BlockVectors.onePerVariant();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyTrainableParameterGetsAFiniteGradient(BlockVectors.Vector v) {
        Assumptions.assumeTrue(Attentions.names().contains(v.block()), "not registered: " + v.block());
        for (boolean training : new boolean[] {false, true}) {
            check(v, training);
        }
    }

    private static void check(BlockVectors.Vector v, boolean training) {
        Random random = new Random(v.file().hashCode());
        long[] s = v.x().shape().clone();
        s[0] = 3;
        if (s[2] * s[3] < 4) {
            // at 1x1 a softmax over positions is constant: use a real spatial extent
            s[2] = 5;
            s[3] = 4;
        }
        Shape shape = new Shape(s);
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionBlock block = Attentions.create(v.block(), v.channels(), v.options());
            block.initialize(manager, DataType.FLOAT32, shape);
            for (Parameter p : block.getParameters().values()) {
                if (p.requiresGradient()) {
                    p.getArray().set(FloatBuffer.wrap(gaussian(random, p.getShape().size(), 0.5)));
                }
            }
            NDList in = new NDList(manager.create(gaussian(random, shape.size(), 1.0), shape));
            if (block.getInputCount() == 2) {
                in.add(manager.create(gaussian(random, shape.size(), 1.0), shape));
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = block.forward(new ParameterStore(manager, false), in, training).head();
                NDArray r = manager.create(gaussian(random, out.getShape().size(), 1.0), out.getShape());
                gc.backward(out.mul(r).sum());
            }
            String ref = block.getReference();
            boolean reuse = v.options().getBoolean("reuse_global_att", "pytorch".equals(ref));
            boolean a2Xmu = "xmu".equals(ref);
            // a hard-sigmoid gate saturates (zero slope outside [-3, 3]) on these random weights
            boolean saturating = String.valueOf(v.config().get("gate_layer")).contains("hard");
            // one SK path: the softmax over paths is constant 1, so the attention has no effect
            boolean onePath = "sk".equals(v.block()) && v.config().get("kernel_size") instanceof List<?> l
                    && l.size() == 1;
            for (Parameter p : block.getParameters().values()) {
                if (!p.requiresGradient()) {
                    continue;
                }
                String name = p.getName();
                NDArray g = p.getArray().getGradient();
                float[] gv = g.toFloatArray();
                double max = 0;
                for (float f : gv) {
                    assertTrue(Float.isFinite(f), v.file() + ": non-finite gradient of " + name);
                    max = Math.max(max, Math.abs(f));
                }
                boolean mayBeZero =
                        (ZERO_ALWAYS.matcher(name).find()
                                        && !(name.startsWith("global_att2") && !reuse)
                                        && !(name.equals("convB.bias") && a2Xmu))
                                // the mean port also normalises V over positions
                                || (name.equals("convV.bias") && "mean".equals(ref))
                                || saturating
                                || (onePath && name.startsWith("attn."))
                                || (training && ZERO_TRAINING.matcher(name).find()
                                        && trainingBiasBeforeBn(v, name));
                if (!mayBeZero) {
                    assertTrue(
                            max > 1e-6,
                            String.format(
                                    "%s (training=%s): zero gradient of %s (max |g| %g)",
                                    v.file(), training, name, max));
                }
            }
        }
    }

    /** conv.bias and fc1.bias are followed by BN only in SplAt and SE with a norm layer. */
    private static boolean trainingBiasBeforeBn(BlockVectors.Vector v, String name) {
        if (name.equals("conv.bias") || name.equals("fc1.bias")) {
            return ("splat".equals(v.block()) || "se".equals(v.block())) && v.options().has("norm_layer");
        }
        return true;
    }

    private static float[] gaussian(Random random, long n, double scale) {
        float[] f = new float[Math.toIntExact(n)];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (random.nextGaussian() * scale);
        }
        return f;
    }
}
