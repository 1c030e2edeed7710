package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The exit code in the loss reasons of Spark 4.2's standalone, YARN and Kubernetes backends. */
class ExecutorExitCodesTest {

    @Test
    void readsTheStandaloneWorkersReason() {
        // deploy/worker/ExecutorRunner: "Command exited with code " + exitCode
        assertEquals(OptionalInt.of(134), ExecutorExitCodes.parse("Command exited with code 134"));
        assertEquals(OptionalInt.of(137), ExecutorExitCodes.parse("Command exited with code 137"));
    }

    @Test
    void readsYarnsReasons() {
        // deploy/yarn/YarnAllocator, with ExecutorExitCode.explainExitCode's text for codes above 128.
        assertEquals(OptionalInt.of(134), ExecutorExitCodes.parse(
                "Container from a bad node: container_1700000000000_0001_01_000002 on host: node7. Exit status: 134."
                        + " Possible causes: Unknown executor exit code (134) (died from signal 6?) Diagnostics:"
                        + " [2026-11-12 10:15:00.000]Exception from container-launch.\nContainer id:"
                        + " container_1700000000000_0001_01_000002\nExit code: 134\n."));
        // The phrasing before SPARK-46920, still common in logs.
        assertEquals(OptionalInt.of(134), ExecutorExitCodes.parse(
                "Container marked as failed: container_1485916338528_0008_05_000005 on host: 10.0.0.14. Exit status:"
                        + " 134. Diagnostics: Exception from container-launch."));
        assertEquals(OptionalInt.of(143), ExecutorExitCodes.parse(
                "Container marked as failed: container_e02_1580812675067_5024_01_000002 on host: n57. Exit status:"
                        + " 143. Diagnostics: [2020-04-07 16:01:58.105]Container killed on request. Exit code is 143"));
    }

    @Test
    void readsKubernetesReason() {
        // k8s/ExecutorPodsLifecycleManager: describeExitCode puts the explanation right after the code.
        assertEquals(OptionalInt.of(134), ExecutorExitCodes.parse(
                "\nThe executor with id 3 exited with exit code 134(unexpected).\nThe API gave the following brief"
                        + " reason: Error\n\nThe API gave the following container statuses:\n\n\t container name:"
                        + " spark-executor\n\t container image: attnspark:cpu\n\t container state: terminated\n\t"
                        + " container started at: 2026-11-12T10:15:00Z\n\t exit code: 134\n"));
        assertEquals(OptionalInt.of(137), ExecutorExitCodes.parse(
                "The executor with id 4 exited with exit code 137(SIGKILL, possible container OOM)."));
        assertEquals(OptionalInt.of(-1), ExecutorExitCodes.parse("The executor with id 5 exited with exit code -1(unexpected)."));
    }

    @Test
    void findsNoCodeWhereThereIsNone() {
        assertEquals(OptionalInt.empty(), ExecutorExitCodes.parse(null));
        assertEquals(OptionalInt.empty(), ExecutorExitCodes.parse(""));
        // Standalone, when the worker's report does not come within executorRemoveDelayOnDisconnection.
        assertEquals(OptionalInt.empty(), ExecutorExitCodes.parse("Remote RPC client disassociated. Likely due to"
                + " containers exceeding thresholds, or network issues. Check driver logs for WARN messages."));
        assertEquals(OptionalInt.empty(), ExecutorExitCodes.parse("Worker shutting down"));
        assertEquals(OptionalInt.empty(), ExecutorExitCodes.parse(
                "Container container_1_0001_01_000002 on host: node7 was preempted."));
        assertEquals(OptionalInt.empty(), ExecutorExitCodes.parse("Container killed by YARN for exceeding physical"
                + " memory limits. 4.5 GB of 4.5 GB physical memory used. Consider boosting"
                + " spark.executor.memoryOverhead."));
        assertEquals(OptionalInt.empty(), ExecutorExitCodes.parse(
                "The executor with id 3 was deleted by a user or the framework."));
        assertEquals(OptionalInt.empty(), ExecutorExitCodes.parse("Executor decommission: worker decommissioned"));
    }

    @Test
    void onlyAnAbortAfterAFatalSignalIsANativeCrash() {
        assertTrue(ExecutorExitCodes.isNativeCrash(134));
        assertFalse(ExecutorExitCodes.isNativeCrash(137), "kill -9, OOM killer, preemption");
        assertFalse(ExecutorExitCodes.isNativeCrash(143), "SIGTERM: stopped on request");
        assertFalse(ExecutorExitCodes.isNativeCrash(52), "Java OutOfMemoryError");
        assertFalse(ExecutorExitCodes.isNativeCrash(1));
    }
}
