package io.attnspark.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.data.BadInputException;
import io.attnspark.nn.AttentionBlock;
import io.attnspark.nn.AttentionOptions;
import io.attnspark.nn.Attentions;
import io.attnspark.nn.NpyArray;
import io.attnspark.nn.Npz;
import io.attnspark.nn.NpzFormatException;
import io.attnspark.nn.StateDict;
import io.attnspark.nn.WeightImportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attnspark blockcheck}: runs one attention block with reference weights on a reference
 * input in inference mode and writes its output, to check conformance with the PyTorch
 * reference implementations (see {@code io.attnspark.nn.Attentions} for the names).
 */
@Command(
        name = "blockcheck",
        mixinStandardHelpOptions = true,
        description = "Run an attention block with reference (PyTorch state_dict) weights in inference mode.")
public final class BlockcheckCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--block", required = true, description = "Block name, e.g. se, cbam, iaff.")
    String block;

    @Option(
            names = "--config",
            defaultValue = "{}",
            description = "JSON object (or a file holding one): \"ref\" and the reference constructor's keyword arguments.")
    String config;

    @Option(names = "--weights", required = true, description = ".npz keyed by the reference state_dict names.")
    Path weights;

    @Option(names = "--input", required = true, description = ".npz holding the input x (float32 NCHW).")
    Path input;

    @Option(names = "--input2", description = ".npz holding the second input y (AFF, iAFF).")
    Path input2;

    @Option(names = "--out", required = true, description = ".npz to write with the output 'out'.")
    Path out;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws IOException {
        Map<String, Object> cfg = parseConfig();
        Object named = cfg.remove("block");
        if (named != null && !block.equals(named)) {
            throw new ConfigError(
                    String.format(Locale.ROOT, "--config names block '%s' but --block is '%s'", named, block));
        }
        AttentionOptions options = AttentionOptions.of(cfg);
        try {
            Attentions.entry(block);
        } catch (IllegalArgumentException e) {
            throw new ConfigError(e.getMessage());
        }
        Map<String, NpyArray> state;
        try {
            state = Npz.read(weights);
        } catch (NpzFormatException e) {
            throw new BadInputException("--weights " + weights + ": " + e.getMessage(), e);
        }
        options = kernelFromWeights(block, options, state);
        NpyArray x = single(input, "x");
        Integer channels = Attentions.channelsOf(block, options, (int) channelsOf(x, input));
        AttentionBlock b;
        try {
            b = Attentions.create(block, channels, options);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("--config: " + e.getMessage());
        }
        NDList inputs = new NDList();
        try (NDManager manager = NDManager.newBaseManager()) {
            try {
                StateDict.load(b, state, manager);
            } catch (WeightImportException e) {
                throw new BadInputException("--weights " + weights + ": " + e.getMessage(), e);
            }
            inputs.add(x.toNDArray(manager));
            if (b.getInputCount() == 2) {
                if (input2 == null) {
                    throw new ConfigError(String.format(Locale.ROOT, "block %s needs --input2 (y)", block));
                }
                inputs.add(single(input2, "y").toNDArray(manager));
            } else if (input2 != null) {
                throw new ConfigError(String.format(Locale.ROOT, "block %s takes no --input2", block));
            }
            NDArray y;
            try {
                y = b.forward(new ParameterStore(manager, false), inputs, false).head();
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--input " + input + ": " + e.getMessage(), e);
            }
            Map<String, NpyArray> result = new LinkedHashMap<>();
            result.put("out", NpyArray.of(y));
            Npz.write(out, result);
        }
        return 0;
    }

    private Map<String, Object> parseConfig() {
        String text = config.trim();
        if (!text.startsWith("{")) {
            Path file = Path.of(text);
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new ConfigError("--config: neither a JSON object nor a readable file: " + config);
            }
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.readValue(text, Map.class);
            return new LinkedHashMap<>(m);
        } catch (JsonProcessingException e) {
            throw new ConfigError("--config: not a JSON object: " + e.getOriginalMessage());
        }
    }

    /**
     * timm's {@code EcaModule} computes its kernel from {@code channels} only when that keyword is
     * given; without it (and without {@code kernel_size}) the reference uses its default kernel
     * 3, while the registry, which always knows the channel count, uses the adaptive kernel. The
     * config does not say which module the weights come from, so the weights do: their {@code
     * conv.weight [1, 1, k]} sets {@code kernel_size}.
     */
    private static AttentionOptions kernelFromWeights(
            String block, AttentionOptions options, Map<String, NpyArray> state) {
        if (!"eca".equals(block) || options.has("channels") || options.has("kernel_size")) {
            return options;
        }
        Object ref = options.has(AttentionOptions.REF) ? options.asMap().get(AttentionOptions.REF)
                : options.asMap().get(AttentionOptions.IMPL);
        NpyArray w = state.get("conv.weight");
        if (!"timm".equals(ref) || Boolean.TRUE.equals(options.asMap().get("use_mlp")) || w == null) {
            return options;
        }
        long[] shape = w.shape();
        if (shape.length == 3 && shape[0] == 1 && shape[1] == 1 && shape[2] % 2 == 1) {
            return options.with("kernel_size", (int) shape[2]);
        }
        return options;
    }

    /** The array named {@code key}, or the only array of the file. */
    private static NpyArray single(Path file, String key) {
        Map<String, NpyArray> arrays;
        try {
            arrays = Npz.read(file);
        } catch (NpzFormatException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        NpyArray a = arrays.get(key);
        if (a == null && arrays.size() == 1) {
            a = arrays.values().iterator().next();
        }
        if (a == null) {
            throw new BadInputException(
                    String.format(
                            Locale.ROOT, "%s: no array '%s' (has %s)", file, key, arrays.keySet()));
        }
        if (a.shape().length != 4) {
            throw new BadInputException(
                    String.format(
                            Locale.ROOT,
                            "%s: '%s' must be NCHW (4-D), got shape %s",
                            file,
                            key,
                            a.djlShape()));
        }
        return a;
    }

    private static long channelsOf(NpyArray a, Path file) {
        return a.shape()[1];
    }
}
