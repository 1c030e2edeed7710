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

    /**
     * The AFF paper's ImageNet table: AFF-ResNet-50 30.3M, iAFF-ResNet-50 35.1M (open-aff's MXNet
     * {@code AFFResNet}, {@code start_layer=3}: fusion in every block of stages 3-4, r=16 on the
     * bottleneck's output channels). Its ResNet-50-D stem adds 0.02M, inside the tolerance.
     */
    @Test
    void affResNet50sMatchTheAffPaper() {
        ModelFacts aff = facts("resnet50", "aff");
        assertNear(30.3, aff.parameters() / 1e6, "AFF-ResNet-50 params (M)");
        assertEquals(9, aff.attentionModules(), "AFF modules: 6 blocks of stage 3 + 3 of stage 4");
        ModelFacts iaff = facts("resnet50", "iaff");
        assertNear(35.1, iaff.parameters() / 1e6, "iAFF-ResNet-50 params (M)");
        assertEquals(9, iaff.attentionModules(), "iAFF modules");
        // One AFF module per block: 4 * C^2/16 weights (local and global bottleneck) + biases + BN.
        long plain = facts("resnet50", "none").parameters();
        long expected = 0;
        for (int[] stage : new int[][] {{1024, 6}, {2048, 3}}) {
            long c = stage[0];
            long inter = c / 16;
            expected += stage[1] * 2 * (c * inter + inter + 2 * inter + inter * c + c + 2 * c);
        }
        assertEquals(expected, aff.parameters() - plain, "AFF parameters over ResNet-50");
        assertEquals(2 * expected, iaff.parameters() - plain, "iAFF: two MS-CAM pairs per block");
    }

    /**
     * MACs the modules add over the plain ResNet-50, against the papers' "GFLOPs" (multiply-adds)
     * differences; the papers' own ResNet-50 bases differ (3.86 G for the stride-on-1x1 v1 in
     * SENet, CBAM and BAM; 4.12 G in GCNet and triplet attention), so the differences are checked.
     * (SENet's "3.86 -> 3.87" also counts pooling and the channel scaling, which this counter
     * leaves out, as fvcore; {@link #lightweightModulesAddFewMacs} bounds it instead.)
     */
    @Test
    void attentionMacsMatchThePapersDifferences() {
        double plain = facts("resnet50", "none").macs() / 1e9;
        assertDelta(0.006, 0.001, facts("resnet50", "cbam").macs() / 1e9 - plain, "CBAM (3.858 -> 3.864)");
        assertDelta(0.047, 0.001, facts("resnet50", "triplet").macs() / 1e9 - plain, "triplet (4.122 -> 4.169)");
        assertDelta(0.08, 0.005, facts("resnet50", "bam").macs() / 1e9 - plain, "BAM (3.86 -> 3.94)");
        assertDelta(0.01, 0.005, facts("resnet50", "gc").macs() / 1e9 - plain, "GC r16 c3-c5 (4.12 -> 4.13)");
    }

    private static void assertDelta(double published, double tolerance, double actual, String what) {
        assertTrue(Math.abs(actual - published) <= tolerance,
                String.format(Locale.ROOT, "%s: +%.4f GMACs, published +%.4f", what, actual, published));
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
