package io.attnspark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weight import and bad input: errors that name the parameter, the option or the shape. */
class StateDictTest {

    private static BlockVectors.Vector cbam() {
        return BlockVectors.load(BlockVectors.dir().resolve("cbam_official_c32_r8_b2_7x5.npz"));
    }

    @Test
    void missingWeightIsNamed() {
        BlockVectors.Vector v = cbam();
        Map<String, NpyArray> w = new LinkedHashMap<>(v.weights());
        w.remove("ChannelGate.mlp.3.bias");
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionBlock block = Attentions.create("cbam", 32, v.options());
            WeightImportException e =
                    assertThrows(WeightImportException.class, () -> StateDict.load(block, w, manager));
            assertTrue(e.getMessage().contains("missing: ChannelGate.mlp.3.bias"), e.getMessage());
        }
    }

    @Test
    void extraWeightIsNamed() {
        BlockVectors.Vector v = cbam();
        Map<String, NpyArray> w = new LinkedHashMap<>(v.weights());
        w.put("ChannelGate.mlp.5.weight", w.get("ChannelGate.mlp.3.weight"));
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionBlock block = Attentions.create("cbam", 32, v.options());
            WeightImportException e =
                    assertThrows(WeightImportException.class, () -> StateDict.load(block, w, manager));
            assertTrue(e.getMessage().contains("unexpected: ChannelGate.mlp.5.weight"), e.getMessage());
        }
    }

    @Test
    void wrongShapeIsNamedWithBothShapes() {
        BlockVectors.Vector v = cbam();
        Map<String, NpyArray> w = new LinkedHashMap<>(v.weights());
        NpyArray conv = w.get("SpatialGate.spatial.conv.weight");
        w.put("SpatialGate.spatial.conv.weight", new NpyArray("<f4", new long[] {1, 2, 49}, conv.values()));
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionBlock block = Attentions.create("cbam", 32, v.options());
            WeightImportException e =
                    assertThrows(WeightImportException.class, () -> StateDict.load(block, w, manager));
            assertTrue(
                    e.getMessage().contains("SpatialGate.spatial.conv.weight (expected (1, 2, 7, 7), got (1, 2, 49))"),
                    e.getMessage());
        }
    }

    @Test
    void timmWeightsDoNotLoadIntoTheOfficialVariant() {
        BlockVectors.Vector timm = BlockVectors.load(BlockVectors.dir().resolve("cbam_timm_c32_b2_7x5.npz"));
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionBlock block = Attentions.create("cbam", 32, AttentionOptions.defaults());
            WeightImportException e =
                    assertThrows(
                            WeightImportException.class, () -> StateDict.load(block, timm.weights(), manager));
            assertTrue(e.getMessage().contains("unexpected: channel.fc1.weight"), e.getMessage());
        }
    }

    @Test
    void wrongChannelCountIsNamed() {
        BlockVectors.Vector v = cbam();
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionBlock block = v.build(manager);
            NDList in = new NDList(manager.zeros(new Shape(2, 16, 7, 5)));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> block.forward(new ParameterStore(manager, false), in, false));
            assertTrue(e.getMessage().contains("32 channels") && e.getMessage().contains("(2, 16, 7, 5)"), e.getMessage());
        }
    }

    @Test
    void exportRoundTrips() {
        BlockVectors.Vector v = cbam();
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionBlock block = v.build(manager);
            Map<String, NpyArray> out = StateDict.export(block);
            for (Map.Entry<String, NpyArray> e : out.entrySet()) {
                NpyArray ref = v.weights().get(e.getKey());
                for (int i = 0; i < ref.values().length; i++) {
                    assertEquals(ref.values()[i], e.getValue().values()[i], 0.0, e.getKey());
                }
            }
        }
    }


}
