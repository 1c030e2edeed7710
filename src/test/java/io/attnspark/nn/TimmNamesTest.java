package io.attnspark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * timm's shared option names ({@link TimmNames}) on every registered block, with its default reference, and on
 * every other reference of the blocks that have several: each name is taken where the block has the concept
 * and never ignored, reference keywords are exact aliases, conflicts and bad values are errors naming the keys.
 */
class TimmNamesTest {

    private static final int CHANNELS = 32;
    private static final Shape SHAPE = new Shape(2, CHANNELS, 9, 9);
    private static final int SEED = 1234;

    /** Per name, timm's default (or a common value) first, then another valid one. */
    private static final Map<String, List<Object>> VALUES = Map.of(
            TimmNames.KERNEL_SIZE, List.of(3, 5),
            TimmNames.ACT_LAYER, List.of("relu", "gelu"),
            TimmNames.GATE_LAYER, List.of("sigmoid", "hard_sigmoid"),
            TimmNames.USE_BIAS, List.of(true, false));

    /** Per name, values no block may take. */
    private static final Map<String, List<Object>> BAD_VALUES = Map.of(
            TimmNames.KERNEL_SIZE, List.of("three", -1),
            TimmNames.ACT_LAYER, List.of("no_such_layer", 3),
            TimmNames.GATE_LAYER, List.of("no_such_gate", true),
            TimmNames.USE_BIAS, List.of("yes", 1));

    /**
     * The references other than the default, of the blocks that have several (the default ones come from
     * the registry); {@code use_mlp} makes timm's ECA have an activation.
     */
    private static final List<Map<String, Object>> OTHER_REFERENCES = List.of(
            Map.of("block", "se", "ref", "selayer"),
            Map.of("block", "eca", "ref", "timm"),
            Map.of("block", "eca", "ref", "timm", "use_mlp", true),
            Map.of("block", "cbam", "ref", "timm"),
            Map.of("block", "sk", "ref", "timm"),
            Map.of("block", "a2", "ref", "xmu"),
            Map.of("block", "a2", "ref", "mean"),
            Map.of("block", "aff", "ref", "paper"),
            Map.of("block", "iaff", "ref", "pytorch"),
            Map.of("block", "danet-cam", "ref", "paper"));

    /** Every registered block with its default reference, then the other references; each with every name. */
    static Stream<Arguments> blocksAndNames() {
        List<Map<String, Object>> bases = new ArrayList<>();
        Attentions.names().forEach(n -> bases.add(Map.of("block", n)));
        bases.addAll(OTHER_REFERENCES);
        return bases.stream().flatMap(base -> {
            Map<String, Object> options = new LinkedHashMap<>(base);
            String block = (String) options.remove("block");
            return TimmNames.ALIASES.keySet().stream().sorted()
                    .map(key -> Arguments.of(block, options, key));
        });
    }

    /** A built block's parameters and its output on a fixed input. */
    private record Built(Map<String, float[]> parameters, Map<String, Shape> shapes, float[] output) {
        boolean sameAs(Built other) {
            if (!shapes.equals(other.shapes) || !Arrays.equals(output, other.output)) {
                return false;
            }
            return parameters.entrySet().stream()
                    .allMatch(e -> Arrays.equals(e.getValue(), other.parameters.get(e.getKey())));
        }
    }

    /** The block built with the options (the engine seeded), run forward in inference mode. */
    private static Built build(String block, Map<String, Object> options) {
        AttentionBlock b = Attentions.create(block, CHANNELS, AttentionOptions.of(options));
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape[] shapes = b.getInputCount() == 2 ? new Shape[] {SHAPE, SHAPE} : new Shape[] {SHAPE};
            Engine.getInstance().setRandomSeed(SEED);
            b.initialize(manager, DataType.FLOAT32, shapes);
            NDList in = new NDList();
            for (int i = 0; i < shapes.length; i++) {
                in.add(manager.arange((float) SHAPE.size()).add(i).mul(0.37f).sin().reshape(SHAPE));
            }
            NDArray out = b.forward(new ParameterStore(manager, false), in, false).head();
            Map<String, float[]> values = new LinkedHashMap<>();
            Map<String, Shape> parameterShapes = new LinkedHashMap<>();
            for (var p : b.getParameters()) {
                Parameter parameter = p.getValue();
                values.put(p.getKey(), parameter.getArray().toFloatArray());
                parameterShapes.put(p.getKey(), parameter.getArray().getShape());
            }
            assertTrue(out.isInfinite().logicalOr(out.isNaN()).none().getBoolean(), block + " " + options);
            return new Built(values, parameterShapes, out.toFloatArray());
        }
    }

    /** The block built, or the error it fails with (any other exception fails the test). */
    private static Object attempt(String block, Map<String, Object> options) {
        try {
            return build(block, options);
        } catch (IllegalArgumentException e) {
            return e;
        }
    }

    private static Map<String, Object> with(Map<String, Object> base, Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** Whether a message names the key as a word of its own ({@code kernel_size}, not in {@code spatial_kernel_size}). */
    private static boolean names(String message, String key) {
        return Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(key) + "(?![A-Za-z0-9_])").matcher(message).find();
    }

    private static boolean listed(String block, String key) {
        return Attentions.entry(block).options().contains(key);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("blocksAndNames")
    void theTimmNameIsTakenWhereTheBlockHasTheConceptAndNeverIgnored(
            String block, Map<String, Object> base, String key) {
        List<Object> values = VALUES.get(key);
        Object first = attempt(block, with(base, key, values.get(0)));
        Object second = attempt(block, with(base, key, values.get(1)));
        boolean layer = key.equals(TimmNames.ACT_LAYER) || key.equals(TimmNames.GATE_LAYER);
        if (!layer && !listed(block, key)) {
            for (Object r : List.of(first, second)) {
                IllegalArgumentException e = rejected(r, block + " takes " + key + " without listing it");
                assertTrue(e.getMessage().contains("unknown option '" + key + "'"), e.getMessage());
            }
            return;
        }
        if (layer) { // timm's default layer runs everywhere, whether or not the block has a choice
            assertTrue(first instanceof Built, block + " " + base + ": " + key + "=" + values.get(0) + " rejected: "
                    + first);
        } else {
            assertTrue(first instanceof Built || second instanceof Built,
                    block + " " + base + " lists " + key + " but takes neither " + values + ": " + first + "; " + second);
        }
        for (int i = 0; i < 2; i++) {
            Object r = i == 0 ? first : second;
            if (r instanceof IllegalArgumentException e) {
                assertTrue(names(e.getMessage(), key) && e.getMessage().contains(String.valueOf(values.get(i))),
                        "the error should name " + key + "=" + values.get(i) + ": " + e.getMessage());
            }
        }
        if (first instanceof Built a && second instanceof Built b) {
            assertFalse(a.sameAs(b), block + " " + base + " ignores " + key + ": " + values + " give the same block");
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("blocksAndNames")
    void referenceKeywordsAreExactAliasesAndConflictsNameBothKeys(String block, Map<String, Object> base, String key) {
        for (String alias : TimmNames.ALIASES.get(key)) {
            if (!listed(block, alias)) {
                continue;
            }
            assertTrue(listed(block, key), block + " takes " + alias + " but not timm's " + key);
            List<Object> values = VALUES.get(key);
            for (Object v : values) {
                Object timm = attempt(block, with(base, key, v));
                Object own = attempt(block, with(base, alias, v));
                Object both = attempt(block, with(base, key, v, alias, v));
                if (timm instanceof Built t) {
                    assertTrue(own instanceof Built o && o.sameAs(t), block + ": " + alias + "=" + v + " differs from "
                            + key + "=" + v + ": " + own);
                    assertTrue(both instanceof Built o && o.sameAs(t), block + ": both names =" + v + ": " + both);
                } else {
                    rejected(own, block + ": " + alias + "=" + v + " taken where " + key + "=" + v + " is not");
                }
            }
            IllegalArgumentException e = rejected(
                    attempt(block, with(base, key, values.get(0), alias, values.get(1))),
                    block + ": " + key + " and " + alias + " disagree without an error");
            assertTrue(names(e.getMessage(), key) && names(e.getMessage(), alias), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("blocksAndNames")
    void badValuesAreRejectedNamingTheKey(String block, Map<String, Object> base, String key) {
        for (Object bad : BAD_VALUES.get(key)) {
            IllegalArgumentException e = rejected(attempt(block, with(base, key, bad)),
                    block + " " + base + " takes " + key + "=" + bad);
            assertTrue(names(e.getMessage(), key), e.getMessage());
            for (String alias : TimmNames.ALIASES.get(key)) {
                if (listed(block, alias)) {
                    e = rejected(attempt(block, with(base, alias, bad)), block + " takes " + alias + "=" + bad);
                    assertTrue(names(e.getMessage(), alias), "the error should name " + alias + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void everyAliasIsTakenBySomeBlockAndTheOtherReferencesExist() {
        for (Map.Entry<String, List<String>> e : TimmNames.ALIASES.entrySet()) {
            for (String alias : e.getValue()) {
                assertTrue(Attentions.names().stream().anyMatch(n -> listed(n, alias) && listed(n, e.getKey())),
                        "no registered block takes " + alias + " for " + e.getKey());
            }
        }
        for (Map<String, Object> o : OTHER_REFERENCES) {
            Map<String, Object> options = new LinkedHashMap<>(o);
            String block = (String) options.remove("block");
            assertEquals(o.get("ref"), Attentions.create(block, CHANNELS, AttentionOptions.of(options)).getReference());
        }
    }

    @Test
    void theBackbonesBiasDefaultStandsBackForTheSpecsUseBias() {
        PerBlockOptions.Site site = new PerBlockOptions.Site(32, 32, 1, 1, 32, BackboneFamily.CIFAR);
        PerBlockOptions splat = Attentions.entry("splat").perBlock();
        assertEquals(false, splat.at(site, AttentionOptions.defaults()).get("bias"));
        // the spec's options go on top of these; a bias=false left here would contradict use_bias=true
        assertFalse(splat.at(site, AttentionOptions.of("use_bias", true)).containsKey("bias"));
    }

    private static IllegalArgumentException rejected(Object r, String message) {
        assertTrue(r instanceof IllegalArgumentException, message + ": " + r);
        return (IllegalArgumentException) r;
    }
}
