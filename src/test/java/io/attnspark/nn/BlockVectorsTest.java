package io.attnspark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.attnspark.cli.Main;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every block and reference variant reproduces the reference outputs of the committed vectors. */
class BlockVectorsTest {

    static final double RTOL = 1e-4;
    static final double ATOL = 1e-5;

    static List<BlockVectors.Vector> vectors() {
        return BlockVectors.all();
    }

    static List<BlockVectors.Vector> variants() {
        return BlockVectors.onePerVariant();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void matchesReference(BlockVectors.Vector v) {
        Assumptions.assumeTrue(Attentions.names().contains(v.block()), "not registered: " + v.block());
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionBlock block = v.build(manager);
            NDList in = v.inputs(manager);
            NDArray out = block.forward(new ParameterStore(manager, false), in, false).head();
            assertNull(BlockVectors.mismatch(out, v.out(), RTOL, ATOL), v.file());
            Shape[] shapes = block.getOutputShapes(in.getShapes());
            assertEquals(out.getShape(), shapes[0], "getOutputShapes");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void parameterCountEqualsReference(BlockVectors.Vector v) {
        Assumptions.assumeTrue(Attentions.names().contains(v.block()), "not registered: " + v.block());
        long reference =
                v.weights().entrySet().stream()
                        .filter(e -> !e.getKey().endsWith("running_mean")
                                && !e.getKey().endsWith("running_var")
                                && !e.getKey().endsWith("num_batches_tracked"))
                        .mapToLong(e -> e.getValue().values().length)
                        .sum();
        AttentionBlock block = Attentions.create(v.block(), v.channels(), v.options());
        assertEquals(reference, block.getTrainableParameterCount(), v.file());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void blockcheckWritesTheReferenceOutput(BlockVectors.Vector v, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Attentions.names().contains(v.block()), "not registered: " + v.block());
        Path weights = dir.resolve("w.npz");
        Path x = dir.resolve("x.npz");
        Path out = dir.resolve("out.npz");
        Npz.write(weights, v.weights());
        Npz.write(x, Map.of("x", v.x()));
        String config = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(v.config());
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "blockcheck", "--block", v.block(), "--config", config,
                                "--weights", weights.toString(), "--input", x.toString(),
                                "--out", out.toString()));
        if (v.y() != null) {
            Path y = dir.resolve("y.npz");
            Npz.write(y, Map.of("y", v.y()));
            args.addAll(List.of("--input2", y.toString()));
        }
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        NpyArray result = Npz.read(out).get("out");
        try (NDManager manager = NDManager.newBaseManager()) {
            assertNull(BlockVectors.mismatch(result.toNDArray(manager), v.out(), RTOL, ATOL));
        }
    }

    /**
     * timm's EcaModule without {@code channels} (and without {@code kernel_size}) keeps kernel 3;
     * with it the kernel is adaptive (5 at C=128). A config that names neither leaves the kernel
     * to the weights.
     */
    @Test
    void blockcheckTakesTheEcaKernelFromTheWeightsWhenTheConfigLeavesItOpen(@TempDir Path dir) throws Exception {
        BlockVectors.Vector v = BlockVectors.load(BlockVectors.dir().resolve("eca_timm_c128_b2_3x5.npz"));
        Path x = dir.resolve("x.npz");
        Npz.write(x, Map.of("x", v.x()));
        for (int k : new int[] {5, 3}) {
            Map<String, NpyArray> w = new LinkedHashMap<>(v.weights());
            if (k == 3) {
                w.put("conv.weight", NpyArray.ofFloats(new long[] {1, 1, 3}, new float[] {0.2f, 1f, -0.3f}));
            }
            Path weights = dir.resolve("w" + k + ".npz");
            Npz.write(weights, w);
            Path out = dir.resolve("out" + k + ".npz");
            assertEquals(
                    0,
                    Main.run(
                            "blockcheck", "--block", "eca", "--config", "{\"ref\":\"timm\"}",
                            "--weights", weights.toString(), "--input", x.toString(), "--out", out.toString()));
            if (k == 5) {
                try (NDManager manager = NDManager.newBaseManager()) {
                    assertNull(BlockVectors.mismatch(Npz.read(out).get("out").toNDArray(manager), v.out(), RTOL, ATOL));
                }
            }
        }
    }

    @Test
    void everyRegisteredBlockHasVectorsOnSeveralShapes() {
        Map<String, Set<String>> shapes = new LinkedHashMap<>();
        for (BlockVectors.Vector v : vectors()) {
            shapes.computeIfAbsent(v.block(), k -> new TreeSet<>()).add(new Shape(v.x().shape()).toString());
        }
        for (String name : Attentions.names()) {
            assertTrue(shapes.containsKey(name), "no vectors for " + name);
            assertTrue(shapes.get(name).size() >= 2, "fewer than 2 shapes for " + name + ": " + shapes.get(name));
        }
    }
}
