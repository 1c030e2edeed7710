package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The message names the run, its model and input, where it stopped, and where the crash report is. */
class NativeCrashExceptionTest {

    private static final RunIdentity RUN = new RunIdentity("run 20261112-101500-1a2b3c4d",
            "resnet-cifar-20+se (variant se-r8)", 1, 28, 28, "32 per replica");

    @Test
    void namesEverythingNeededToFindTheCrash() {
        IllegalStateException cancelled = new IllegalStateException("Job 7 cancelled");
        LostExecutor executor = new LostExecutor("1", "10.0.0.7", 134, "Command exited with code 134");
        NativeCrashException e = new NativeCrashException(RUN, "round 4/10", executor, "app-20261112101500-0003",
                cancelled);
        String m = e.getMessage();
        for (String expected : new String[] {"run 20261112-101500-1a2b3c4d", "resnet-cifar-20+se (variant se-r8)",
            "input 1x28x28", "batch 32 per replica", "round 4/10", "executor 1 on 10.0.0.7", "exited with code 134",
            "died in native code (libtorch/oneDNN)", "hs_err_pid<PID>.log", "<worker work dir>/app-20261112101500-0003/1/",
            "Spark application app-20261112101500-0003", "Command exited with code 134"}) {
            assertTrue(m.contains(expected), "missing '" + expected + "' in: " + m);
        }
        assertFalse(m.contains("\n"), "one paragraph: " + m);
        assertSame(cancelled, e.getCause());
    }

    @Test
    void keepsALongMultiLineReasonToOneShortLine() {
        String k8s = "\nThe executor with id 3 exited with exit code 134(unexpected).\n" + "x".repeat(2000);
        NativeCrashException e = new NativeCrashException(RUN, "round 1/10", new LostExecutor("3", "pod-3", 134, k8s),
                "spark-0123", null);
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().length() < 1200, e.getMessage());
        assertTrue(e.getMessage().contains("The executor with id 3 exited with exit code 134(unexpected)."));
    }
}
