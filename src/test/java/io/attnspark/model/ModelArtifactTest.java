package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.attnspark.train.Replica;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactTest {

    static final ModelSpec SPEC = new ModelSpec(new Architecture("resnet-cifar", 8, "none"),
            new ModelSpec.Input(1, 12, 12, List.of("a", "b", "c"), new float[] {0.3f}, new float[] {0.2f}));

    private static ParameterLayout layoutOf(ModelSpec spec) {
        try (Replica r = Replica.create(spec, Device.cpu())) {
            return r.layout();
        }
    }

    @Test
    void savedModelPredictsExactlyLikeTheOriginal(@TempDir Path dir) throws Exception {
        float[] params = Replica.initialParameters(SPEC, 7);
        String path = dir.resolve("model").toString();
        new ModelArtifact(SPEC, params).save(layoutOf(SPEC), path, new Configuration());
        ModelArtifact loaded = ModelArtifact.load(path, ModelArtifactTest::layoutOf, new Configuration());
        assertArrayEquals(params, loaded.parameters());
        float[] images = new float[2 * 144];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) Math.sin(i);
        }
        try (Replica a = Replica.create(SPEC, Device.cpu()); Replica b = Replica.create(loaded.spec(), Device.cpu())) {
            a.setState(params, null);
            b.setState(loaded.parameters(), null);
            assertArrayEquals(a.predict(images, 2), b.predict(images, 2));
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.allMatch(p -> p.getFileName().toString().equals("model")), "no temporary folder left");
        }
    }

    @Test
    void parametersOfAnotherSpecAreRejectedNamingTheFirstMismatch(@TempDir Path dir) {
        String path = dir.resolve("model").toString();
        new ModelArtifact(SPEC, Replica.initialParameters(SPEC, 1)).save(layoutOf(SPEC), path, new Configuration());
        ModelSpec wider = new ModelSpec(new Architecture("resnet-cifar", 8, "none"),
                new ModelSpec.Input(3, 12, 12, SPEC.classNames(), new float[] {0, 0, 0}, new float[] {1, 1, 1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelArtifact.load(path, spec -> layoutOf(wider), new Configuration()));
        assertTrue(e.getMessage().contains("parameter 0") && e.getMessage().contains("(16, 1, 3, 3)"), e.getMessage());
    }

    @Test
    void truncatedParameterFileIsReported(@TempDir Path dir) throws Exception {
        String path = dir.resolve("model").toString();
        new ModelArtifact(SPEC, Replica.initialParameters(SPEC, 1)).save(layoutOf(SPEC), path, new Configuration());
        Path file = dir.resolve("model/parameters.bin");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelArtifact.load(path, ModelArtifactTest::layoutOf, new Configuration()));
        assertTrue(e.getMessage().contains("parameters.bin") && e.getMessage().contains("truncated"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
