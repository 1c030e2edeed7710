package io.attnspark.cli;

import ai.djl.ndarray.types.Shape;
import io.attnspark.nn.bench.BlockBenchmark;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attnspark bench blocks}: forward+backward time and peak memory of every attention block as
 * a ratio to a 3x3 conv of the same width, and A² against Non-local over growing spatial sizes.
 */
@Command(name = "blocks", mixinStandardHelpOptions = true,
        description = "Attention blocks vs a 3x3 conv (C=64, 32x32, batch 32), and A2 vs Non-local scaling.")
public final class BenchBlocksCommand implements Callable<Integer> {

    @Option(names = "--warmup", description = "Untimed steps per block (default: ${DEFAULT-VALUE}).")
    int warmup = 2;

    @Option(names = "--steps", description = "Timed steps per block; the median is reported (default: ${DEFAULT-VALUE}).")
    int steps = 7;

    @Option(names = "--scaling-batch", description = "Batch of the A2 / Non-local scaling rows (default: ${DEFAULT-VALUE}).")
    int scalingBatch = 4;

    @Override
    public Integer call() {
        BlockBenchmark bench = new BlockBenchmark(warmup, steps);
        System.out.println("Blocks at C=64, 32x32, batch 32 (training mode, forward+backward, median of " + steps + " steps):\n");
        System.out.println(BlockBenchmark.markdown(bench.allBlocks(new Shape(32, 64, 32, 32))));
        System.out.println("A2 vs Non-local, C=64, batch " + scalingBatch + ":\n");
        List<BlockBenchmark.Result> rows = bench.scaling(64, scalingBatch, 14, 28, 56, 112);
        System.out.println(BlockBenchmark.markdown(rows));
        System.out.println(BlockBenchmark.growth(rows));
        return 0;
    }
}
