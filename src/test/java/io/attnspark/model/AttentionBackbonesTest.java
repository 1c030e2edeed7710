package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import io.attnspark.model.AttentionPlacement.Position;
import io.attnspark.nn.AttentionBlock;
import io.attnspark.nn.Attentions;
import io.attnspark.train.Replica;
import io.attnspark.train.SgdSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every attention module at its default placement on a CIFAR-style and an ImageNet-style ResNet
 * (plus bottleneck placements on ResNet-50 and ResNeXt-50): builds, has the parameters the
 * placement formula gives, trains a step (gradients reach the module), predicts {@code [B,
 * classes]}, and predicts identically after save and load.
 */
class AttentionBackbonesTest {

    private static final int BATCH = 2;

    static Stream<Arguments> variants() {
        List<Arguments> all = new ArrayList<>();
        for (String module : Attentions.names()) {
            all.add(Arguments.of("resnet-cifar", 14, module, 3, 16));
            all.add(Arguments.of("resnet", 18, module, 3, 64));
        }
        for (String module : List.of("se", "aff")) {
            all.add(Arguments.of("resnet", 50, module, 3, 32));
        }
        for (String module : List.of("sk", "splat")) {
            all.add(Arguments.of("resnext-32x4d", 50, module, 3, 32));
        }
        return all.stream();
    }

    private static ModelSpec spec(String backbone, int depth, String module, int channels, int size) {
        float[] mean = new float[channels];
        float[] std = new float[channels];
        java.util.Arrays.fill(std, 1f);
        return new ModelSpec(new Architecture(backbone, depth, module),
                new ModelSpec.Input(channels, size, size, List.of("a", "b", "c", "d", "e"), mean, std));
    }

    @ParameterizedTest(name = "{0}-{1} + {2}")
    @MethodSource("variants")
    void buildsTrainsAndReloads(String backbone, int depth, String module, int channels, int size, @TempDir Path dir) {
        ModelSpec spec = spec(backbone, depth, module, channels, size);
        String moduleClass = assertParameterFormula(spec);

        float[] images = new float[BATCH * channels * size * size];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) Math.sin(0.37 * i);
        }
        long[] labels = {1, 3};
        float[] trained;
        float[] predicted;
        ParameterLayout layout;
        try (Replica r = Replica.create(spec, Device.cpu())) {
            layout = r.layout();
            float[] before = new float[layout.size()];
            r.getState(before, null);
            double loss = r.trainStep(images, labels, BATCH, 0.05, new SgdSettings(0.9, 5e-4)).meanLoss();
            assertTrue(Double.isFinite(loss), spec.displayName() + " loss " + loss);
            trained = new float[layout.size()];
            r.getState(trained, null);
            assertTrue(attentionParameterChanged(layout, before, trained, moduleClass),
                    spec.displayName() + ": no attention parameter was updated");
            predicted = r.predict(images, BATCH);
            assertEquals(BATCH * 5, predicted.length);
        }
        String path = dir.resolve("model").toString();
        new ModelArtifact(spec, trained).save(layout, path, new Configuration());
        ParameterLayout saved = layout;
        ModelArtifact loaded = ModelArtifact.load(path, s -> saved, new Configuration());
        assertEquals(spec, loaded.spec());
        try (Replica r = Replica.create(loaded.spec(), Device.cpu())) {
            r.setState(loaded.parameters(), null);
            assertArrayEquals(predicted, r.predict(images, BATCH), spec.displayName());
        }
    }

    /** Attention parameters are named after the module's class (DJL's child names). */
    private static boolean attentionParameterChanged(ParameterLayout layout, float[] before, float[] after,
            String cls) {
        boolean found = false;
        for (int i = 0; i < layout.count(); i++) {
            if (!layout.name(i).contains(cls) || !layout.trainable(i)) {
                continue;
            }
            found = true;
            for (int j = layout.offset(i); j < layout.offset(i) + layout.shape(i).size(); j++) {
                if (before[j] != after[j]) {
                    return true;
                }
            }
        }
        assertTrue(found, "no parameter named after " + cls + " in " + layout.names());
        return false;
    }

    /**
     * Trainable parameters = the plain backbone's + each placed module's; for modules that replace
     * the 3x3 conv, minus that conv and its BN.
     *
     * @return the module's class name
     */
    private static String assertParameterFormula(ModelSpec spec) {
        ModelSpec plainSpec = spec.withAttention(ModelSpec.NONE, null);
        long plain = ModelFacts.of(plainSpec).parameters();
        ResidualNetworkBuilder builder = new ResidualNetworkBuilder(spec);
        SequentialBlock net = builder.build();
        try (NDManager manager = NDManager.newBaseManager()) {
            net.initialize(manager, DataType.FLOAT32, spec.inputShape(1));
            long actual = 0;
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    actual += p.getValue().getArray().size();
                }
            }
            long expected = plain;
            Backbone.Layout layout = Backbone.of(spec.backbone()).layout(spec.depth());
            int in = Backbone.of(spec.backbone()).isCifar() ? 16 : 64;
            for (var placed : builder.placed().entrySet()) {
                AttentionBlock block = placed.getKey();
                expected += block.getTrainableParameterCount();
                if (spec.placement().position() == Position.CONV) {
                    int stage = placed.getValue().stage();
                    int blockIn = placed.getValue().block() == 0
                            ? (stage == 1 ? in : layout.outChannels(stage - 1)) : layout.outChannels(stage);
                    int width = layout.bottleneck() ? layout.bottleneckWidth(stage) : layout.planes()[stage - 1];
                    int convIn = layout.bottleneck() ? width : blockIn;
                    expected -= 9L * convIn / (layout.bottleneck() ? layout.groups() : 1) * width + 2L * width;
                }
            }
            assertFalse(builder.placed().isEmpty(), spec.displayName() + " has no attention module");
            assertEquals(expected, actual, spec.displayName() + " parameters");
            assertNotEquals(plain, actual, spec.displayName());
            return builder.placed().keySet().iterator().next().getClass().getSimpleName();
        }
    }
}
