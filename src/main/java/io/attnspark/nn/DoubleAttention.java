package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A² double attention: gather {@code c_n} global descriptors with spatial attention maps, then
 * distribute them to every position with per-position attention vectors.
 *
 * <p>Paper: Chen et al., "A²-Nets: Double Attention Networks", NeurIPS 2018, <a
 * href="https://arxiv.org/abs/1810.11579">arXiv:1810.11579</a>. No official code was found (the
 * authors' MXNet code is not public), so {@code ref=paper} (default) follows the paper: {@code G =
 * A softmax_hw(B)^T} (m x n), {@code Z = G softmax_n(V)}, a 1x1 conv back to C, and a residual
 * add. Parameter names, shapes and initialisation (kaiming-normal fan_out, zero bias) follow the
 * most copied PyTorch port, xmu-xiaoma666/External-Attention-pytorch {@code
 * model/attention/A2Atttention.py DoubleAttention} (6e9ce58e); {@code ref=xmu} reproduces that
 * port's forward (softmax of B over the n maps, no residual). {@code ref=mean} reproduces
 * MenghaoGuo/Awesome-Vision-Attentions {@code code/spatial_attentions/doub_attention.py
 * DoubleAtten(in_c)} (Jittor, copied into many PyTorch repos): {@code c_m = c_n = C}, softmax of
 * V over positions, the gather averaged rather than summed, no output conv, no residual. Options
 * {@code c_m}, {@code c_n} (default C/4 each; C for mean), {@code reconstruct} (true; false for
 * mean), {@code residual} (true for paper). Port names {@code port_xmu}/{@code forward_port_xmu}
 * and {@code port_mean}/{@code forward_port_mean} (and {@code in_c}, the Jittor constructor's
 * channel keyword) are accepted; {@code official} means the default, the paper.
 *
 * <p>Computed in the efficient order, gather first: memory O(mn + (m+n)hw), never an hw x hw
 * matrix.
 */
public final class DoubleAttention extends AttentionBlock {

    /** The reference variants, default first. */
    public static final List<String> REFS = List.of("paper", "xmu", "mean");

    /** The options this block reads. */
    public static final Set<String> OPTIONS = Set.of("ref", "c_m", "c_n", "reconstruct", "residual");

    private final String ref;
    private final int cm;
    private final int cn;
    private final boolean reconstruct;
    private final boolean residual;

    /**
     * Creates the block.
     *
     * @param channels input channels
     * @param options see the class comment
     */
    public DoubleAttention(int channels, AttentionOptions options) {
        super(channels);
        ref = options.ref("a2", REFS, Map.of(
                "port_xmu", "xmu", "port_mean", "mean", "forward_port_xmu", "xmu", "forward_port_mean", "mean",
                "official", "paper"));
        boolean mean = "mean".equals(ref);
        int width = mean ? channels : Math.max(1, channels / 4);
        cm = Widths.positive("a2", "c_m", options.getInt("c_m", width), "option c_m");
        cn = Widths.positive("a2", "c_n", options.getInt("c_n", width), "option c_n");
        reconstruct = options.getBoolean("reconstruct", !mean);
        residual = options.getBoolean("residual", "paper".equals(ref));
        if (!reconstruct && residual && cm != channels) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "a2: without reconstruct the residual add needs c_m == channels, got c_m %d, channels %d",
                            cm,
                            channels));
        }
        addConv("convA", cm, channels, 1, 1, true);
        addConv("convB", cn, channels, 1, 1, true);
        addConv("convV", cn, channels, 1, 1, true);
        if (reconstruct) {
            addConv("conv_reconstruct", channels, cm, 1, 1, true);
        }
        if (!mean) {
            // xmu's init_weights; the Jittor port keeps the framework default
            for (String name : getStateDictNames()) {
                setInit(name, name.endsWith(".bias") ? Initializer.ZEROS : TorchInit.kaimingNormal(true));
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public String getReference() {
        return ref;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkShapes(inputShapes);
        Shape s = inputShapes[0];
        return new Shape[] {reconstruct ? s : new Shape(s.get(0), cm, s.get(2), s.get(3))};
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(Pass pass, NDList inputs) {
        NDArray x = inputs.head();
        Shape s = x.getShape();
        long b = s.get(0);
        NDArray a = pass.conv(x, "convA").reshape(b, cm, -1);
        NDArray maps = Autocast.full(pass.conv(x, "convB").reshape(b, cn, -1)).softmax("xmu".equals(ref) ? 1 : 2);
        NDArray vectors = Autocast.full(pass.conv(x, "convV").reshape(b, cn, -1)).softmax("mean".equals(ref) ? 2 : 1);
        NDArray g = Autocast.matMul(a, maps.transpose(0, 2, 1));
        if ("mean".equals(ref)) {
            g = g.div((float) (s.get(2) * s.get(3)));
        }
        NDArray z = Autocast.matMul(g, vectors).reshape(b, cm, s.get(2), s.get(3));
        if (reconstruct) {
            z = pass.conv(z, "conv_reconstruct");
        }
        return residual ? z.add(x) : z;
    }
}
