package io.attnspark.distributed;

import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a run at the first executor that dies in native code while running one of its tasks,
 * instead of letting Spark retry the task on the other executors (a native fault is deterministic:
 * it would kill each one in turn), and turns the failed job into a {@link NativeCrashException}.
 *
 * <p>Open it around a run on the thread that runs the run's jobs: it tags those jobs with a tag of
 * its own (job tags nest, unlike job groups, so a caller's group or FAIR pool stays as it was, and
 * runs side by side each have their own), watches their tasks, and cancels the tagged jobs when
 * one of their executors dies with {@link ExecutorExitCodes#NATIVE_CRASH}. Every other executor
 * loss (kill -9 = 137, preemption, decommissioning, a lost connection without an exit code) is left
 * to Spark's retries as before.
 */
public final class NativeCrashGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NativeCrashGuard.class);

    private final SparkContext sc;
    private final RunIdentity run;
    private final String tag;
    private final ExecutorCrashListener listener;

    private NativeCrashGuard(SparkContext sc, RunIdentity run) {
        this.sc = sc;
        this.run = run;
        this.tag = "attnspark-run-" + UUID.randomUUID();
        this.listener = new ExecutorCrashListener(tag, this::stop);
        sc.addSparkListener(listener);
        sc.addJobTag(tag);
    }

    /**
     * Starts guarding the jobs this thread submits until {@link #close()}.
     *
     * @param sc the Spark context
     * @param run what runs, for the error message
     * @return the guard
     */
    public static NativeCrashGuard open(SparkContext sc, RunIdentity run) {
        return new NativeCrashGuard(sc, run);
    }

    /**
     * Runs Spark jobs of the run.
     *
     * @param stage what they are, for the error message, e.g. {@code round 3}
     * @param jobs submits the jobs and returns their result
     * @param <T> the result type
     * @return the result
     * @throws NativeCrashException if an executor running one of the run's tasks died in native code
     *     (now or earlier in the run)
     */
    public <T> T call(String stage, Supplier<T> jobs) {
        throwIfCrashed(stage, null);
        T result;
        try {
            result = jobs.get();
        } catch (Exception | Error e) { // Spark's SparkException is checked in Java's eyes
            throwIfCrashed(stage, e);
            throw e;
        }
        // The failed task may have been retried elsewhere and finished before the cancellation.
        throwIfCrashed(stage, null);
        return result;
    }

    private void throwIfCrashed(String stage, Throwable failure) {
        LostExecutor crashed = listener.crashed();
        if (crashed != null) {
            throw new NativeCrashException(run, stage, crashed, sc.applicationId(), failure);
        }
    }

    /** Called on Spark's listener thread: cancel before the lost task's retry reaches another executor. */
    private void stop(LostExecutor executor) {
        String reason = String.format(Locale.ROOT,
                "executor %s on %s died in native code (exit code %d) while running %s: not retrying it elsewhere",
                executor.executorId(), executor.host(), executor.exitCode(), run.run());
        LOG.error(reason);
        sc.cancelJobsWithTag(tag, reason);
    }

    /** Stops tagging this thread's jobs and watching their tasks. */
    @Override
    public void close() {
        sc.removeJobTag(tag);
        sc.removeSparkListener(listener);
    }
}
