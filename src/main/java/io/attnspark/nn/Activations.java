package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The activation and gate layers a reference constructor can be given by name ({@code act_layer},
 * {@code gate_layer} in timm: {@code "relu"}, {@code "sigmoid"}, {@code "hard_sigmoid"}, ...; also
 * PyTorch class names such as {@code "nn.ReLU"} or {@code "Hardsigmoid"}), with PyTorch's
 * definitions: {@code hard_sigmoid} is {@code nn.Hardsigmoid} ({@code relu6(x+3)/6}), {@code
 * hard_swish} is {@code x * hard_sigmoid(x)}, {@code gelu} the exact (erf) form, {@code
 * leaky_relu} slope 0.01, {@code elu} alpha 1.
 */
final class Activations {

    /** The accepted names (after lower-casing, dropping an {@code nn.} prefix and underscores). */
    static final List<String> NAMES =
            List.of(
                    "relu", "relu6", "sigmoid", "hard_sigmoid", "silu", "swish", "hard_swish", "gelu", "tanh",
                    "elu", "leaky_relu", "mish", "identity");

    private Activations() {}

    /**
     * The activation an option names.
     *
     * @param block the block name, for messages
     * @param options the options
     * @param key the option ({@code act_layer}, {@code gate_layer})
     * @param def the reference's default name
     * @return the activation
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    static UnaryOperator<NDArray> of(String block, AttentionOptions options, String key, String def) {
        Object v = options.asMap().get(key);
        String name = v == null ? def : v.toString();
        return switch (canonical(name)) {
            case "relu" -> Activation::relu;
            case "relu6" -> x -> x.clip(0, 6);
            case "sigmoid" -> Activation::sigmoid;
            case "hardsigmoid" -> Activations::hardSigmoid;
            case "silu", "swish" -> x -> x.mul(Activation.sigmoid(x));
            case "hardswish" -> x -> x.mul(hardSigmoid(x));
            case "gelu" -> Activation::gelu;
            case "tanh" -> Activation::tanh;
            case "elu" -> x -> Activation.elu(x, 1f);
            case "leakyrelu" -> x -> Activation.leakyRelu(x, 0.01f);
            case "mish" -> Activation::mish;
            case "identity", "none", "linear" -> x -> x;
            default ->
                    throw new IllegalArgumentException(
                            String.format(
                                    Locale.ROOT,
                                    "%s: unknown %s '%s'; valid: %s",
                                    block,
                                    key,
                                    name,
                                    String.join(", ", NAMES)));
        };
    }

    /**
     * The activation of a reference that fixes it (does not take it as an argument): the option may be
     * absent or name that very activation, in any spelling {@link #of} accepts.
     *
     * @param block the block name, for messages
     * @param options the options
     * @param key the option ({@code act_layer}, {@code gate_layer})
     * @param fixed the reference's activation
     * @param where when the reference fixes it, for the message ({@code "with ref=selayer"})
     * @return the activation
     * @throws IllegalArgumentException naming the option, its value and the only accepted one
     */
    static UnaryOperator<NDArray> fixed(
            String block, AttentionOptions options, String key, String fixed, String where) {
        Object v = options.asMap().get(key);
        if (v != null && !canonical(v.toString()).equals(canonical(fixed))) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s: option %s=%s is not supported %s; only the reference's %s",
                            block,
                            key,
                            v,
                            where,
                            fixed));
        }
        return of(block, AttentionOptions.defaults(), key, fixed);
    }

    /**
     * A layer name in one spelling: lower case, without a {@code torch.nn.} or {@code nn.} prefix,
     * a trailing {@code ()} or underscores ({@code "nn.Hardsigmoid"} and {@code "hard_sigmoid"}
     * both become {@code "hardsigmoid"}).
     *
     * @param name the name as given
     * @return the canonical spelling
     */
    static String canonical(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (String prefix : List.of("torch.nn.modules.activation.", "torch.nn.", "nn.", "torch.")) {
            if (n.startsWith(prefix)) {
                n = n.substring(prefix.length());
            }
        }
        if (n.endsWith("()")) {
            n = n.substring(0, n.length() - 2);
        }
        return n.replace("_", "");
    }

    /**
     * Whether a {@code norm_layer} option asks for a BatchNorm ({@code "BatchNorm2d"}, {@code
     * "nn.BatchNorm2d"}, {@code "bn"}, {@code true}) or for none ({@code null}, {@code false},
     * {@code "none"}, {@code ""}).
     *
     * @param block the block name, for messages
     * @param v the option value (null when absent)
     * @return true for a BatchNorm
     * @throws IllegalArgumentException for another norm layer
     */
    static boolean isBatchNorm(String block, Object v) {
        if (v == null || Boolean.FALSE.equals(v)) {
            return false;
        }
        if (Boolean.TRUE.equals(v)) {
            return true;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        for (String prefix : List.of("torch.nn.", "nn.")) {
            if (s.startsWith(prefix)) {
                s = s.substring(prefix.length());
            }
        }
        if (List.of("none", "", "identity").contains(s)) {
            return false;
        }
        if (List.of("batchnorm2d", "bn", "batchnorm", "bn2d", "batchnorm2d()").contains(s)) {
            return true;
        }
        throw new IllegalArgumentException(
                String.format(
                        Locale.ROOT,
                        "%s: unsupported norm_layer '%s'; valid: null (none), \"BatchNorm2d\"",
                        block,
                        v));
    }

    /** PyTorch {@code nn.Hardsigmoid}: {@code relu6(x + 3) / 6}. */
    static NDArray hardSigmoid(NDArray x) {
        return x.add(3f).clip(0, 6).div(6f);
    }
}
