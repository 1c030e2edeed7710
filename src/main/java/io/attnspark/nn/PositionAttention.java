package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DANet position attention module (PAM): every position attends to every position through
 * C/8-wide query/key projections; the result is scaled by a learnt {@code gamma} and added.
 *
 * <p>Paper: Fu et al., "Dual Attention Network for Scene Segmentation", <a
 * href="https://arxiv.org/abs/1809.02983">arXiv:1809.02983</a>. Checked against the official
 * junfu1115/DANet {@code encoding/nn/da_att.py PAM_Module} (766c34e6): {@code in_dim}, query/key
 * width {@code in_dim // 8}, softmax over the keys, no 1/sqrt(d) scaling, {@code gamma}
 * initialised to 0 (the block starts as the identity).
 */
public final class PositionAttention extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("official");

    /** The options this block reads. */
    public static final Set<String> OPTIONS = Set.of("ref");

    private final int qk;

    /**
     * Creates the block.
     *
     * @param channels input channels ({@code in_dim})
     * @param options see the class comment
     */
    public PositionAttention(int channels, AttentionOptions options) {
        super(channels);
        options.ref("danet-pam", REFS);
        qk = Widths.positive("danet-pam", "query/key width", channels / 8,
                String.format(Locale.ROOT, "in_dim %d // 8", channels));
        addConv("query_conv", qk, channels, 1, 1, true);
        addConv("key_conv", qk, channels, 1, 1, true);
        addConv("value_conv", channels, channels, 1, 1, true);
        addTensor("gamma", Parameter.Type.OTHER, Initializer.ZEROS, 1);
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
        Shape s = x.getShape();
        long b = s.get(0);
        NDArray q = pass.conv(x, "query_conv").reshape(b, qk, -1).transpose(0, 2, 1);
        NDArray k = pass.conv(x, "key_conv").reshape(b, qk, -1);
        NDArray att = Autocast.full(Autocast.matMul(q, k)).softmax(-1);
        NDArray v = pass.conv(x, "value_conv").reshape(b, channels, -1);
        NDArray out = Autocast.matMul(v, att.transpose(0, 2, 1)).reshape(s);
        return out.mul(pass.get("gamma")).add(x);
    }
}
