package io.attnspark.nn.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensor memory libtorch allocates on the CPU during a piece of work (a training step:
 * activations, gradients, temporaries), read from its profiler. Unlike the process's resident set
 * ({@link PeakMemory}), it does not depend on how glibc reuses freed pages (with the recommended
 * {@code GLIBC_TUNABLES} freed tensor memory stays in the heap and a later variant's peak hides in
 * it), so variants and precisions measured one after another in one JVM compare.
 *
 * <p>DJL's profiler is libtorch's legacy one: each op reports the memory it allocated net of what it
 * freed ({@code "cpu mem"}). The peak is the largest running sum of the top-level ops' amounts in
 * time order. Memory freed outside any op (DJL frees a step's intermediate arrays when the step's
 * manager closes, after the step) is not seen, which is right for a step: its intermediates are all
 * alive until it ends. Memory allocated before the work (parameters, momentum) is not counted.
 */
public final class StepMemory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StepMemory() {}

    /**
     * Runs the work under libtorch's profiler with memory profiling and returns the peak of what its
     * ops had allocated.
     *
     * @param work the work, e.g. one training step
     * @return peak bytes
     */
    public static long peakAllocated(Runnable work) {
        Path trace;
        try {
            trace = Files.createTempFile("attnspark-step-memory", ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            JniUtils.startProfile(false, false, true);
            try {
                work.run();
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            return peakOf(JSON.readTree(trace.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read libtorch's profile " + trace, e);
        } finally {
            try {
                Files.deleteIfExists(trace);
            } catch (IOException e) {
                // a temporary file left behind is harmless
            }
        }
    }

    /** One profiled op: when it ran, on which thread, and its net allocation. */
    private record Op(double start, double end, String thread, long bytes) {}

    /**
     * The largest running sum of the top-level ops' net allocations in a legacy Chrome trace.
     *
     * @param trace the trace (the event array, or an object with {@code traceEvents})
     * @return bytes, at least 0
     * @throws IllegalStateException if no op reports memory (memory profiling was off)
     */
    static long peakOf(JsonNode trace) {
        JsonNode events = trace.isArray() ? trace : trace.path("traceEvents");
        List<Op> ops = new ArrayList<>();
        for (JsonNode e : events) {
            if (e.has("cpu mem") && e.has("ts")) {
                double start = e.path("ts").asDouble();
                ops.add(new Op(start, start + e.path("dur").asDouble(), e.path("tid").asText(),
                        bytes(e.path("cpu mem").asText())));
            }
        }
        if (ops.isEmpty()) {
            throw new IllegalStateException("libtorch's profile reports no memory (\"cpu mem\") for any op");
        }
        // outer ops first when two start together, so that an op's children are skipped
        ops.sort(Comparator.comparingDouble(Op::start).thenComparing(Comparator.comparingDouble(Op::end).reversed()));
        Map<String, Double> openUntil = new HashMap<>();
        long total = 0;
        long peak = 0;
        for (Op op : ops) {
            if (op.start() < openUntil.getOrDefault(op.thread(), Double.NEGATIVE_INFINITY)) {
                continue; // inside a top-level op of its thread: already counted there
            }
            openUntil.put(op.thread(), op.end());
            total += op.bytes();
            peak = Math.max(peak, total);
        }
        return peak;
    }

    /** libtorch's memory format: {@code "4.00 Mb"}, {@code "-1.50 Kb"}, {@code "12 b"} (powers of 1024). */
    static long bytes(String text) {
        String[] parts = text.trim().split("\\s+");
        double value = Double.parseDouble(parts[0]);
        String unit = parts.length > 1 ? parts[1] : "b";
        double scale = switch (unit) {
            case "b" -> 1;
            case "Kb" -> 1024;
            case "Mb" -> 1024.0 * 1024;
            case "Gb" -> 1024.0 * 1024 * 1024;
            default -> throw new IllegalArgumentException("unknown memory unit in '" + text + "'");
        };
        return Math.round(value * scale);
    }
}
