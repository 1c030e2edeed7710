package io.attnspark.cli;

import io.attnspark.train.TorchRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code attnspark} command: one root with a subcommand per job kind. */
@Command(
        name = "attnspark",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Distributed training and ablation of attention-augmented CNNs on Apache Spark.",
        subcommands = {IngestCommand.class, GenerateCommand.class, TrainCommand.class, AblateCommand.class, ReportCommand.class,
            ScoreCommand.class, BenchCommand.class, BlockcheckCommand.class, ModelsCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Prints the usage: the root command does nothing by itself. */
    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting, for tests and embedding.
     *
     * @param args the arguments
     * @return the exit code
     */
    public static int run(String... args) {
        // Before any DJL class loads: never download an engine or a model at run time.
        TorchRuntime.forbidDownloads();
        BadInputLogFilter.install();
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        return cli.execute(args);
    }
}
