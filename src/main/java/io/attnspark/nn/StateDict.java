package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Imports a reference PyTorch {@code state_dict} (an {@code .npz} keyed by the PyTorch names, as
 * written by {@code numpy.savez(path, **{k: v.numpy() for k, v in m.state_dict().items()})}) into
 * an {@link AttentionBlock}, and exports a block's parameters the same way.
 *
 * <p>The names map one to one: each block names its parameters as its reference does. {@code
 * num_batches_tracked} entries are ignored (they play no part in inference). Every missing,
 * unexpected or wrongly shaped entry is reported at once, by name.
 */
public final class StateDict {

    private static final String BATCHES_TRACKED = "num_batches_tracked";

    private StateDict() {}

    /**
     * Loads an {@code .npz} state_dict into a block, initialising the block first if needed.
     *
     * @param block the block
     * @param npz the archive
     * @param manager the manager that owns the parameters if the block is not yet initialised
     * @throws WeightImportException if the weights do not fit the block
     * @throws NpzFormatException if the file cannot be read
     */
    public static void load(AttentionBlock block, Path npz, NDManager manager) {
        load(block, Npz.read(npz), manager);
    }

    /**
     * Loads a state_dict into a block, initialising the block first if needed.
     *
     * @param block the block
     * @param weights the weights by PyTorch name
     * @param manager the manager that owns the parameters if the block is not yet initialised
     * @throws WeightImportException if the weights do not fit the block
     */
    public static void load(AttentionBlock block, Map<String, NpyArray> weights, NDManager manager) {
        List<String> expected = block.getStateDictNames();
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        List<String> misshapen = new ArrayList<>();
        for (String name : expected) {
            NpyArray w = weights.get(name);
            if (w == null) {
                missing.add(name);
                continue;
            }
            Shape want = block.getParameter(name).getShape();
            if (!want.equals(w.djlShape())) {
                misshapen.add(
                        String.format(
                                Locale.ROOT, "%s (expected %s, got %s)", name, want, w.djlShape()));
            }
        }
        for (String name : weights.keySet()) {
            if (!expected.contains(name) && !isBatchesTracked(name, expected)) {
                extra.add(name);
            }
        }
        if (!missing.isEmpty() || !extra.isEmpty() || !misshapen.isEmpty()) {
            StringBuilder msg =
                    new StringBuilder(
                            String.format(
                                    Locale.ROOT,
                                    "weights do not fit %s (ref %s)",
                                    block.getClass().getSimpleName(),
                                    block.getReference()));
            if (!missing.isEmpty()) {
                msg.append("; missing: ").append(String.join(", ", missing));
            }
            if (!extra.isEmpty()) {
                msg.append("; unexpected: ").append(String.join(", ", extra));
            }
            if (!misshapen.isEmpty()) {
                msg.append("; wrong shape: ").append(String.join(", ", misshapen));
            }
            msg.append("; expected parameters: ").append(String.join(", ", expected));
            throw new WeightImportException(msg.toString());
        }
        if (!block.isInitialized()) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1, block.getChannels(), 1, 1));
        }
        for (String name : expected) {
            Parameter p = block.getParameter(name);
            p.getArray().set(FloatBuffer.wrap(weights.get(name).toFloats()));
        }
    }

    /**
     * A block's parameters as a state_dict, by PyTorch name (running statistics included).
     *
     * @param block an initialised block
     * @return the arrays
     */
    public static Map<String, NpyArray> export(AttentionBlock block) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        for (String name : block.getStateDictNames()) {
            NDArray a = block.getParameter(name).getArray();
            out.put(name, NpyArray.of(a));
        }
        return out;
    }

    private static boolean isBatchesTracked(String name, List<String> expected) {
        if (!name.endsWith("." + BATCHES_TRACKED)) {
            return false;
        }
        String module = name.substring(0, name.length() - BATCHES_TRACKED.length());
        return expected.contains(module + "running_mean");
    }
}
