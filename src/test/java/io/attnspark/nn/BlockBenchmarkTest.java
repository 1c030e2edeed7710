package io.attnspark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import io.attnspark.nn.bench.BlockBenchmark;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark runs and tabulates (tiny sizes; no numbers are checked). */
class BlockBenchmarkTest {

    @Test
    void measuresAgainstTheBaseline() {
        BlockBenchmark bench = new BlockBenchmark(0, 1);
        Shape shape = new Shape(2, 16, 6, 5);
        List<BlockBenchmark.Result> rows =
                List.of(
                        bench.measure(BlockBenchmark.BASELINE, AttentionOptions.defaults(), shape),
                        bench.measure("se", AttentionOptions.defaults(), shape),
                        bench.measure("iaff", AttentionOptions.defaults().with("channels", 16), shape));
        assertTrue(rows.stream().allMatch(r -> r.millisPerStep() > 0));
        String table = BlockBenchmark.markdown(rows);
        assertEquals(5, table.split("\n").length, table);
        List<BlockBenchmark.Result> scaling = bench.scaling(16, 1, 4, 8);
        assertEquals(6, scaling.size());
        assertTrue(BlockBenchmark.growth(scaling).startsWith("a2: time x"));
    }
}
