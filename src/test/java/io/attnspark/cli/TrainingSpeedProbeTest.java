package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingSpeedProbeTest {

    private static final ModelSpec SPEC = new ModelSpec(new Architecture("resnet-cifar", 8, "se"),
            new ModelSpec.Input(1, 6, 6, List.of("a", "b", "c"), new float[] {0.5f}, new float[] {0.25f}));

    @Test
    void measuresOneOrSeveralReplicasAtOnce() {
        for (int replicas : new int[] {1, 2}) {
            double rate = TrainingSpeedProbe.imagesPerSecond(SPEC, 4, replicas, 1);
            assertTrue(Double.isFinite(rate) && rate > 0, replicas + " replica(s): " + rate);
        }
    }

    @Test
    void aReplicasErrorReachesTheCallerUnwrapped() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingSpeedProbe.imagesPerSecond(SPEC, 4, 2, 0));
        assertEquals("intra-op threads must be at least 1, got 0", e.getMessage());
    }

    @Test
    void noReplicasIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingSpeedProbe.imagesPerSecond(SPEC, 4, 0, 1));
        assertEquals("replicas must be at least 1, got 0", e.getMessage());
    }
}
