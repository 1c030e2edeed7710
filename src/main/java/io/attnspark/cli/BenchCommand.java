package io.attnspark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code attnspark bench}: the benchmarks whose numbers go to BENCHMARKS.md. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks (run them on a quiet machine; they print Markdown tables).",
        subcommands = {BenchTrainCommand.class, BenchBlocksCommand.class, BenchAttentionCommand.class,
            BenchSyncCommand.class, BenchRoundsCommand.class, BenchScoreCommand.class, BenchDecodeCommand.class,
            BenchIngestCommand.class, BenchInputCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
