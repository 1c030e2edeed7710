package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import java.util.List;
import java.util.Set;

/**
 * Triplet attention: three gates over the (C,W), (H,C) and (H,W) planes of rotated views of the
 * input, each a 7x7 conv on [max, mean] pooled maps, averaged.
 *
 * <p>Paper: Misra, Nalamada, Arasanipalai, Hou, "Rotate to Attend: Convolutional Triplet Attention
 * Module", <a href="https://arxiv.org/abs/2010.03045">arXiv:2010.03045</a>. Checked against the
 * official landskape-ai/triplet-attention {@code triplet_attention.py TripletAttention}
 * (861efa40, the repository-root file; parameter names {@code cw/hc/hw.conv.conv.weight} and
 * {@code .conv.bn.*}, BN momentum 0.01): pooled channels in the order (max, mean), {@code
 * no_spatial} drops the (H,W) gate and averages the other two. The {@code MODELS/} version's
 * extra arguments ({@code reduction_ratio}, {@code pool_types}) are accepted and ignored, as
 * there; its different parameter names are not supported. {@code kernel_size} (7, odd) sets the
 * gates' kernel, which the reference fixes at 7. The block has no channel-dependent parameter; the
 * channel count only checks the input.
 */
public final class TripletAttention extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("official");

    /** The options this block reads. */
    public static final Set<String> OPTIONS =
            Set.of("ref", "no_spatial", "reduction_ratio", "pool_types", "kernel_size");

    private final boolean noSpatial;
    private final int kernel;

    /**
     * Creates the block.
     *
     * @param channels input channels
     * @param options see the class comment
     */
    public TripletAttention(int channels, AttentionOptions options) {
        super(channels);
        options.ref("triplet", REFS);
        noSpatial = options.getBoolean("no_spatial", false);
        kernel = TimmNames.oddKernelSize("triplet", options, 7);
        for (String gate : noSpatial ? List.of("cw", "hc") : List.of("cw", "hc", "hw")) {
            addConv(gate + ".conv.conv", 1, 2, kernel, kernel, false);
            addBatchNorm(gate + ".conv.bn", 1, 0.01f);
        }
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
        NDArray o1 = gate(pass, x.transpose(0, 2, 1, 3), "cw").transpose(0, 2, 1, 3);
        NDArray o2 = gate(pass, x.transpose(0, 3, 2, 1), "hc").transpose(0, 3, 2, 1);
        if (noSpatial) {
            return o1.add(o2).mul(0.5f);
        }
        return gate(pass, x, "hw").add(o1).add(o2).mul(1f / 3f);
    }

    private NDArray gate(Pass pass, NDArray t, String name) {
        int pad = (kernel - 1) / 2;
        NDArray z = t.max(new int[] {1}, true).concat(t.mean(new int[] {1}, true), 1);
        NDArray s = pass.batchNorm(pass.conv(z, name + ".conv.conv", 1, pad, pad, 1, 1), name + ".conv.bn");
        return t.mul(Activation.sigmoid(s));
    }
}
