package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.ParameterLayout;
import io.attnspark.train.Replica;
import io.attnspark.train.StepStats;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundAccumulatorTest {

    @Test
    void averagesKnownBuffersWeightedBySamplesExactly() {
        RoundAccumulator a = new RoundAccumulator().add(new float[] {1f, 2f, -4f}, new float[] {8f},
                new StepStats(1, 0.5, 1, 0), 1, 0, 1);
        RoundAccumulator b = new RoundAccumulator().add(new float[] {4f, 8f, 2f}, new float[] {0f},
                new StepStats(3, 1.5, 0, 0), 2, 0, 2);
        RoundAccumulator sum = new RoundAccumulator().merge(a).merge(new RoundAccumulator()).merge(b);
        // (1*1 + 3*4)/4, (1*2 + 3*8)/4, (1*-4 + 3*2)/4; momentum (1*8 + 0)/4
        assertArrayEquals(new float[] {3.25f, 6.5f, 0.5f}, sum.averageParameters());
        assertArrayEquals(new float[] {2f}, sum.averageMomentum());
        assertEquals(4, sum.stats().samples());
        assertEquals(0.5, sum.stats().meanLoss());
        assertEquals(2, sum.replicas());
        assertArrayEquals(new double[] {1, 2}, sum.taskSeconds());
        assertArrayEquals(new float[] {1f, 2f, -4f}, a.averageParameters(), "merging leaves its inputs intact");
    }

    @Test
    void oneReplicasStateComesBackBitForBit() {
        float[] state = {0.1f, (float) Math.PI, -1e-7f, 12345.678f};
        RoundAccumulator one = new RoundAccumulator().merge(new RoundAccumulator()
                .add(state, new float[] {0.3f}, new StepStats(100, 0, 0, 0), 0, 0, 0));
        assertArrayEquals(state, one.averageParameters());
    }

    @Test
    void averagesBatchNormRunningStatisticsWithTheParameters() {
        ModelSpec spec = new ModelSpec(new Architecture("resnet-cifar", 8, "none"),
                new ModelSpec.Input(1, 8, 8, List.of("a", "b"), new float[] {0f}, new float[] {1f}));
        try (Replica replica = Replica.create(spec, Device.cpu())) {
            ParameterLayout layout = replica.layout();
            int runningMean = layout.names().indexOf(
                    layout.names().stream().filter(n -> n.endsWith("runningMean")).findFirst().orElseThrow());
            float[] p1 = new float[layout.size()];
            float[] p2 = new float[layout.size()];
            java.util.Arrays.fill(p1, 1f);
            java.util.Arrays.fill(p2, 3f);
            float[] m = new float[layout.trainableSize()];
            float[] avg = new RoundAccumulator()
                    .add(p1, m, new StepStats(2, 0, 0, 0), 0, 0, 0)
                    .add(p2, m, new StepStats(2, 0, 0, 0), 0, 0, 0)
                    .averageParameters();
            replica.setState(avg, null);
            float[] back = new float[layout.size()];
            replica.getState(back, null);
            int at = layout.offset(runningMean);
            assertEquals(2f, back[at], "BN running mean averaged and loaded");
            assertEquals(2f, back[back.length - 1]);
        }
    }

    @Test
    void refusesToAverageNothing() {
        assertThrows(IllegalStateException.class, () -> new RoundAccumulator().averageParameters());
    }

    @Test
    void reportsWithoutStatesMergeTheirStatisticsAndBytesAndDoNotMixWithStates() {
        RoundAccumulator a = new RoundAccumulator().report(new StepStats(2, 1.0, 1, 0), 3, 0.1, 2).taskBytes(100);
        RoundAccumulator b = new RoundAccumulator().report(new StepStats(6, 3.0, 3, 0), 5, 0.2, 4).taskBytes(300);
        RoundAccumulator sum = new RoundAccumulator().merge(a).merge(new RoundAccumulator()).merge(b);
        assertEquals(8, sum.stats().samples());
        assertEquals(0.5, sum.stats().meanLoss());
        assertEquals(2, sum.replicas());
        assertArrayEquals(new double[] {3, 5}, sum.taskSeconds());
        assertEquals(300, sum.taskBytesMax());
        assertThrows(IllegalStateException.class, sum::averageParameters, "no states were added");
        assertThrows(IllegalStateException.class,
                () -> a.add(new float[] {1f}, new float[] {1f}, new StepStats(1, 0, 0, 0), 0, 0, 0));
        RoundAccumulator withState = new RoundAccumulator().add(new float[] {1f}, new float[] {1f},
                new StepStats(1, 0, 0, 0), 0, 0, 0);
        assertThrows(IllegalStateException.class, () -> withState.report(new StepStats(1, 0, 0, 0), 0, 0, 0));
    }
}
