package io.attnspark.distributed;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an executor's exit code from the loss reason Spark reports for it, and tells which exit
 * codes mean that the executor JVM died in native code.
 *
 * <p>Spark's cluster managers phrase the reason differently: standalone "Command exited with code
 * 134" (deploy/worker/ExecutorRunner), YARN "Container from a bad node: ... Exit status: 134.
 * ..." or "Container marked as failed: ... Exit status: 134. ..." (deploy/yarn/YarnAllocator),
 * Kubernetes "The executor with id 3 exited with exit code 134(unexpected)."
 * (k8s/ExecutorPodsLifecycleManager). A reason without a code (a lost RPC connection, a deleted
 * pod, decommissioning) has none.
 */
public final class ExecutorExitCodes {

    /**
     * What a JVM exits with after HotSpot's fatal-error handler (a SIGSEGV, SIGFPE, SIGILL or SIGBUS
     * in native code: it writes {@code hs_err_pid<PID>.log} and calls {@code abort()}, SIGABRT = 128 + 6).
     */
    public static final int NATIVE_CRASH = 134;

    // "exit code 134", "exited with code 134", "Exit status: 134", "exitCode=134", "Exit code is 134".
    private static final Pattern EXIT_CODE =
            Pattern.compile("(?i)\\bexit(?:ed with)?[ _]?(?:status|code)(?:\\s+is)?\\s*[:=]?\\s*(-?\\d{1,4})\\b");

    private ExecutorExitCodes() {}

    /**
     * Finds the exit code in a loss reason.
     *
     * @param reason Spark's text for an executor loss, may be null
     * @return the first exit code it names, or empty
     */
    public static OptionalInt parse(String reason) {
        if (reason == null) {
            return OptionalInt.empty();
        }
        Matcher m = EXIT_CODE.matcher(reason);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /**
     * Tells whether an executor that exited with this code died in native code.
     *
     * @param exitCode the executor process's exit code
     * @return true for {@link #NATIVE_CRASH}
     */
    public static boolean isNativeCrash(int exitCode) {
        return exitCode == NATIVE_CRASH;
    }
}
