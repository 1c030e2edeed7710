package io.attnspark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ReducedWidthTest {

    private static final ReducedWidth BAM = ReducedWidth.dividing("bam", "reduction_ratio", 16);
    private static final ReducedWidth GC = ReducedWidth.multiplying("gc", "ratio", 1.0 / 16).withWidthAlias("planes");

    @Test
    void referenceKeywordsKeepTheReferencesArithmetic() {
        assertEquals(4, BAM.of(64, AttentionOptions.defaults()));
        assertEquals(2, BAM.of(40, AttentionOptions.of("reduction_ratio", 16)), "40 // 16");
        assertEquals(16, GC.of(64, AttentionOptions.of("ratio", 0.25)));
        assertEquals(2, GC.of(40, AttentionOptions.defaults()), "int(40 * 1/16)");
        assertEquals(7, GC.of(64, AttentionOptions.of("planes", 7)));
    }

    @Test
    void rdRatioIsTimmsMakeDivisibleAndAgreesWithTheReferenceOnMultiples() {
        for (int r : new int[] {2, 4, 8, 16}) {
            assertEquals(BAM.of(64, AttentionOptions.of("reduction_ratio", r)),
                    BAM.of(64, AttentionOptions.of("rd_ratio", 1.0 / r)), "bam r " + r);
            assertEquals(GC.of(64, AttentionOptions.of("ratio", 1.0 / r)),
                    GC.of(64, AttentionOptions.of("rd_ratio", 1.0 / r)), "gc 1/" + r);
        }
        // 40 * 1/16 = 2.5: timm rounds to the nearest multiple of rd_divisor (1 here), the reference floors
        assertEquals(3, BAM.of(40, AttentionOptions.of("rd_ratio", 1.0 / 16)));
        assertEquals(8, BAM.of(40, AttentionOptions.of("rd_ratio", 1.0 / 16, "rd_divisor", 8)));
        assertEquals(5, BAM.of(64, AttentionOptions.of("rd_channels", 5)));
    }

    @Test
    void timmNamesTakePrecedenceOverTheReferences() {
        // a backbone default in the reference's terms yields to an ablation axis in timm's
        assertEquals(16, BAM.of(64, AttentionOptions.of("rd_ratio", 0.25, "reduction_ratio", 16)));
        assertEquals(5, GC.of(64, AttentionOptions.of("rd_channels", 5, "ratio", 0.25)));
    }

    @Test
    void twoExplicitWidthsOrNoWidthIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GC.of(64, AttentionOptions.of("rd_channels", 8, "planes", 8)));
        assertTrue(e.getMessage().contains("planes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BAM.of(8, AttentionOptions.of("reduction_ratio", 16)));
        assertTrue(e.getMessage().contains("8 // reduction_ratio 16"), e.getMessage());
    }

    /** The blocks of the cross-block ablation: rd_ratio changes each one's width. */
    @ParameterizedTest
    @ValueSource(strings = {"se", "cbam", "gc", "bam", "sk", "mscam", "aff", "iaff", "eca", "splat"})
    void rdRatioReachesEveryBlockWithAReducedWidth(String block) {
        long small = parameters(block, 0.0625);
        long large = parameters(block, 0.25);
        assertTrue(large > small, block + ": rd_ratio 0.25 gives " + large + " parameters, 0.0625 gives " + small);
    }

    private static long parameters(String block, double rdRatio) {
        AttentionOptions options = "eca".equals(block)
                ? AttentionOptions.of("rd_ratio", rdRatio, "use_mlp", true, "ref", "timm")
                : AttentionOptions.of("rd_ratio", rdRatio, "rd_divisor", 1);
        AttentionBlock b = Attentions.create(block, 256, options);
        try (NDManager m = NDManager.newBaseManager()) {
            Shape s = new Shape(2, 256, 8, 8);
            b.initialize(m, DataType.FLOAT32, b.getInputCount() == 2 ? new Shape[] {s, s} : new Shape[] {s});
            return b.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
        }
    }
}
