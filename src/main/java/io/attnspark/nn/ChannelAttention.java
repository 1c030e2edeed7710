package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.List;
import java.util.Set;

/**
 * DANet channel attention module (CAM): every channel attends to every channel by Gram-matrix
 * similarity; scaled by a learnt {@code gamma} and added.
 *
 * <p>Paper: Fu et al., "Dual Attention Network for Scene Segmentation", <a
 * href="https://arxiv.org/abs/1809.02983">arXiv:1809.02983</a>. Checked against the official
 * junfu1115/DANet {@code encoding/nn/da_att.py CAM_Module} (766c34e6), which this block follows:
 * {@code softmax(rowmax(E) - E)}, i.e. {@code softmax(-E)}, which weights the least similar
 * channels most; the paper writes {@code softmax(E)}, available as {@code ref=paper}. The only
 * parameter is {@code gamma}, initialised to 0.
 */
public final class ChannelAttention extends AttentionBlock {

    /** The reference variants. */
    public static final List<String> REFS = List.of("official", "paper");

    /** The options this block reads. */
    public static final Set<String> OPTIONS = Set.of("ref");

    private final boolean paper;

    /**
     * Creates the block.
     *
     * @param channels input channels ({@code in_dim})
     * @param options see the class comment
     */
    public ChannelAttention(int channels, AttentionOptions options) {
        super(channels);
        paper = "paper".equals(options.ref("danet-cam", REFS));
        addTensor("gamma", Parameter.Type.OTHER, Initializer.ZEROS, 1);
    }

    /** {@inheritDoc} */
    @Override
    public String getReference() {
        return paper ? "paper" : "official";
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(Pass pass, NDList inputs) {
        NDArray x = inputs.head();
        Shape s = x.getShape();
        NDArray f = x.reshape(s.get(0), channels, -1);
        NDArray e = Autocast.full(Autocast.matMul(f, f.transpose(0, 2, 1)));
        NDArray att = (paper ? e : e.max(new int[] {2}, true).sub(e)).softmax(-1);
        return Autocast.matMul(att, f).reshape(s).mul(pass.get("gamma")).add(x);
    }
}
