package io.attnspark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ingest} command: turns a dataset into a Parquet image table, one subcommand per source format. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = "Write a dataset as a Parquet image table (id, label, image bytes, split, height, width,"
                + " channels; class names as metadata on label).",
        subcommands = {IngestFashionMnistCommand.class, IngestIdxCommand.class, IngestFolderCommand.class})
public final class IngestCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Prints the usage: a source format must be chosen. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
