package io.attnspark.ablation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.attnspark.distributed.LostExecutor;
import io.attnspark.distributed.NativeCrashException;
import io.attnspark.distributed.RunIdentity;
import org.junit.jupiter.api.Test;

/** What a failed cell's row in the failures and cells tables says. */
class AblationRunnerTest {

    @Test
    void aFailedCellKeepsTheInnermostMessage() {
        RuntimeException e = new RuntimeException("outer", new IllegalStateException("inner",
                new ArithmeticException("loss is NaN at shard 1, step 7")));
        assertEquals("ArithmeticException: loss is NaN at shard 1, step 7", AblationRunner.describe(e));
    }

    @Test
    void aNativeCrashKeepsItsOwnMessageNotTheCancelledJobs() {
        NativeCrashException crash = new NativeCrashException(
                new RunIdentity("run se-seed1-ab12", "resnet-cifar-20+se (variant se)", 1, 28, 28, "32 per replica"),
                "round 3/10", new LostExecutor("0", "h0", 134, "Command exited with code 134"), "app-7",
                new IllegalStateException("Job 12 cancelled: executor 0 on h0 died in native code"));
        assertEquals("NativeCrashException: " + crash.getMessage(),
                AblationRunner.describe(new RuntimeException("cell failed", crash)));
    }
}
