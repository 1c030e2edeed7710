package io.attnspark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code generate} command: writes synthetic data sets for tests and benchmarks, one subcommand per kind. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Write synthetic data sets for tests and benchmarks.",
        subcommands = {GenerateImageNetLikeCommand.class})
public final class GenerateCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Prints the usage: a kind must be chosen. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
