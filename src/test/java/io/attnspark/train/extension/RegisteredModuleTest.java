package io.attnspark.train.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.attnspark.model.AttentionPlacement;
import io.attnspark.model.Backbone;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.ParameterLayout;
import io.attnspark.nn.Attentions;
import io.attnspark.nn.DefaultPlacement;
import io.attnspark.nn.PerBlockOptions;
import io.attnspark.train.Replica;
import io.attnspark.train.SgdSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A module added from outside {@code nn/} and {@code model/}: one class and one registry entry. The
 * backbone places it where the entry says and trains it; nothing in {@code model/} names it.
 */
class RegisteredModuleTest {

    private static final String NAME = "test-channel-scale";

    private static AutoCloseable registration;

    @BeforeAll
    static void register() {
        registration = Attentions.register(new Attentions.Entry(NAME, Attentions.LIGHTWEIGHT, List.of("channels"), null,
                    ChannelScaleGate.OPTIONS, ChannelScaleGate::new,
                    family -> new DefaultPlacement("branch", DefaultPlacement.stages(2, 0), "last", Map.of()),
                    PerBlockOptions.NONE));
    }

    /** Other tests see the seventeen built-in blocks only. */
    @AfterAll
    static void unregister() throws Exception {
        registration.close();
    }

    @Test
    void theBackbonePlacesAndTrainsIt() {
        AttentionPlacement placement = AttentionPlacement.defaults(NAME, Backbone.RESNET_CIFAR);
        assertEquals(List.of(2, 3), placement.stages(), "the entry's stages, for the CIFAR backbone's three");
        ModelSpec spec = new ModelSpec(new Architecture("resnet-cifar", 8, NAME),
                new ModelSpec.Input(1, 8, 8, List.of("a", "b", "c"), new float[1], new float[] {1f}));
        float[] images = new float[4 * 8 * 8];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) Math.sin(0.7 * i);
        }
        try (Replica r = Replica.create(spec, Device.cpu())) {
            ParameterLayout layout = r.layout();
            float[] before = new float[layout.size()];
            r.getState(before, null);
            int gates = 0;
            for (int i = 0; i < layout.count(); i++) {
                if (layout.name(i).contains("ChannelScaleGate")) {
                    gates++;
                }
            }
            assertEquals(2, gates, "one gate in the last block of stages 2 and 3: " + layout);
            double loss = r.trainStep(images, new long[] {0, 1, 2, 1}, 4, 0.1, new SgdSettings(0.9, 0)).meanLoss();
            assertTrue(Double.isFinite(loss));
            float[] after = new float[layout.size()];
            r.getState(after, null);
            boolean moved = false;
            for (int i = 0; i < layout.count(); i++) {
                if (layout.name(i).contains("ChannelScaleGate")) {
                    int at = layout.offset(i);
                    moved |= before[at] != after[at];
                }
            }
            assertTrue(moved, "the gate's weights were trained");
        }
    }

    @Test
    void aSecondEntryOfTheSameNameIsRefused() {
        Attentions.Entry again = Attentions.entry(NAME);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Attentions.register(again));
        assertTrue(e.getMessage().contains(NAME));
        assertNotEquals(-1, List.copyOf(Attentions.names()).indexOf(NAME));
    }
}
