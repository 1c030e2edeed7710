package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.attnspark.distributed.LostExecutor;
import io.attnspark.distributed.NativeCrashException;
import io.attnspark.distributed.RunIdentity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** A native crash reaches the user as one error line and its own exit code, without a stack trace. */
class UserErrorHandlerTest {

    static final NativeCrashException CRASH = new NativeCrashException(
            new RunIdentity("run r1", "resnet-cifar-20 (variant baseline)", 1, 28, 28, "32 per replica"),
            "round 2/10", new LostExecutor("1", "h1", 134, "Command exited with code 134"), "app-1",
            new IllegalStateException("Job 3 cancelled"));

    /** Fails as a job would: the crash wrapped once more on its way up. */
    @Command(name = "crashing")
    static final class Crashing implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("wrapped", CRASH);
        }
    }

    @Test
    void printsANativeCrashAsOneErrorLine() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Crashing());
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute();
        assertEquals(UserErrorHandler.NATIVE_CRASH, code);
        assertEquals("attnspark: error: " + CRASH.getMessage() + System.lineSeparator(), err.toString());
    }
}
