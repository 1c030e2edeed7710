package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import java.util.List;
import java.util.Set;

/**
 * MS-CAM: a channel gate from a local (point-wise conv bottleneck per position) and a global
 * (pooled) context branch, {@code x * sigmoid(local(x) + global(x))}.
 *
 * <p>Paper: Dai et al., "Attentional Feature Fusion", <a
 * href="https://arxiv.org/abs/2009.14082">arXiv:2009.14082</a>. Checked against the official
 * YimianDai/open-aff {@code aff_pytorch/aff_net/fusion.py MS_CAM} (master c2a5b6fe): {@code
 * channels} (64), {@code r} (4), inter = {@code channels // r}, 1x1 convs with bias, each followed
 * by BatchNorm ({@code local_att.{0,1,3,4}}, {@code global_att.{1,2,4,5}}). The branch helpers
 * here are shared with {@link AttentionalFeatureFusion} and {@link
 * IterativeAttentionalFeatureFusion}.
 */
public final class MultiScaleChannelAttention extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("official");

    /** The options this block reads. */
    public static final Set<String> OPTIONS = Widths.union(ReducedWidth.TIMM_OPTIONS, "ref", "r");

    /**
     * Creates the block.
     *
     * @param channels input channels
     * @param options see the class comment
     */
    public MultiScaleChannelAttention(int channels, AttentionOptions options) {
        super(channels);
        options.ref("mscam", REFS);
        addBranches(this, "", channels, interChannels("mscam", channels, options));
    }

    /** {@inheritDoc} */
    @Override
    public String getReference() {
        return "official";
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(Pass pass, NDList inputs) {
        NDArray x = inputs.head();
        return x.mul(Activation.sigmoid(logits(pass, x, "", "")));
    }

    /** {@code int(channels // r)}, at least 1. */
    static int interChannels(String block, int channels, AttentionOptions options) {
        return ReducedWidth.dividing(block, "r", 4).of(channels, options);
    }

    /** Adds {@code local_att<suffix>} and {@code global_att<suffix>} to a block. */
    static void addBranches(AttentionBlock block, String suffix, int channels, int inter) {
        String l = "local_att" + suffix + ".";
        block.addConv(l + "0", inter, channels, 1, 1, true);
        block.addBatchNorm(l + "1", inter);
        block.addConv(l + "3", channels, inter, 1, 1, true);
        block.addBatchNorm(l + "4", channels);
        String g = "global_att" + suffix + ".";
        block.addConv(g + "1", inter, channels, 1, 1, true);
        block.addBatchNorm(g + "2", inter);
        block.addConv(g + "4", channels, inter, 1, 1, true);
        block.addBatchNorm(g + "5", channels);
    }

    /** {@code local_att<localSuffix>(z) + global_att<globalSuffix>(z)}, before the sigmoid. */
    static NDArray logits(
            AttentionBlock.Pass pass, NDArray z, String localSuffix, String globalSuffix) {
        String l = "local_att" + localSuffix + ".";
        NDArray local = Activation.relu(pass.batchNorm(pass.conv(z, l + "0"), l + "1"));
        local = pass.batchNorm(pass.conv(local, l + "3"), l + "4");
        String g = "global_att" + globalSuffix + ".";
        NDArray global = spatialMean(z);
        global = Activation.relu(pass.batchNorm(pass.conv(global, g + "1"), g + "2"));
        global = pass.batchNorm(pass.conv(global, g + "4"), g + "5");
        return local.add(global);
    }
}
