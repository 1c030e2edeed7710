package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.Device;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.Precision;
import io.attnspark.train.Replica;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-executor replica pool with concurrent runs: one owner's replicas only, dropped when it ends. */
class ReplicaPoolTest {

    private static final ModelSpec SPEC = new ModelSpec(new Architecture("resnet-cifar", 8, "none"),
            new ModelSpec.Input(1, 12, 12, List.of("a", "b", "c"), new float[] {0.5f}, new float[] {0.25f}));

    @Test
    void runsOfTheSameModelNeverShareAReplicaAndEndedRunsAreClosed() {
        Device cpu = Device.cpu();
        ReplicaPool.Claim a = new ReplicaPool.Claim(SPEC, Precision.FLOAT32, "run-a", Set.of("run-a", "run-b"));
        ReplicaPool.Claim b = new ReplicaPool.Claim(SPEC, Precision.FLOAT32, "run-b", Set.of("run-a", "run-b"));
        Replica ofA = ReplicaPool.borrow(a, cpu);
        ReplicaPool.release(a, ofA, cpu);
        Replica ofB = ReplicaPool.borrow(b, cpu);
        assertNotSame(ofA, ofB, "run b builds its own replica of the same model");
        ReplicaPool.release(b, ofB, cpu);
        assertSame(ofA, ReplicaPool.borrow(a, cpu), "run a gets its own replica back");
        ReplicaPool.release(a, ofA, cpu);
        assertEquals(Set.of("run-a", "run-b"), ReplicaPool.idleOwners());

        // Run a has ended on the driver: the next task (of run b) closes a's idle replica.
        ReplicaPool.Claim bAlone = new ReplicaPool.Claim(SPEC, Precision.FLOAT32, "run-b", Set.of("run-b"));
        Replica again = ReplicaPool.borrow(bAlone, cpu);
        assertSame(ofB, again);
        assertEquals(Set.of(), ReplicaPool.idleOwners(), "nothing idle: a's closed, b's borrowed");
        ReplicaPool.release(bAlone, again, cpu);

        ReplicaPool.borrow(new ReplicaPool.Claim(SPEC, Precision.FLOAT32, "run-c", Set.of("run-c")), cpu).close();
        assertEquals(0, ReplicaPool.idle(), "b ended too: its replica is closed");
    }

    @Test
    void replicasOfAnotherPrecisionAreNeverSharedAndComputeInTheirOwn() {
        Device cpu = Device.cpu();
        ReplicaPool.Claim f32 = new ReplicaPool.Claim(SPEC, Precision.FLOAT32, "run-p", Set.of("run-p"));
        ReplicaPool.Claim bf16 = new ReplicaPool.Claim(SPEC, Precision.BFLOAT16, "run-p", Set.of("run-p"));
        Replica a = ReplicaPool.borrow(f32, cpu);
        assertEquals(Precision.FLOAT32, a.precision());
        ReplicaPool.release(f32, a, cpu);
        Replica b = ReplicaPool.borrow(bf16, cpu);
        assertNotSame(a, b, "a bfloat16 claim never gets the float32 replica");
        assertEquals(Precision.BFLOAT16.on(cpu), b.precision(), "bfloat16 where the CPU has it, else float32");
        ReplicaPool.release(bf16, b, cpu);
        assertSame(b, ReplicaPool.borrow(bf16, cpu));
        ReplicaPool.release(bf16, b, cpu);

        ReplicaPool.borrow(new ReplicaPool.Claim(SPEC, Precision.FLOAT32, "run-q", Set.of("run-q")), cpu).close();
        assertEquals(0, ReplicaPool.idle(), "run-p ended: both its replicas are closed");
    }
}
