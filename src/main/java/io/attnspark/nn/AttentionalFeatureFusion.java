package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AFF: fuses two feature maps {@code x} and {@code y} (the reference's {@code residual}) of one
 * shape with an MS-CAM weight computed from their sum: {@code s*x*w + s*y*(1-w)}, {@code w =
 * MS-CAM(x+y)}.
 *
 * <p>Paper: Dai et al., "Attentional Feature Fusion", <a
 * href="https://arxiv.org/abs/2009.14082">arXiv:2009.14082</a>. Checked against the official
 * YimianDai/open-aff {@code aff_pytorch/aff_net/fusion.py AFF} (master c2a5b6fe) and the MXNet
 * {@code ASKCFuse}: both scale by {@code s = 2}, which this block follows by default; the paper's
 * equation has no factor ({@code ref=paper}, or {@code scale=1}). Options {@code channels} (64), {@code r} (4), {@code
 * scale} (2.0; 1.0 for the paper). Takes two inputs.
 */
public final class AttentionalFeatureFusion extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("official", "paper");

    /** The options this block reads. */
    public static final Set<String> OPTIONS = Widths.union(ReducedWidth.TIMM_OPTIONS, "ref", "r", "scale");

    private final String ref;
    private final float scale;

    /**
     * Creates the block.
     *
     * @param channels input channels (of each input)
     * @param options see the class comment
     */
    public AttentionalFeatureFusion(int channels, AttentionOptions options) {
        super(channels);
        ref = options.ref("aff", REFS, Map.of("master", "official"));
        scale = (float) options.getDouble("scale", "paper".equals(ref) ? 1.0 : 2.0);
        MultiScaleChannelAttention.addBranches(
                this, "", channels, MultiScaleChannelAttention.interChannels("aff", channels, options));
    }

    /** {@inheritDoc} */
    @Override
    public String getReference() {
        return ref;
    }

    /** {@inheritDoc} */
    @Override
    public int getInputCount() {
        return 2;
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(Pass pass, NDList inputs) {
        NDArray x = inputs.get(0);
        NDArray y = inputs.get(1);
        NDArray w = Activation.sigmoid(MultiScaleChannelAttention.logits(pass, x.add(y), "", ""));
        return x.mul(w).mul(scale).add(y.mul(w.neg().add(1f)).mul(scale));
    }
}
