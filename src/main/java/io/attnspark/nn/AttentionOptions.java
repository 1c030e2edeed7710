package io.attnspark.nn;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options shared by every attention factory of {@link Attentions}: the reference variant
 * ({@code ref}) and the reference constructor's keyword arguments under their PyTorch names
 * ({@code rd_ratio}, {@code reduction}, {@code kernel_size}, ...), as in the {@code blockcheck}
 * JSON config. Values are numbers, booleans, strings, lists of those, or null (absent).
 *
 * <p>Each block declares which options it reads; an option no block reads fails loudly, naming
 * the valid ones, as timm's {@code create_attn} does for names.
 */
public final class AttentionOptions {

    /** The option that selects the reference implementation a block follows. */
    public static final String REF = "ref";

    /** Accepted in place of {@link #REF}, as the reference notes write it ({@code impl=timm}). */
    public static final String IMPL = "impl";

    private static final AttentionOptions EMPTY = new AttentionOptions(Map.of(), Map.of());

    private final Map<String, Object> values;

    /** Options moved to timm's name ({@link #renamed}), by that name: the key given, for messages. */
    private final Map<String, String> givenAs;

    private AttentionOptions(Map<String, Object> values, Map<String, String> givenAs) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.givenAs = Map.copyOf(givenAs);
    }

    /**
     * No options: every block's defaults (its default reference).
     *
     * @return the empty options
     */
    public static AttentionOptions defaults() {
        return EMPTY;
    }

    /**
     * Options from a map, for example a parsed JSON object; null values count as absent.
     *
     * @param values the options by PyTorch keyword name
     * @return the options
     */
    public static AttentionOptions of(Map<String, ?> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach(
                (k, v) -> {
                    if (v != null) {
                        m.put(k, v);
                    }
                });
        return new AttentionOptions(m, Map.of());
    }

    /**
     * Options from alternating keys and values: {@code of("ref", "timm", "rd_ratio", 0.25)}.
     *
     * @param keysAndValues keys (strings) and values, alternating
     * @return the options
     */
    public static AttentionOptions of(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("options need key/value pairs, got an odd count");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return of(m);
    }

    /**
     * A copy with one more option (or one replaced).
     *
     * @param key the option name
     * @param value its value, or null to remove it
     * @return the new options
     */
    public AttentionOptions with(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return new AttentionOptions(m, givenAs);
    }

    /**
     * A copy without the given options.
     *
     * @param keys the option names to drop
     * @return the new options
     */
    public AttentionOptions without(Collection<String> keys) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.keySet().removeAll(keys);
        return new AttentionOptions(m, givenAs);
    }

    /**
     * A copy with an option moved to another name (a reference's keyword to timm's name for it);
     * errors about its value still name the key it was given under.
     *
     * @param from the key it was given under
     * @param to the name the block reads
     * @return the new options
     */
    AttentionOptions renamed(String from, String to) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(to, m.remove(from));
        Map<String, String> given = new LinkedHashMap<>(givenAs);
        given.put(to, givenAs.getOrDefault(from, from));
        return new AttentionOptions(m, given);
    }

    /**
     * The key an option was given under: itself, or the reference's keyword it was {@link #renamed} from.
     *
     * @param key the option name a block reads
     * @return the name to put in messages
     */
    String given(String key) {
        return givenAs.getOrDefault(key, key);
    }

    /**
     * The options as a read-only map.
     *
     * @return the options
     */
    public Map<String, Object> asMap() {
        return values;
    }

    /**
     * Whether an option is set.
     *
     * @param key the option name
     * @return true if present
     */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * Fails unless every option is one of the valid ones.
     *
     * @param block the block name, for the message
     * @param valid the options the block reads
     * @throws IllegalArgumentException naming the unknown option and listing the valid ones
     */
    public void requireKnown(String block, Collection<String> valid) {
        for (String key : values.keySet()) {
            if (!valid.contains(key)) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "unknown option '%s' for attention block '%s'; valid options: %s",
                                key,
                                block,
                                String.join(", ", new TreeSet<>(valid))));
            }
        }
    }

    /**
     * The reference variant, checked against the valid ones.
     *
     * @param block the block name, for the message
     * @param valid the valid variants, the default first
     * @return the chosen variant
     */
    public String ref(String block, List<String> valid) {
        return ref(block, valid, Map.of());
    }

    /**
     * The reference variant, checked against the valid ones, with aliases ({@code port_xmu} for
     * {@code xmu}). Read from {@code ref}, else from {@code impl}.
     *
     * @param block the block name, for the message
     * @param valid the valid variants, the default first
     * @param aliases other accepted names of the variants
     * @return the chosen variant
     */
    public String ref(String block, List<String> valid, Map<String, String> aliases) {
        if (has(REF) && has(IMPL) && !getString(REF, "").equals(getString(IMPL, ""))) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "attention block '%s': ref '%s' and impl '%s' disagree",
                            block,
                            getString(REF, ""),
                            getString(IMPL, "")));
        }
        String ref = getString(REF, getString(IMPL, valid.get(0)));
        ref = aliases.getOrDefault(ref, ref);
        if (!valid.contains(ref)) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "unknown ref '%s' for attention block '%s'; valid refs: %s",
                            ref,
                            block,
                            String.join(", ", valid)));
        }
        return ref;
    }

    /**
     * A string option.
     *
     * @param key the option name
     * @param def the default when absent
     * @return the value
     */
    public String getString(String key, String def) {
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        if (!(v instanceof String s)) {
            throw wrongType(key, v, "a string");
        }
        return s;
    }

    /**
     * A whole-number option.
     *
     * @param key the option name
     * @param def the default when absent
     * @return the value
     */
    public int getInt(String key, int def) {
        Integer v = getIntOrNull(key);
        return v == null ? def : v;
    }

    /**
     * A whole-number option, or null when absent.
     *
     * @param key the option name
     * @return the value or null
     */
    public Integer getIntOrNull(String key) {
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        return toInt(key, v);
    }

    /**
     * A number option.
     *
     * @param key the option name
     * @param def the default when absent
     * @return the value
     */
    public double getDouble(String key, double def) {
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        if (!(v instanceof Number n)) {
            throw wrongType(key, v, "a number");
        }
        return n.doubleValue();
    }

    /**
     * A boolean option.
     *
     * @param key the option name
     * @param def the default when absent
     * @return the value
     */
    public boolean getBoolean(String key, boolean def) {
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        if (!(v instanceof Boolean b)) {
            throw wrongType(key, v, "true or false");
        }
        return b;
    }

    /**
     * A list of whole numbers; a single number counts as a list of one.
     *
     * @param key the option name
     * @param def the default when absent
     * @return the values
     */
    public List<Integer> getIntList(String key, List<Integer> def) {
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        List<Integer> out = new ArrayList<>();
        if (v instanceof Collection<?> c) {
            for (Object o : c) {
                out.add(toInt(key, o));
            }
        } else {
            out.add(toInt(key, v));
        }
        return out;
    }

    /**
     * A list of strings; a single string counts as a list of one.
     *
     * @param key the option name
     * @param def the default when absent
     * @return the values
     */
    public List<String> getStringList(String key, List<String> def) {
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        List<String> out = new ArrayList<>();
        for (Object o : v instanceof Collection<?> c ? c : List.of(v)) {
            if (!(o instanceof String s)) {
                throw wrongType(key, v, "a list of strings");
            }
            out.add(s);
        }
        return out;
    }

    /**
     * The names of the options set.
     *
     * @return the names
     */
    public Set<String> keys() {
        return values.keySet();
    }

    private int toInt(String key, Object v) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return Math.toIntExact(n.longValue());
        }
        throw wrongType(key, v, "a whole number");
    }

    private IllegalArgumentException wrongType(String key, Object v, String expected) {
        String name = givenAs.containsKey(key) ? String.format(Locale.ROOT, "'%s' (read as %s)", given(key), key)
                : "'" + key + "'";
        return new IllegalArgumentException(
                String.format(
                        Locale.ROOT, "option %s must be %s, got %s", name, expected, v));
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return values.toString();
    }
}
