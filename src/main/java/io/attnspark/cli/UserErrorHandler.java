package io.attnspark.cli;

import io.attnspark.data.BadInputException;
import picocli.CommandLine;

/**
 * Prints errors caused by the user's input (bad data, bad config) as one clear line instead of a
 * stack trace; anything else is a bug and keeps its stack trace.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {

    /** Exit code for bad input or configuration. */
    static final int BAD_INPUT = 2;

    /** {@inheritDoc} */
    @Override
    public int handleExecutionException(
            Exception ex, CommandLine cli, CommandLine.ParseResult parseResult) {
        Throwable cause = userError(ex);
        if (cause != null) {
            cli.getErr().println("attnspark: error: " + cause.getMessage());
            return BAD_INPUT;
        }
        throw new RuntimeException(ex);
    }

    private static Throwable userError(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof BadInputException || t instanceof ConfigError) {
                return t;
            }
        }
        return null;
    }
}
