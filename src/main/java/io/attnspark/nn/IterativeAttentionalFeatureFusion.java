package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * iAFF: attentional feature fusion applied twice; the first fusion's result feeds the second
 * stage's MS-CAM: {@code xi = x*w1 + y*(1-w1)}, {@code out = x*w2 + y*(1-w2)}, no factor 2.
 *
 * <p>Paper: Dai et al., "Attentional Feature Fusion", <a
 * href="https://arxiv.org/abs/2009.14082">arXiv:2009.14082</a>. Checked against the official
 * YimianDai/open-aff {@code aff_pytorch/aff_net/fusion.py iAFF} at master c2a5b6fe, whose second
 * stage uses {@code global_att2} (as the MXNet original does). Commits a2042ee and 07cc0a85 reused
 * {@code global_att} there, leaving {@code global_att2} dead; {@code reuse_global_att=true}
 * reproduces that for weights trained with the old code ({@code ref=old}, alias {@code 07cc0a85},
 * sets it by default). Options {@code channels} (64), {@code r}
 * (4), {@code reuse_global_att} (false). Takes two inputs.
 */
public final class IterativeAttentionalFeatureFusion extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("official", "old");

    /** The options this block reads. */
    public static final Set<String> OPTIONS = Set.of("ref", "r", "reuse_global_att");

    private final String ref;
    private final boolean reuseGlobalAtt;

    /**
     * Creates the block.
     *
     * @param channels input channels (of each input)
     * @param options see the class comment
     */
    public IterativeAttentionalFeatureFusion(int channels, AttentionOptions options) {
        super(channels);
        ref =
                options.ref(
                        "iaff", REFS, Map.of("master", "official", "07cc0a85", "old", "a2042ee", "old"));
        reuseGlobalAtt = options.getBoolean("reuse_global_att", "old".equals(ref));
        int inter = MultiScaleChannelAttention.interChannels("iaff", channels, options);
        MultiScaleChannelAttention.addBranches(this, "", channels, inter);
        MultiScaleChannelAttention.addBranches(this, "2", channels, inter);
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
        NDArray w1 = Activation.sigmoid(MultiScaleChannelAttention.logits(pass, x.add(y), "", ""));
        NDArray xi = x.mul(w1).add(y.mul(w1.neg().add(1f)));
        NDArray w2 =
                Activation.sigmoid(
                        MultiScaleChannelAttention.logits(pass, xi, "2", reuseGlobalAtt ? "" : "2"));
        return x.mul(w2).add(y.mul(w2.neg().add(1f)));
    }
}
