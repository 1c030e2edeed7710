package io.attnspark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registry: names, options, errors, parameter counts and the reference initialisation. */
class AttentionsTest {

    @Test
    void registersAllSeventeenBlocks() {
        assertEquals(
                Set.of(
                        "se", "eca", "cbam", "bam", "gc", "nonlocal", "a2", "danet-pam", "danet-cam", "sk",
                        "cc", "triplet", "gsop", "splat", "mscam", "aff", "iaff"),
                Attentions.names());
    }

    @Test
    void unknownNameListsTheValidOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Attentions.create("sse", 16));
        assertTrue(e.getMessage().contains("'sse'") && e.getMessage().contains("se, eca, cbam"), e.getMessage());
    }

    @Test
    void unknownOptionListsTheValidOnes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Attentions.create("se", 16, AttentionOptions.of("rd_ration", 0.25)));
        assertTrue(e.getMessage().contains("'rd_ration'") && e.getMessage().contains("rd_ratio"), e.getMessage());
    }

    @Test
    void unknownRefListsTheValidOnes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Attentions.create("cbam", 16, AttentionOptions.of("ref", "paper")));
        assertTrue(e.getMessage().contains("official, timm"), e.getMessage());
    }

    @Test
    void channelKeywordMustAgree() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Attentions.create("gc", 16, AttentionOptions.of("inplanes", 32)));
        assertTrue(e.getMessage().contains("inplanes"), e.getMessage());
    }

    @Test
    void referenceLayerArgumentsAreAcceptedOnlyWithTheirDefaults() {
        Attentions.create("se", 32, AttentionOptions.of("act_layer", "ReLU", "gate_layer", "sigmoid"));
        Attentions.create("nonlocal", 32, AttentionOptions.of("dimension", 2));
        Attentions.create("sk", 32, AttentionOptions.of("norm_layer", "BatchNorm2d"));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Attentions.create("gc", 32, AttentionOptions.of("act_layer", "gelu")));
        assertTrue(e.getMessage().contains("act_layer=gelu"), e.getMessage());
        // blocks whose reference takes the layer by name accept the names timm's create_act_layer knows
        Attentions.create("se", 32, AttentionOptions.of("act_layer", "gelu", "gate_layer", "hard_sigmoid"));
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Attentions.create("se", 32, AttentionOptions.of("gate_layer", "softsign")));
        assertTrue(e.getMessage().contains("gate_layer") && e.getMessage().contains("hard_sigmoid"), e.getMessage());
    }

    @Test
    void implIsAnAliasOfRef() {
        assertEquals("selayer", Attentions.create("se", 32, AttentionOptions.of("impl", "selayer")).getReference());
        assertThrows(
                IllegalArgumentException.class,
                () -> Attentions.create("se", 32, AttentionOptions.of("impl", "selayer", "ref", "timm")));
    }

    @Test
    void wrongOptionTypeNamesTheOption() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Attentions.create("eca", 16, AttentionOptions.of("k_size", "three")));
        assertTrue(e.getMessage().contains("k_size"), e.getMessage());
    }

    @Test
    void parameterCountsMatchTheReferenceModules() {
        // hand-computed from the reference constructors
        assertEquals(64 * 8 + 8 + 8 * 64 + 64, count("se", 64, AttentionOptions.defaults()));
        assertEquals(2 * 64 * 4, count("se", 64, AttentionOptions.of("ref", "selayer")));
        assertEquals(3, count("eca", 64, AttentionOptions.defaults()));
        assertEquals(5, count("eca", 256, AttentionOptions.of("ref", "timm")));
        assertEquals(7, count("eca", 2048, AttentionOptions.of("ref", "timm")));
        assertEquals(64 * 4 + 4 + 4 * 64 + 64 + 98 + 2, count("cbam", 64, AttentionOptions.defaults()));
        assertEquals(64 * 4 * 2 + 98 + 2, count("cbam", 64, AttentionOptions.of("ref", "timm")));
        // GC, ratio 1/16: conv_mask 65, transform 64*4+4 + 4+4 + 4*64+64
        assertEquals(65 + 260 + 8 + 320, count("gc", 64, AttentionOptions.defaults()));
        // Non-local C=64: three 64->32 convs with bias, W 32->64 with bias, BN 64
        assertEquals(3 * (64 * 32 + 32) + 32 * 64 + 64 + 128, count("nonlocal", 64, AttentionOptions.defaults()));
        assertEquals(1, count("danet-cam", 64, AttentionOptions.defaults()));
        assertEquals(2 * (64 * 8 + 8) + 64 * 64 + 64 + 1, count("danet-pam", 64, AttentionOptions.defaults()));
        assertEquals(2 * (64 * 8 + 8) + 64 * 64 + 64 + 1, count("cc", 64, AttentionOptions.defaults()));
        assertEquals(3 * (98 + 2), count("triplet", 64, AttentionOptions.defaults()));
        // MS-CAM C=64 r=4: per branch 64*16+16 + 32 + 16*64+64 + 128
        long branch = 64 * 16 + 16 + 32 + 16 * 64 + 64 + 128;
        assertEquals(2 * branch, count("mscam", 64, AttentionOptions.defaults()));
        assertEquals(2 * branch, count("aff", 64, AttentionOptions.defaults()));
        assertEquals(4 * branch, count("iaff", 64, AttentionOptions.defaults()));
        // SplAt(64, 64, 3, radix 2): conv 128*32*9+128, inter 32: fc1 64*32+32, fc2 32*128+128
        assertEquals(
                128 * 32 * 9 + 128 + 64 * 32 + 32 + 32 * 128 + 128,
                count("splat", 64, AttentionOptions.of("channels", 64, "kernel_size", 3)));
        // SK(64) paper/official: 2 paths of 64*64*9 + BN 128; attn width 8: 64*8 + 16 + 8*128
        assertEquals(2 * (64 * 64 * 9 + 128) + 64 * 8 + 16 + 8 * 128, count("sk", 64, AttentionOptions.defaults()));
        // GSoP C=256, d=128: 256*128+128 + 256 + 256 + 512*128+512 + 256*512+256
        assertEquals(
                256 * 128 + 128 + 256 + 256 + 512 * 128 + 512 + 256 * 512 + 256,
                count("gsop", 256, AttentionOptions.defaults()));
        // A2 C=64, c_m=c_n=16
        assertEquals(3 * (64 * 16 + 16) + 16 * 64 + 64, count("a2", 64, AttentionOptions.defaults()));
        // BAM C=64: channel 64*4+4 + 8 + 4*64+64; spatial 64*4+4 + 8 + 2*(4*4*9+4+8) + 4+1
        assertEquals(
                64 * 4 + 4 + 8 + 4 * 64 + 64 + 64 * 4 + 4 + 8 + 2 * (4 * 4 * 9 + 4 + 8) + 4 + 1,
                count("bam", 64, AttentionOptions.defaults()));
    }

    private static long count(String name, int channels, AttentionOptions options) {
        return Attentions.create(name, channels, options).getTrainableParameterCount();
    }

    @Test
    void identityAtInitWhereTheReferenceZeroInitialises() {
        for (String name : List.of("gc", "nonlocal", "danet-pam", "danet-cam", "cc")) {
            try (NDManager manager = NDManager.newBaseManager()) {
                AttentionBlock block = Attentions.create(name, 16);
                Shape shape = new Shape(2, 16, 7, 5);
                block.initialize(manager, DataType.FLOAT32, shape);
                NDArray x = manager.randomNormal(shape);
                NDArray y = block.forward(new ParameterStore(manager, false), new NDList(x), false).head();
                assertTrue(y.allClose(x, 1e-6, 1e-6, false), name + " is not the identity at init");
            }
        }
    }

    @Test
    void everyBlockRunsInTrainingAndInferenceOnOddShapes() {
        for (String name : Attentions.names()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                AttentionBlock block = Attentions.create(name, 32);
                Shape shape = new Shape(3, 32, 7, 5);
                block.initialize(manager, DataType.FLOAT32, shape);
                NDList in = new NDList(manager.randomNormal(shape));
                if (block.getInputCount() == 2) {
                    in.add(manager.randomNormal(shape));
                }
                for (boolean training : new boolean[] {true, false}) {
                    NDArray y = block.forward(new ParameterStore(manager, false), in, training).head();
                    assertEquals(block.getOutputShapes(in.getShapes())[0], y.getShape(), name);
                    assertTrue(y.isInfinite().logicalOr(y.isNaN()).none().getBoolean(), name + " not finite");
                }
            }
        }
    }

    @Test
    void blocksRunOnOneByOneInputsWhereTheReferenceDoes() {
        for (String name : Attentions.names()) {
            if (name.equals("nonlocal")) {
                continue; // its 2x2 max pool needs at least 2x2, as in the reference
            }
            AttentionOptions options =
                    name.equals("splat") ? AttentionOptions.of("padding", 1) : AttentionOptions.defaults();
            try (NDManager manager = NDManager.newBaseManager()) {
                AttentionBlock block = Attentions.create(name, 32, options);
                Shape shape = new Shape(2, 32, 1, 1);
                block.initialize(manager, DataType.FLOAT32, shape);
                NDList in = new NDList(manager.randomNormal(shape));
                if (block.getInputCount() == 2) {
                    in.add(manager.randomNormal(shape));
                }
                NDArray y = block.forward(new ParameterStore(manager, false), in, false).head();
                assertEquals(block.getOutputShapes(in.getShapes())[0], y.getShape(), name);
                assertTrue(y.isInfinite().logicalOr(y.isNaN()).none().getBoolean(), name + " not finite");
            }
        }
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Attentions.create("nonlocal", 32).getOutputShapes(new Shape[] {new Shape(1, 32, 1, 3)}));
        assertTrue(e.getMessage().contains("sub_sample"), e.getMessage());
    }

    @Test
    void trainingUpdatesRunningStatisticsWithTheReferenceMomentum() {
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionBlock block = Attentions.create("triplet", 4);
            Shape shape = new Shape(2, 4, 6, 5);
            block.initialize(manager, DataType.FLOAT32, shape);
            NDArray x = manager.randomNormal(shape).add(3f);
            block.forward(new ParameterStore(manager, false), new NDList(x), true);
            float mean = block.getParameter("hw.conv.bn.running_mean").getArray().getFloat(0);
            // PyTorch momentum 0.01: running_mean = 0.99 * 0 + 0.01 * batch_mean
            assertTrue(mean != 0f && Math.abs(mean) < 0.2f, "running mean " + mean);
        }
    }
}
