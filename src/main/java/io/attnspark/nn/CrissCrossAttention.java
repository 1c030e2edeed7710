package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Criss-cross attention: every position attends to the positions of its row and column (H+W-1 of
 * them, itself once), with C/8-wide query/key projections and a learnt {@code gamma}; applied
 * {@code recurrence} times with shared weights (RCCA).
 *
 * <p>Paper: Huang et al., "CCNet: Criss-Cross Attention for Semantic Segmentation", <a
 * href="https://arxiv.org/abs/1811.11721">arXiv:1811.11721</a>. Checked against the official
 * speedinghzl/CCNet {@code cc_attention/functions.py CrissCrossAttention} (master 1fae6c67, the
 * pure-PyTorch version): one softmax jointly over the column and row slots, the position itself
 * masked with -inf in the column part, no 1/sqrt(d) scaling, {@code gamma} initialised to 0.
 * Option {@code recurrence} (1; {@code RCCAModule} uses 2).
 */
public final class CrissCrossAttention extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("official");

    /** The options this block reads. */
    public static final Set<String> OPTIONS = Set.of("ref", "recurrence");

    private final int qk;
    private final int recurrence;

    /**
     * Creates the block.
     *
     * @param channels input channels ({@code in_dim})
     * @param options see the class comment
     */
    public CrissCrossAttention(int channels, AttentionOptions options) {
        super(channels);
        options.ref("cc", REFS);
        qk = Widths.positive("cc", "query/key width", channels / 8,
                String.format(Locale.ROOT, "in_dim %d // 8", channels));
        recurrence = Widths.positive("cc", "recurrence", options.getInt("recurrence", 1), "option recurrence");
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
        for (int i = 0; i < recurrence; i++) {
            x = criss(pass, x);
        }
        return x;
    }

    private NDArray criss(Pass pass, NDArray x) {
        Shape s = x.getShape();
        int h = (int) s.get(2);
        NDArray q = pass.conv(x, "query_conv");
        NDArray k = pass.conv(x, "key_conv");
        NDArray v = pass.conv(x, "value_conv");
        float[] mask = new float[h * h];
        Arrays.fill(mask, 0f);
        for (int i = 0; i < h; i++) {
            mask[i * h + i] = Float.NEGATIVE_INFINITY;
        }
        // column energies [B,W,H,H] (query row h, key row i), self masked; then as [B,H,W,H]
        NDArray eH =
                Autocast.full(Autocast.matMul(q.transpose(0, 3, 2, 1), k.transpose(0, 3, 1, 2)))
                        .add(x.getManager().create(mask, new Shape(h, h)))
                        .transpose(0, 2, 1, 3);
        // row energies [B,H,W,W] (query column w, key column j)
        NDArray eW = Autocast.full(Autocast.matMul(q.transpose(0, 2, 3, 1), k.transpose(0, 2, 1, 3)));
        NDArray a = eH.concat(eW, 3).softmax(3);
        NDArray aH = a.get(new NDIndex(":, :, :, 0:{}", h));
        NDArray aW = a.get(new NDIndex(":, :, :, {}:", h));
        NDArray outH = Autocast.matMul(v.transpose(0, 3, 1, 2), aH.transpose(0, 2, 3, 1)).transpose(0, 2, 3, 1);
        NDArray outW = Autocast.matMul(v.transpose(0, 2, 1, 3), aW.transpose(0, 1, 3, 2)).transpose(0, 2, 1, 3);
        return outH.add(outW).mul(pass.get("gamma")).add(x);
    }
}
