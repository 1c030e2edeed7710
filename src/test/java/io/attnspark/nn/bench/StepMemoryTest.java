package io.attnspark.nn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StepMemoryTest {

    @Test
    void readsLibtorchsMemoryAmounts() {
        assertEquals(4L << 20, StepMemory.bytes("4.00 Mb"));
        assertEquals(-1536, StepMemory.bytes("-1.50 Kb"));
        assertEquals(12, StepMemory.bytes("12 b"));
        assertEquals(2L << 30, StepMemory.bytes("2.00 Gb"));
        assertThrows(IllegalArgumentException.class, () -> StepMemory.bytes("3 Tb"));
    }

    @Test
    void thePeakIsTheLargestRunningSumOfTopLevelOps() throws Exception {
        // a (4 MiB, with a 4 MiB child counted once), b frees 3 MiB, c adds 2 MiB: running 4, 1, 3
        String trace = """
                [
                  {"name": "a", "ts": 0, "dur": 10, "tid": 1, "cpu mem": "4.00 Mb"},
                  {"name": "a.child", "ts": 1, "dur": 5, "tid": 1, "cpu mem": "4.00 Mb"},
                  {"name": "b", "ts": 20, "dur": 5, "tid": 1, "cpu mem": "-3.00 Mb"},
                  {"name": "c", "ts": 30, "dur": 5, "tid": 1, "cpu mem": "2.00 Mb"},
                  {"name": "no memory", "ts": 40, "dur": 5, "tid": 1}
                ]""";
        assertEquals(4L << 20, StepMemory.peakOf(new ObjectMapper().readTree(trace)));
        assertThrows(IllegalStateException.class, () -> StepMemory.peakOf(new ObjectMapper().readTree("[]")));
    }

    @Test
    void countsWhatAStepAllocates() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long small = StepMemory.peakAllocated(() -> manager.ones(new Shape(1 << 10)).sum());
            long large = StepMemory.peakAllocated(() -> manager.ones(new Shape(1 << 20)).add(1).sum());
            assertTrue(small < (1 << 20), "small: " + small);
            // ones and its sum-plus-one: two 4 MiB arrays alive until the caller frees them
            assertTrue(large >= 8L << 20 && large < 9L << 20, "large: " + large);
        }
    }
}
