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
 * href="https://arxiv.org/abs/2009.14082">arXiv:2009.14082</a>; official code YimianDai/open-aff.
 * Two forms exist there, and they differ in the second stage's global branch:
 *
 * <ul>
 *   <li>{@code ref=mxnet} (the default): the second stage has its own {@code global_att2}, as in the
 *       MXNet original ({@code aff_mxnet}), the code behind the paper's numbers, and in the unmerged
 *       pull request #27 of the PyTorch port (head c2a5b6f). Aliases {@code official} (this block's earlier label)
 *       and {@code pr27}.
 *   <li>{@code ref=pytorch}: the PyTorch code on open-aff's master ({@code aff_pytorch/aff_net/fusion.py
 *       iAFF} at master 0bcfd8a and earlier) <em>reuses</em> {@code global_att} in the second stage and leaves
 *       {@code global_att2} unused (its parameters exist, get no gradient, and load from a {@code
 *       state_dict} all the same). Aliases {@code master}, {@code old}, {@code 07cc0a85}, {@code
 *       a2042ee}.
 * </ul>
 *
 * {@code reuse_global_att} overrides the ref's choice. Options {@code channels} (64), {@code r} (4;
 * or timm's {@code rd_ratio}, {@code rd_channels}, {@code rd_divisor}, see {@link ReducedWidth}),
 * {@code reuse_global_att}. Takes two inputs.
 */
public final class IterativeAttentionalFeatureFusion extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("mxnet", "pytorch");

    /** The options this block reads. */
    public static final Set<String> OPTIONS = Widths.union(ReducedWidth.TIMM_OPTIONS, "ref", "r", "reuse_global_att");

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
                options.ref("iaff", REFS, Map.of("official", "mxnet", "pr27", "mxnet", "master", "pytorch", "old",
                        "pytorch", "07cc0a85", "pytorch", "a2042ee", "pytorch"));
        reuseGlobalAtt = options.getBoolean("reuse_global_att", "pytorch".equals(ref));
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
