package io.attnspark.cli;

import io.attnspark.data.BadInputException;
import io.attnspark.distributed.NativeCrashException;
import picocli.CommandLine;

/**
 * Prints errors caused by the user's input (bad data, bad config) as one clear line instead of a
 * stack trace, and so a native crash of an executor (whose cause is in the executor's crash report,
 * not in a driver stack trace); anything else is a bug and keeps its stack trace.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {

    /** Exit code for bad input or configuration. */
    static final int BAD_INPUT = 2;

    /** Exit code when an executor JVM died in native code (libtorch/oneDNN) and the run was stopped. */
    static final int NATIVE_CRASH = 3;

    /** {@inheritDoc} */
    @Override
    public int handleExecutionException(
            Exception ex, CommandLine cli, CommandLine.ParseResult parseResult) {
        NativeCrashException crash = nativeCrash(ex);
        if (crash != null) {
            cli.getErr().println("attnspark: error: " + crash.getMessage());
            return NATIVE_CRASH;
        }
        Throwable cause = userError(ex);
        if (cause != null) {
            cli.getErr().println("attnspark: error: " + cause.getMessage());
            return BAD_INPUT;
        }
        throw new RuntimeException(ex);
    }

    private static NativeCrashException nativeCrash(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof NativeCrashException crash) {
                return crash;
            }
        }
        return null;
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
