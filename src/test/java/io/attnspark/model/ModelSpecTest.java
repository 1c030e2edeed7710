package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.attnspark.model.AttentionPlacement.Blocks;
import io.attnspark.model.AttentionPlacement.Position;
import io.attnspark.train.Replica;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSpecTest {

    private static final ModelSpec CIFAR = new ModelSpec(new Architecture("resnet-cifar", 8, "none"),
            new ModelSpec.Input(1, 12, 12, List.of("a", "b"), new float[] {0.3f}, new float[] {0.2f}));

    private static ParameterLayout layoutOf(ModelSpec spec) {
        try (Replica r = Replica.create(spec, Device.cpu())) {
            return r.layout();
        }
    }

    @Test
    void specWithPlacementRoundTripsThroughJson() {
        AttentionPlacement p = new AttentionPlacement(Position.AFTER_BLOCK, List.of(3, 2), Blocks.EVERY_OTHER,
                Map.of("sub_sample", false, "inter_channels", 8));
        ModelSpec spec = new ModelSpec(new Architecture("resnet", 50, "nonlocal", p, true),
                new ModelSpec.Input(3, 64, 64, List.of("a", "b"), new float[3], new float[] {1, 1, 1}));
        ModelSpec back = ModelSpec.fromJson(spec.toJson());
        assertEquals(spec, back);
        assertEquals(List.of(2, 3), back.placement().stages());
        assertEquals(8, back.placement().attentionOptions().getInt("inter_channels", 0));
        assertTrue(back.zeroInitResidual());
        assertEquals("resnet50+nonlocal", back.displayName());
        assertTrue(spec.toJson().contains("\"position\":\"after-block\""), spec.toJson());
    }

    @Test
    void jsonWithoutPlacementGetsTheModulesDefault() {
        String old = "{\"backbone\":\"resnet-cifar\",\"depth\":20,\"attention\":\"gc\",\"inputChannels\":1,"
                + "\"imageHeight\":28,\"imageWidth\":28,\"classNames\":[\"a\",\"b\"],\"mean\":[0.3],\"std\":[0.2]}";
        ModelSpec spec = ModelSpec.fromJson(old);
        assertEquals(AttentionPlacement.defaults("gc", Backbone.RESNET_CIFAR), spec.placement());
        assertEquals(List.of(2, 3), spec.placement().stages());
        ModelSpec plain = ModelSpec.fromJson(old.replace("\"gc\"", "\"none\""));
        assertNull(plain.placement());
        assertEquals(CIFAR.withAttention("none", null).toJson().contains("placement"), false);
    }

    @Test
    void badPlacementsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CIFAR.withAttention("aff",
                AttentionPlacement.defaults("se", Backbone.RESNET_CIFAR)));
        assertTrue(e.getMessage().contains("aff") && e.getMessage().contains("fusion"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CIFAR.withAttention("se",
                AttentionPlacement.defaults("se", Backbone.RESNET_CIFAR).withStages(List.of(4))));
        assertTrue(e.getMessage().contains("stage 4") && e.getMessage().contains("1..3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CIFAR.withAttention("sk",
                AttentionPlacement.defaults("sk", Backbone.RESNET_CIFAR).withOptions(Map.of("stride", 2))));
        assertTrue(e.getMessage().contains("stride"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CIFAR.withAttention("sqeeze", null));
        assertTrue(e.getMessage().contains("sqeeze") && e.getMessage().contains("se"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ModelSpec(new Architecture("resnet", 20, "none"),
                new ModelSpec.Input(3, 32, 32, List.of("a", "b"), new float[3], new float[] {1, 1, 1})));
        assertTrue(e.getMessage().contains("20") && e.getMessage().contains("50"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CIFAR.withAttention("se",
                AttentionPlacement.defaults("se", Backbone.RESNET_CIFAR).withOptions(Map.of("rd_ratoi", 0.5)))
                .newBlock());
        assertTrue(e.getMessage().contains("rd_ratoi") && e.getMessage().contains("stage 1 block 0"), e.getMessage());
    }

    @Test
    void aSplatBiasInTheSpecWinsOverTheBackbonesInEitherName() {
        // ResNeSt's bottleneck has no bias in the split conv; the spec asks for one under timm's name or SplAt's
        long without = ModelFacts.of(CIFAR.withAttention("splat", null)).parameters();
        AttentionPlacement p = AttentionPlacement.defaults("splat", Backbone.RESNET_CIFAR);
        long timm = ModelFacts.of(CIFAR.withAttention("splat", p.withOptions(Map.of("use_bias", true)))).parameters();
        long own = ModelFacts.of(CIFAR.withAttention("splat", p.withOptions(Map.of("bias", true)))).parameters();
        assertTrue(timm > without, timm + " parameters with use_bias, " + without + " without");
        assertEquals(timm, own);
        assertEquals(without,
                ModelFacts.of(CIFAR.withAttention("splat", p.withOptions(Map.of("use_bias", false)))).parameters());
    }

    @Test
    void parametersOfAnotherPlacementAreRejectedNamingTheFirstMismatch(@TempDir Path dir) {
        ModelSpec se = CIFAR.withAttention("se", null);
        String path = dir.resolve("model").toString();
        new ModelArtifact(se, Replica.initialParameters(se, 1)).save(layoutOf(se), path, new Configuration());
        ModelSpec cbam = CIFAR.withAttention("cbam", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelArtifact.load(path, s -> layoutOf(cbam), new Configuration()));
        assertTrue(e.getMessage().contains("SqueezeExcite") && e.getMessage().contains("Cbam"), e.getMessage());
        ModelSpec later = CIFAR.withAttention("se", AttentionPlacement.defaults("se", Backbone.RESNET_CIFAR)
                .withStages(List.of(2, 3)));
        e = assertThrows(IllegalArgumentException.class,
                () -> ModelArtifact.load(path, s -> layoutOf(later), new Configuration()));
        assertTrue(e.getMessage().matches("(?s).*parameter \\d+ is .*SqueezeExcite.*"), e.getMessage());
    }

    @Test
    void zeroInitResidualZeroesTheLastBnOfEachBranch() {
        ModelSpec zero = new ModelSpec(new Architecture("resnet-cifar", 8, "none", null, true),
                new ModelSpec.Input(1, 12, 12, List.of("a", "b"), new float[] {0}, new float[] {1}));
        ParameterLayout layout = layoutOf(zero);
        float[] p = Replica.initialParameters(zero, 3);
        float[] q = Replica.initialParameters(CIFAR, 3);
        int zeroed = 0;
        for (int i = 0; i < layout.count(); i++) {
            boolean allZero = true;
            boolean allZeroPlain = true;
            for (int j = layout.offset(i); j < layout.offset(i) + layout.shape(i).size(); j++) {
                allZero &= p[j] == 0f;
                allZeroPlain &= q[j] == 0f;
            }
            if (allZero && !allZeroPlain) {
                assertTrue(layout.name(i).endsWith("gamma"), layout.name(i));
                zeroed++;
            }
        }
        assertEquals(3, zeroed); // one basic block per stage
    }

    @Test
    void backboneNamesParse() {
        assertEquals(new Backbone.Choice(Backbone.RESNET, 50), Backbone.parse("resnet50"));
        assertEquals(new Backbone.Choice(Backbone.RESNEXT_32X4D, 50), Backbone.parse("resnext50_32x4d"));
        assertEquals(new Backbone.Choice(Backbone.RESNET_CIFAR, 20), Backbone.parse("resnet-cifar-20"));
        assertEquals(new Backbone.Choice(Backbone.RESNET_CIFAR, 56), Backbone.parse("resnet56"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backbone.parse("vgg16"));
        assertTrue(e.getMessage().contains("vgg16") && e.getMessage().contains("resnet50"), e.getMessage());
    }
}
