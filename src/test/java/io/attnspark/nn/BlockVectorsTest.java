package io.attnspark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
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
