package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class CifarResNetTest {

    /** Counts the paper's ResNet with projection shortcuts by hand: convs, BN (gamma, beta), classifier. */
    private static long expectedTrainable(int depth, int inChannels, int classes) {
        int n = (depth - 2) / 6;
        long count = 9L * inChannels * 16 + 2 * 16;
        int in = 16;
        for (int width : new int[] {16, 32, 64}) {
            for (int i = 0; i < n; i++) {
                count += 9L * in * width + 2 * width + 9L * width * width + 2 * width;
                if (in != width) {
                    count += (long) in * width + 2 * width;
                }
                in = width;
            }
        }
        return count + 64L * classes + classes;
    }

    @Test
    void resnet20HasThePapersSizeAndShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = CifarResNet.build(20, 10);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            long trainable = net.getParameters().stream()
                    .filter(p -> p.getValue().requiresGradient())
                    .mapToLong(p -> p.getValue().getArray().size())
                    .sum();
            assertEquals(expectedTrainable(20, 3, 10), trainable);
            // He et al. report 0.27M for ResNet-20 (option A shortcuts); projections add ~3k.
            assertTrue(trainable > 270_000 && trainable < 280_000, "ResNet-20 size " + trainable);
            NDArray out = net.forward(new ParameterStore(manager, false),
                    new NDList(manager.randomNormal(new Shape(4, 3, 32, 32))), false).singletonOrThrow();
            assertEquals(new Shape(4, 10), out.getShape());
            assertEquals(new Shape(4, 10), net.getOutputShapes(new Shape[] {new Shape(4, 3, 32, 32)})[0]);
        }
    }

    @Test
    void takesGrayscaleOddSizedInput() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = CifarResNet.build(8, 3);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            NDArray out = net.forward(new ParameterStore(manager, false),
                    new NDList(manager.randomNormal(new Shape(2, 1, 27, 23))), true).singletonOrThrow();
            assertEquals(new Shape(2, 3), out.getShape());
        }
    }

    @Test
    void rejectsDepthsThatAreNot6nPlus2() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CifarResNet.build(18, 10));
        assertTrue(e.getMessage().contains("6n+2") && e.getMessage().contains("18"), e.getMessage());
    }

    @Test
    void specRoundTripsThroughJsonAndRejectsUnknownBackbones() {
        ModelSpec spec = new ModelSpec(new Architecture("resnet-cifar", 20, "none"),
                new ModelSpec.Input(1, 28, 28, List.of("a", "b"), new float[] {0.28f}, new float[] {0.35f}));
        assertEquals(spec, ModelSpec.fromJson(spec.toJson()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ModelSpec(
                new Architecture("vgg", 20, "none"),
                new ModelSpec.Input(1, 28, 28, List.of("a", "b"), new float[] {0f}, new float[] {1f})));
        assertTrue(e.getMessage().contains("vgg") && e.getMessage().contains("resnet-cifar"), e.getMessage());
    }
}
