package io.attnspark.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.attnspark.nn.AttentionBlock;
import io.attnspark.nn.AttentionOptions;
import io.attnspark.nn.Attentions;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.nn.GuardedConvolution;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the operations that libtorch 2.7.1's oneDNN gets wrong on some CPUs, in a JVM of its own
 * (a fault aborts the process). One line per check, {@code ok ...} or {@code FAIL ...}; exit code
 * 0 when every check passed, 1 otherwise, and whatever the JVM dies with when the native code aborts.
 *
 * <p>Modes: {@code guarded} runs them as the project does (through {@link GuardedConvolution}),
 * {@code unguarded} calls the native operator directly, to show whether this CPU has the fault.
 */
public final class NativeFaultProbe {

    /** N, C in, C out, H = W of the strided 1x1 convolutions seen to abort on an AMD Zen 5 CPU. */
    static final List<int[]> STRIDED_POINTWISE =
            List.of(new int[] {2, 1024, 2048, 2}, new int[] {2, 1024, 2048, 3}, new int[] {8, 1024, 2048, 2},
                    new int[] {4, 1024, 2048, 8}, new int[] {2, 512, 1024, 2}, new int[] {16, 512, 1024, 28});

    /** H, W of the maps on which BAM's dilated gate gave non-finite gradients there. */
    static final List<int[]> SMALL_MAPS = List.of(new int[] {5, 5}, new int[] {5, 6}, new int[] {5, 7});

    private NativeFaultProbe() {}

    /**
     * Runs the checks.
     *
     * @param args {@code guarded} or {@code unguarded}, then the number of BAM training steps
     */
    public static void main(String[] args) {
        boolean guarded = !"unguarded".equals(args[0]);
        int bamSteps = Integer.parseInt(args[1]);
        boolean ok = true;
        for (int[] c : STRIDED_POINTWISE) {
            ok &= report(String.format(Locale.ROOT, "strided 1x1 conv backward %dx%d->%d at %dx%d", c[0], c[1], c[2],
                    c[3], c[3]), stridedPointwise(c, guarded));
        }
        for (int[] hw : SMALL_MAPS) {
            ok &= report(String.format(Locale.ROOT, "3x3 dilation-4 conv backward 2x2->2 at %dx%d, 20 times", hw[0],
                    hw[1]), dilated(hw, guarded));
        }
        if (guarded) {
            ok &= report("resnet50 train step 3x32x32 batch 2", resnet50Step());
            for (int[] hw : SMALL_MAPS) {
                ok &= report(String.format(Locale.ROOT, "bam 64 channels %d SGD steps at %dx%d", bamSteps, hw[0], hw[1]),
                        bamTraining(hw, bamSteps));
            }
        }
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    private static boolean report(String what, String failure) {
        System.out.println((failure == null ? "ok " : "FAIL ") + what + (failure == null ? "" : ": " + failure));
        System.out.flush();
        return failure == null;
    }

    private static NDArray conv(NDArray x, NDArray w, Shape stride, Shape pad, Shape dilation, boolean guarded) {
        return guarded ? GuardedConvolution.conv2d(x, w, null, stride, pad, dilation, 1)
                : Conv2d.conv2d(x, w, null, stride, pad, dilation, 1).head();
    }

    private static String stridedPointwise(int[] c, boolean guarded) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(c[0], c[1], c[3], c[3]));
            NDArray w = m.randomNormal(new Shape(c[2], c[1], 1, 1)).mul(0.05);
            return finiteGradients(m, x, w, new Shape(2, 2), new Shape(0, 0), new Shape(1, 1), guarded);
        }
    }

    private static String dilated(int[] hw, boolean guarded) {
        for (int i = 0; i < 20; i++) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.randomNormal(new Shape(2, 2, hw[0], hw[1]));
                NDArray w = m.randomNormal(new Shape(2, 2, 3, 3));
                String failure = finiteGradients(m, x, w, new Shape(1, 1), new Shape(4, 4), new Shape(4, 4), guarded);
                if (failure != null) {
                    return "run " + (i + 1) + ": " + failure;
                }
            }
        }
        return null;
    }

    private static String finiteGradients(NDManager m, NDArray x, NDArray w, Shape stride, Shape pad, Shape dilation,
            boolean guarded) {
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = conv(x, w, stride, pad, dilation, guarded);
            gc.backward(y.mul(m.randomNormal(y.getShape())).sum());
        }
        if (!finite(x.getGradient())) {
            return "non-finite input gradient";
        }
        return finite(w.getGradient()) ? null : "non-finite weight gradient";
    }

    private static boolean finite(NDArray a) {
        for (float f : a.toFloatArray()) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }

    /** The step that aborted AttentionBackbonesTest: the ImageNet-style ResNet-50 on CIFAR-sized images. */
    private static String resnet50Step() {
        ModelSpec spec = new ModelSpec(new Architecture("resnet", 50, ModelSpec.NONE),
                new ModelSpec.Input(3, 32, 32, List.of("a", "b", "c", "d", "e"), new float[3], new float[] {1, 1, 1}));
        float[] images = new float[2 * 3 * 32 * 32];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) Math.sin(0.37 * i);
        }
        try (Replica r = Replica.create(spec, Device.cpu())) {
            double loss = r.trainStep(images, new long[] {1, 3}, 2, 0.05, new SgdSettings(0.9, 5e-4)).meanLoss();
            return Double.isFinite(loss) ? null : "loss " + loss;
        }
    }

    /** BAM's block alone, trained with plain SGD on a small map; every gradient of every step must be finite. */
    private static String bamTraining(int[] hw, int steps) {
        Shape shape = new Shape(2, 64, hw[0], hw[1]);
        try (NDManager m = NDManager.newBaseManager()) {
            AttentionBlock block = Attentions.create("bam", 64, AttentionOptions.of(Map.of("reduction_ratio", 16)));
            block.initialize(m, DataType.FLOAT32, shape);
            ParameterStore store = new ParameterStore(m, false);
            for (int step = 0; step < steps; step++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray x = s.randomNormal(shape);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = block.forward(store, new NDList(x), true).head();
                        gc.backward(y.mul(s.randomNormal(y.getShape())).sum());
                    }
                    for (Parameter p : block.getParameters().values()) {
                        if (!p.requiresGradient()) {
                            continue;
                        }
                        NDArray g = p.getArray().getGradient();
                        if (!finite(g)) {
                            return "step " + (step + 1) + ": non-finite gradient of " + p.getName();
                        }
                        p.getArray().subi(g.mul(0.01));
                    }
                }
            }
        }
        return null;
    }
}
