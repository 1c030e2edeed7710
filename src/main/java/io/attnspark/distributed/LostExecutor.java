package io.attnspark.distributed;

/**
 * An executor that Spark reported lost while it ran one of a guarded run's tasks.
 *
 * @param executorId Spark's executor id
 * @param host the executor's host
 * @param exitCode the process's exit code, as read from Spark's loss reason
 * @param sparkReason Spark's loss reason, as it was reported
 */
public record LostExecutor(String executorId, String host, int exitCode, String sparkReason) {}
