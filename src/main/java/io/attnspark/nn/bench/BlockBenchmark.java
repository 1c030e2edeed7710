package io.attnspark.nn.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.attnspark.nn.AttentionBlock;
import io.attnspark.nn.AttentionOptions;
import io.attnspark.nn.Attentions;
import io.attnspark.stats.Medians;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Forward+backward time and memory of the attention blocks, for BENCHMARKS.md: every block at one
 * size as a ratio to a 3x3 conv of the same width measured in the same run, and A² against
 * Non-local over growing spatial sizes.
 *
 * <p>Memory is the growth of the process's peak resident set during the measured steps (Linux:
 * {@code /proc/self/status VmHWM}, reset through {@code /proc/self/clear_refs}), which on CPU is
 * the peak of what libtorch allocates for the step; where that is unavailable it is reported as
 * -1. Run it alone on the machine: other processes do not disturb the memory figure but do the
 * times.
 *
 * <pre>
 * java -cp target/attnspark.jar:target/lib/* io.attnspark.nn.bench.BlockBenchmark [blocks|scaling|all]
 * </pre>
 */
public final class BlockBenchmark {

    /** The name of the 3x3 conv baseline in the result rows. */
    public static final String BASELINE = "conv3x3";


    private final int warmup;
    private final int steps;

    /**
     * One measurement.
     *
     * @param block the registry name, or {@link #BASELINE}
     * @param shape the input shape
     * @param millisPerStep median forward+backward time of one step
     * @param peakBytes peak resident growth during the steps, or -1 if unknown
     */
    public record Result(String block, Shape shape, double millisPerStep, long peakBytes) {}

    /**
     * Creates a benchmark.
     *
     * @param warmup untimed steps first
     * @param steps timed steps
     */
    public BlockBenchmark(int warmup, int steps) {
        if (warmup < 0 || steps < 1) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "need warmup >= 0 and steps >= 1, got %d, %d", warmup, steps));
        }
        this.warmup = warmup;
        this.steps = steps;
    }

    /**
     * Measures one block (or the baseline) in training mode: forward, a sum loss, backward.
     *
     * @param name a registry name or {@link #BASELINE}
     * @param options the block's options
     * @param shape the input shape (NCHW)
     * @return the measurement
     */
    public Result measure(String name, AttentionOptions options, Shape shape) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block;
            int inputs = 1;
            if (BASELINE.equals(name)) {
                block =
                        Conv2d.builder()
                                .setKernelShape(new Shape(3, 3))
                                .optPadding(new Shape(1, 1))
                                .setFilters((int) shape.get(1))
                                .build();
            } else {
                AttentionBlock a = Attentions.create(name, (int) shape.get(1), options);
                inputs = a.getInputCount();
                block = a;
            }
            block.initialize(manager, DataType.FLOAT32, shape);
            NDList in = new NDList();
            for (int i = 0; i < inputs; i++) {
                in.add(manager.randomNormal(shape));
            }
            for (int i = 0; i < warmup; i++) {
                step(manager, block, in);
            }
            long rssBefore = PeakMemory.reset();
            double[] times = new double[steps];
            for (int i = 0; i < steps; i++) {
                long start = System.nanoTime();
                step(manager, block, in);
                times[i] = (System.nanoTime() - start) / 1e6;
            }
            double millis = Medians.of(times); // the median resists the stalls of a noisy machine
            long peak = PeakMemory.growthSince(rssBefore);
            return new Result(name, shape, millis, peak);
        }
    }

    private static void step(NDManager manager, Block block, NDList in) {
        try (NDManager sub = manager.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            // the inputs join the step's manager for the step, so that every intermediate is
            // freed when it closes and the steps do not accumulate memory
            NDList inputs = new NDList();
            for (NDArray a : in) {
                a.tempAttach(sub);
                inputs.add(a);
            }
            NDArray out = block.forward(new ParameterStore(sub, false), inputs, true).head();
            gc.backward(out.sum());
        }
    }

    /**
     * Every registered block and the 3x3 conv baseline at one shape (C=64, 32x32, batch 32 for
     * the BENCHMARKS.md table).
     *
     * @param shape the input shape
     * @return the baseline first, then the blocks in registry order
     */
    public List<Result> allBlocks(Shape shape) {
        List<Result> rows = new ArrayList<>();
        rows.add(measure(BASELINE, AttentionOptions.defaults(), shape));
        for (String name : Attentions.names()) {
            // SplAt replaces a 3x3 conv: pad it like the baseline so that the outputs match
            AttentionOptions options =
                    "splat".equals(name)
                            ? AttentionOptions.of("kernel_size", 3, "padding", 1)
                            : AttentionOptions.defaults();
            rows.add(measure(name, options, shape));
        }
        return rows;
    }

    /**
     * A² against Non-local (and the baseline) over square sizes.
     *
     * @param channels the width (64 for BENCHMARKS.md)
     * @param batch the batch size
     * @param sizes the spatial sizes (14, 28, 56, 112 for BENCHMARKS.md)
     * @return the rows, size-major
     */
    public List<Result> scaling(int channels, int batch, int... sizes) {
        List<Result> rows = new ArrayList<>();
        for (int s : sizes) {
            Shape shape = new Shape(batch, channels, s, s);
            for (String name : List.of(BASELINE, "a2", "nonlocal")) {
                rows.add(measure(name, AttentionOptions.defaults(), shape));
            }
        }
        return rows;
    }

    /**
     * A Markdown table with times and memory as ratios to the baseline row of the same shape.
     *
     * @param rows the results, each shape's baseline among them
     * @return the table
     */
    public static String markdown(List<Result> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| block | input | ms/step (fwd+bwd) | x conv3x3 | peak MB | x conv3x3 |\n");
        sb.append("|---|---|---:|---:|---:|---:|\n");
        for (Result r : rows) {
            Result base =
                    rows.stream()
                            .filter(b -> b.block().equals(BASELINE) && b.shape().equals(r.shape()))
                            .findFirst()
                            .orElse(null);
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %.2f | %s | %s | %s |%n",
                            r.block(),
                            r.shape(),
                            r.millisPerStep(),
                            base == null ? "" : String.format(Locale.ROOT, "%.2f", r.millisPerStep() / base.millisPerStep()),
                            r.peakBytes() < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", r.peakBytes() / 1048576.0),
                            base == null || r.peakBytes() < 0 || base.peakBytes() <= 0
                                    ? ""
                                    : String.format(Locale.ROOT, "%.2f", (double) r.peakBytes() / base.peakBytes())));
        }
        return sb.toString();
    }

    /**
     * Prints the BENCHMARKS.md tables.
     *
     * @param args {@code blocks}, {@code scaling} or {@code all} (default), then optionally the
     *     warm-up and timed step counts (2, 5) and the scaling batch size (4)
     */
    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int scalingBatch = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        BlockBenchmark bench = new BlockBenchmark(warmup, steps);
        if (!"scaling".equals(what)) {
            System.out.println("Blocks at C=64, 32x32, batch 32 (training mode, forward+backward):\n");
            System.out.println(markdown(bench.allBlocks(new Shape(32, 64, 32, 32))));
        }
        if (!"blocks".equals(what)) {
            System.out.println("A2 vs Non-local, C=64, batch " + scalingBatch + ":\n");
            List<Result> rows = bench.scaling(64, scalingBatch, 14, 28, 56, 112);
            System.out.println(markdown(rows));
            System.out.println(growth(rows));
        }
    }

    /**
     * Growth factors of time and memory from each size to the next (HW grows 4x per step).
     *
     * @param rows the output of {@link #scaling}
     * @return one line per block
     */
    public static String growth(List<Result> rows) {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("a2", "nonlocal")) {
            List<Result> r = rows.stream().filter(x -> x.block().equals(name)).toList();
            sb.append(name).append(": time x");
            for (int i = 1; i < r.size(); i++) {
                sb.append(String.format(Locale.ROOT, " %.1f", r.get(i).millisPerStep() / r.get(i - 1).millisPerStep()));
            }
            sb.append(", memory x");
            for (int i = 1; i < r.size(); i++) {
                long prev = r.get(i - 1).peakBytes();
                sb.append(prev > 0 ? String.format(Locale.ROOT, " %.1f", (double) r.get(i).peakBytes() / prev) : " n/a");
            }
            sb.append(" per 4x H*W\n");
        }
        return sb.toString();
    }
}
