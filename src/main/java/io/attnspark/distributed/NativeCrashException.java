package io.attnspark.distributed;

import java.util.Locale;

/**
 * A run stopped because an executor JVM died in native code (libtorch, oneDNN) while running one of
 * its tasks. Such a fault is deterministic: Spark would retry the task on the next executor and
 * lose that one too, so the run is stopped at the first one, and this exception says which work
 * died, where, and where the crash report is.
 */
public final class NativeCrashException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final RunIdentity run;
    private final LostExecutor executor;
    private final String stage;
    private final String applicationId;

    /**
     * Creates the exception.
     *
     * @param run the run whose task the executor ran
     * @param stage what the run was doing, e.g. {@code round 3}
     * @param executor the executor that died
     * @param applicationId Spark's application id
     * @param cause the failure the driver saw (the cancelled job), may be null
     */
    public NativeCrashException(
            RunIdentity run, String stage, LostExecutor executor, String applicationId, Throwable cause) {
        super(message(run, stage, executor, applicationId), cause);
        this.run = run;
        this.stage = stage;
        this.executor = executor;
        this.applicationId = applicationId;
    }

    private static String message(RunIdentity run, String stage, LostExecutor executor, String applicationId) {
        return String.format(Locale.ROOT,
                "%s (model %s, input %s, batch %s) stopped in %s: executor %s on %s exited with code %d: its JVM"
                        + " died in native code (libtorch/oneDNN). Such a fault recurs on every executor that runs the"
                        + " same work, so the job was stopped instead of retried elsewhere. The crash report is"
                        + " hs_err_pid<PID>.log in that executor's working directory (standalone: <worker work"
                        + " dir>/%s/%s/, next to its stderr; the executor's stdout names the file)."
                        + " Spark application %s; Spark's reason: %s",
                run.run(), run.model(), run.inputShape(), run.batch(), stage, executor.executorId(), executor.host(),
                executor.exitCode(), applicationId, executor.executorId(), applicationId,
                brief(executor.sparkReason()));
    }

    /** Kubernetes' reason lists every container's status over many lines: one line, and not all of it. */
    private static String brief(String reason) {
        String line = reason.strip().replaceAll("\\s+", " ");
        return line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }

    /**
     * Returns the run that was stopped.
     *
     * @return the run
     */
    public RunIdentity run() {
        return run;
    }

    /**
     * Returns what the run was doing when the executor died.
     *
     * @return e.g. {@code round 3}
     */
    public String stage() {
        return stage;
    }

    /**
     * Returns the executor that died.
     *
     * @return the executor
     */
    public LostExecutor executor() {
        return executor;
    }

    /**
     * Returns Spark's application id.
     *
     * @return the application id
     */
    public String applicationId() {
        return applicationId;
    }
}
