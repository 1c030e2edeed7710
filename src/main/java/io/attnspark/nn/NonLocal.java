package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.Initializer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Non-local block, embedded-Gaussian form: every position attends to every (sub-sampled) position.
 *
 * <p>Paper: Wang, Girshick, Gupta, He, "Non-local Neural Networks", <a
 * href="https://arxiv.org/abs/1711.07971">arXiv:1711.07971</a>; original Caffe2 code
 * facebookresearch/video-nonlocal-net. Checked against AlexHex7/Non-local_pytorch {@code
 * lib/non_local_embedded_gaussian.py NONLocalBlock2D} (the default): {@code inter_channels} (C/2,
 * at least 1), {@code sub_sample} (true: 1x1 conv then 2x2 max pool for phi and g, as AlexHex7;
 * Caffe2 pools first), {@code bn_layer} (true: BN after W, zero-initialised so that the block
 * starts as the identity; without BN the W conv is zeroed), no 1/sqrt(d) scaling. Option {@code
 * scale} (or {@code use_scale}) multiplies the logits by {@code inter_channels^-0.5} as Caffe2's
 * {@code USE_SCALE}. BN
 * eps is PyTorch's 1e-5 (Caffe2: 1.0000001e-5).
 */
public final class NonLocal extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("alexhex7");

    /** The options this block reads. */
    public static final Set<String> OPTIONS =
            Set.of("ref", "inter_channels", "sub_sample", "bn_layer", "scale", "use_scale");

    private final int inter;
    private final boolean subSample;
    private final boolean bnLayer;
    private final boolean scale;

    /**
     * Creates the block.
     *
     * @param channels input channels
     * @param options see the class comment
     */
    public NonLocal(int channels, AttentionOptions options) {
        super(channels);
        options.ref("nonlocal", REFS, Map.of("official", "alexhex7"));
        Integer ci = options.getIntOrNull("inter_channels");
        int c = ci != null && ci > 0 ? ci : channels / 2;
        inter = c == 0 ? 1 : c;
        subSample = options.getBoolean("sub_sample", true);
        bnLayer = options.getBoolean("bn_layer", true);
        scale = options.getBoolean("scale", options.getBoolean("use_scale", false));
        addConv(subSample ? "g.0" : "g", inter, channels, 1, 1, true);
        addConv("theta", inter, channels, 1, 1, true);
        addConv(subSample ? "phi.0" : "phi", inter, channels, 1, 1, true);
        if (bnLayer) {
            addConv("W.0", channels, inter, 1, 1, true);
            addBatchNorm("W.1", channels);
            setInit("W.1.weight", Initializer.ZEROS);
            setInit("W.1.bias", Initializer.ZEROS);
        } else {
            addConv("W", channels, inter, 1, 1, true);
            setInit("W.weight", Initializer.ZEROS);
            setInit("W.bias", Initializer.ZEROS);
        }
    }

    /** {@inheritDoc} */
    @Override
    public String getReference() {
        return "alexhex7";
    }

    /** {@inheritDoc} */
    @Override
    protected void checkShapes(Shape... shapes) {
        super.checkShapes(shapes);
        if (subSample && (shapes[0].get(2) < 2 || shapes[0].get(3) < 2)) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "NonLocal with sub_sample needs height and width >= 2 for its 2x2 max pool, got shape %s",
                            shapes[0]));
        }
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(Pass pass, NDList inputs) {
        NDArray x = inputs.head();
        Shape s = x.getShape();
        long b = s.get(0);
        NDArray g;
        NDArray phi;
        if (subSample) {
            g = maxPool2(pass.conv(x, "g.0"));
            phi = maxPool2(pass.conv(x, "phi.0"));
        } else {
            g = pass.conv(x, "g");
            phi = pass.conv(x, "phi");
        }
        g = g.reshape(b, inter, -1).transpose(0, 2, 1);
        NDArray theta = pass.conv(x, "theta").reshape(b, inter, -1).transpose(0, 2, 1);
        NDArray f = Autocast.matMul(theta, phi.reshape(b, inter, -1));
        if (scale) {
            f = f.mul((float) Math.pow(inter, -0.5));
        }
        NDArray y = Autocast.matMul(Autocast.full(f).softmax(-1), g).transpose(0, 2, 1).reshape(b, inter, s.get(2), s.get(3));
        NDArray wy = bnLayer ? pass.batchNorm(pass.conv(y, "W.0"), "W.1") : pass.conv(y, "W");
        return wy.add(x);
    }

    private static NDArray maxPool2(NDArray x) {
        return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
    }
}
