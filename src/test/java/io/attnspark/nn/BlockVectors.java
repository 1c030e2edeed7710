package io.attnspark.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The committed test vectors under {@code src/test/resources/blocks/}, written by {@code
 * src/test/python/make_vectors.py}: config, input(s), reference weights and expected output.
 */
public final class BlockVectors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BlockVectors() {}

    /** One vector file. */
    public record Vector(
            String file,
            String block,
            Map<String, Object> config,
            NpyArray x,
            NpyArray y,
            NpyArray out,
            Map<String, NpyArray> weights) {

        /** The config as block options (without the "block" key). */
        public AttentionOptions options() {
            return AttentionOptions.of(config);
        }

        /** The variant: the file name without the shape suffix. */
        String variant() {
            return file.substring(0, file.lastIndexOf("_b"));
        }

        int channels() {
            return Attentions.channelsOf(block, options(), (int) x.shape()[1]);
        }

        /** A new block from the registry with the vector's weights loaded. */
        AttentionBlock build(NDManager manager) {
            AttentionBlock b = Attentions.create(block, channels(), options());
            StateDict.load(b, weights, manager);
            return b;
        }

        NDList inputs(NDManager manager) {
            NDList in = new NDList(x.toNDArray(manager));
            if (y != null) {
                in.add(y.toNDArray(manager));
            }
            return in;
        }

        @Override
        public String toString() {
            return file;
        }
    }

    public static Path dir() {
        try {
            return Path.of(BlockVectors.class.getResource("/blocks").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<Vector> all() {
        try (Stream<Path> files = Files.list(dir())) {
            return files.filter(p -> p.toString().endsWith(".npz")).sorted().map(BlockVectors::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first vector of each variant. */
    public static List<Vector> onePerVariant() {
        Map<String, Vector> m = new LinkedHashMap<>();
        for (Vector v : all()) {
            m.putIfAbsent(v.variant(), v);
        }
        return List.copyOf(m.values());
    }

    @SuppressWarnings("unchecked")
    public static Vector load(Path file) {
        Map<String, NpyArray> a = Npz.read(file);
        Map<String, Object> config;
        try {
            config = new LinkedHashMap<>(JSON.readValue(a.get("config").toText(), Map.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String block = (String) config.remove("block");
        Map<String, NpyArray> w = new LinkedHashMap<>();
        a.forEach(
                (k, v) -> {
                    if (k.startsWith("w/")) {
                        w.put(k.substring(2), v);
                    }
                });
        return new Vector(
                file.getFileName().toString(), block, config, a.get("x"), a.get("y"), a.get("out"), w);
    }

    /** Largest violation of |a - b| <= atol + rtol |b|, as a message, or null if none. */
    public static String mismatch(NDArray actual, NpyArray expected, double rtol, double atol) {
        if (!actual.getShape().equals(expected.djlShape())) {
            return "shape " + actual.getShape() + " != expected " + expected.djlShape();
        }
        float[] a = actual.toFloatArray();
        double[] e = expected.values();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < a.length; i++) {
            double excess = Math.abs(a[i] - e[i]) - (atol + rtol * Math.abs(e[i]));
            if (!(excess <= worst)) {
                worst = Double.isNaN(excess) ? Double.POSITIVE_INFINITY : excess;
                at = i;
            }
        }
        return at < 0 ? null : "element " + at + ": got " + a[at] + ", expected " + e[at];
    }
}
