package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.attnspark.nn.Attentions;
import io.attnspark.nn.BlockVectors;
import io.attnspark.nn.NpyArray;
import io.attnspark.nn.Npz;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code attnspark blockcheck}: reference outputs from the committed block vectors, and bad input. */
class BlockcheckCommandTest {

    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    static List<BlockVectors.Vector> variants() {
        return BlockVectors.onePerVariant();
    }

    private static BlockVectors.Vector cbam() {
        return BlockVectors.load(BlockVectors.dir().resolve("cbam_official_c32_r8_b2_7x5.npz"));
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
    void blockcheckReportsBadWeightsInOneLineWithExitCode2(@TempDir Path dir) throws Exception {
        BlockVectors.Vector v = cbam();
        Map<String, NpyArray> w = new LinkedHashMap<>(v.weights());
        w.remove("ChannelGate.mlp.1.weight");
        Path weights = dir.resolve("w.npz");
        Path x = dir.resolve("x.npz");
        Npz.write(weights, w);
        Npz.write(x, Map.of("x", v.x()));
        String[] args = {
            "blockcheck", "--block", "cbam", "--config", "{\"gate_channels\":32,\"reduction_ratio\":8}",
            "--weights", weights.toString(), "--input", x.toString(), "--out", dir.resolve("o.npz").toString()
        };
        assertEquals(2, runCapturingErr(args)[0]);
        String[] unknown = args.clone();
        unknown[2] = "cbma";
        Object[] r = runCapturingErr(unknown);
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("unknown attention block 'cbma'"), (String) r[1]);
        String[] badOption = args.clone();
        badOption[4] = "{\"gate_channels\":32,\"reduction\":8}";
        r = runCapturingErr(badOption);
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("unknown option 'reduction'"), (String) r[1]);
        Files.deleteIfExists(dir.resolve("o.npz"));
    }

    private static Object[] runCapturingErr(String[] args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Object[] {code, buf.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(old);
        }
    }
}
