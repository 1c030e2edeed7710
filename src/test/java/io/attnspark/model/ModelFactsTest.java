package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Parameters (counted from the built networks) and MACs (counted layer by layer) against the
 * published figures, within 0.5%: torchvision's model table for the plain backbones, and each
 * attention paper's ImageNet table for its ResNet-50 (ResNeXt-50 for SKNet).
 */
class ModelFactsTest {

    private static final double TOLERANCE = 0.005;

    private static ModelFacts facts(String backbone, String attention) {
        ModelSpec plain = ModelFacts.countingSpec(Backbone.parse(backbone), 3, 224, 224, 1000);
        return ModelFacts.of(plain.withAttention(attention, null));
    }

    private static void assertNear(double published, double actual, String what) {
        assertTrue(Math.abs(actual - published) <= TOLERANCE * published,
                String.format(Locale.ROOT, "%s: %.4f, published %.4f (%.2f%% off)", what, actual, published,
                        100 * Math.abs(actual - published) / published));
    }

    private static void assertSize(String backbone, String attention, double millions) {
        ModelFacts f = facts(backbone, attention);
        assertNear(millions, f.parameters() / 1e6, f.name() + " params (M)");
    }

    @Test
    void plainBackbonesMatchTorchvision() {
        ModelFacts r18 = facts("resnet18", "none");
        assertNear(11.69, r18.parameters() / 1e6, "resnet18 params");
        assertEquals(11_689_512, r18.parameters()); // torchvision, exactly
        assertNear(1.81, r18.macs() / 1e9, "resnet18 GMACs"); // "1.8" in He et al.
        ModelFacts r34 = facts("resnet34", "none");
        assertEquals(21_797_672, r34.parameters());
        assertNear(3.66, r34.macs() / 1e9, "resnet34 GMACs");
        ModelFacts r50 = facts("resnet50", "none");
        assertEquals(25_557_032, r50.parameters());
        assertNear(4.1, r50.macs() / 1e9, "resnet50 GMACs (He et al.)");
        assertNear(4.09, r50.macs() / 1e9, "resnet50 GMACs (torchvision)");
        ModelFacts r101 = facts("resnet101", "none");
        assertEquals(44_549_160, r101.parameters());
        assertNear(7.8, r101.macs() / 1e9, "resnet101 GMACs");
        ModelFacts x50 = facts("resnext50_32x4d", "none");
        assertEquals(25_028_904, x50.parameters());
        assertNear(4.23, x50.macs() / 1e9, "resnext50_32x4d GMACs");
    }

    @Test
    void attentionResNet50sMatchTheirPapers() {
        assertSize("resnet50", "se", 28.09); // SENet, Table 2 (28.1M)
        assertSize("resnet50", "eca", 25.56); // ECA-Net, Table 2: 25.557M + 80 parameters
        assertSize("resnet50", "cbam", 28.09); // CBAM, Table 4
        assertSize("resnet50", "triplet", 25.56); // Triplet attention, Table 2
        assertSize("resnet50", "gc", 28.08); // GCNet, ResNet-50 + GC r16 on c3-c5
        assertSize("resnet50", "bam", 25.92); // BAM, ImageNet table
        assertSize("resnet50", "gsop", 28.29); // GSoP-Net1
        assertSize("resnet50", "splat", 27.5); // ResNeSt-50 (its deep stem adds ~0.02M)
        assertSize("resnext50_32x4d", "sk", 27.5); // SKNet-50
        assertNear(4.47, facts("resnext50_32x4d", "sk").macs() / 1e9, "SKNet-50 GMACs");
    }

    @Test
    void lightweightModulesAddFewMacs() {
        long plain = facts("resnet50", "none").macs();
        long se = facts("resnet50", "se").macs();
        long eca = facts("resnet50", "eca").macs();
        // SENet: 3.86 -> 3.87 GFLOPs; ECA: +4.7e-4 GFLOPs.
        assertTrue(se - plain > 1_000_000 && se - plain < 10_000_000, "SE adds " + (se - plain));
        assertTrue(eca - plain > 0 && eca - plain < 1_000_000, "ECA adds " + (eca - plain));
    }

    @Test
    void cifarResNetFactsCountTheSameNetworkAsItsTest() {
        ModelFacts f = ModelFacts.of(ModelFacts.countingSpec(Backbone.parse("resnet-cifar-20"), 3, 32, 32, 10));
        assertTrue(f.parameters() > 270_000 && f.parameters() < 280_000, "ResNet-20 " + f.parameters());
        assertNear(0.0408, f.macs() / 1e9, "ResNet-20 GMACs (41M, He et al.)");
    }
}
