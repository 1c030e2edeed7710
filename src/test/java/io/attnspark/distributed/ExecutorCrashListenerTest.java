package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Only the watched run's tasks count, and only an executor that died in native code stops the run. */
class ExecutorCrashListenerTest {

    private static Properties tags(String tags) {
        Properties p = new Properties();
        p.setProperty("spark.job.tags", tags);
        return p;
    }

    @Test
    void reportsTheFirstNativeCrashOfItsOwnTasksOnce() {
        List<LostExecutor> reported = new ArrayList<>();
        ExecutorCrashListener listener = new ExecutorCrashListener("attnspark-run-a", reported::add);
        listener.jobStarted(tags("cell-7,attnspark-run-a"), List.of(3, 4));
        listener.jobStarted(tags("attnspark-run-b"), List.of(5));
        listener.jobStarted(null, List.of(6));

        listener.taskLost(4, 11, "0", "h0", "Command exited with code 137");
        listener.taskLost(5, 12, "1", "h1", "Command exited with code 134");
        listener.taskLost(6, 13, "1", "h1", "Command exited with code 134");
        listener.taskLost(3, 14, "0", "h0", "Remote RPC client disassociated. Likely due to containers exceeding"
                + " thresholds, or network issues. Check driver logs for WARN messages.");
        assertNull(listener.crashed(), "kill -9, another run's task, an untagged job, no exit code: Spark retries");
        assertEquals(List.of(), reported);

        listener.taskLost(4, 15, "2", "h2", "Command exited with code 134");
        listener.taskLost(3, 16, "3", "h3", "Command exited with code 134");
        assertEquals(List.of(new LostExecutor("2", "h2", 134, "Command exited with code 134")), reported);
        assertEquals(reported.get(0), listener.crashed());
    }
}
