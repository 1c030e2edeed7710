package io.attnspark.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A job's configuration: the job file (HOCON) and {@code key=value} overrides on top of the
 * built-in defaults, with every key checked against the defaults so that a typo fails before any
 * work starts instead of being silently ignored.
 */
public final class JobConfig {

    private final Config config;
    private final Config defaults;

    private JobConfig(Config config, Config defaults) {
        this.config = config;
        this.defaults = defaults;
    }

    /**
     * Loads a job's configuration.
     *
     * @param defaultsResource the classpath resource with every key and its default
     * @param file the job file, or null for the defaults alone
     * @param overrides {@code key=value} strings (HOCON values), applied last
     * @return the resolved configuration
     * @throws ConfigError naming a missing file, a syntax error or an unknown key
     */
    public static JobConfig load(String defaultsResource, File file, List<String> overrides) {
        Config defaults = ConfigFactory.parseResources(defaultsResource, ConfigParseOptions.defaults().setAllowMissing(false));
        Config merged = defaults;
        try {
            if (file != null) {
                if (!file.isFile()) {
                    throw new ConfigError("config file " + file + " does not exist");
                }
                Config fromFile = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
                checkKnown(fromFile, defaults, "in " + file);
                merged = fromFile.withFallback(merged);
            }
            for (String override : overrides) {
                int eq = override.indexOf('=');
                if (eq <= 0) {
                    throw new ConfigError("override '" + override + "' is not of the form key=value");
                }
                Config one = ConfigFactory.parseString(override);
                checkKnown(one, defaults, "in the argument '" + override + "'");
                merged = one.withFallback(merged);
            }
            return new JobConfig(merged.resolve(), defaults);
        } catch (ConfigException e) {
            throw new ConfigError(e.getMessage());
        }
    }

    private static void checkKnown(Config given, Config defaults, String where) {
        for (Map.Entry<String, ConfigValue> entry : given.entrySet()) {
            String key = entry.getKey();
            if (!defaults.hasPath(key) && !inOpenSection(key, defaults)) {
                TreeSet<String> valid = new TreeSet<>();
                String section = key.contains(".") ? key.substring(0, key.indexOf('.')) : "";
                for (Map.Entry<String, ConfigValue> d : defaults.entrySet()) {
                    if (section.isEmpty() || d.getKey().startsWith(section + ".")) {
                        valid.add(d.getKey());
                    }
                }
                if (valid.isEmpty()) {
                    defaults.entrySet().forEach(d -> valid.add(d.getKey()));
                }
                throw new ConfigError("unknown key '" + key + "' " + where + "; valid keys: " + valid);
            }
        }
    }

    /**
     * Whether a key lies below an empty object of the defaults: such a section is open, its keys
     * belong to someone else (an attention module's options) and are checked there.
     */
    private static boolean inOpenSection(String key, Config defaults) {
        List<String> parts = com.typesafe.config.ConfigUtil.splitPath(key);
        for (int i = 1; i < parts.size(); i++) {
            String prefix = com.typesafe.config.ConfigUtil.joinPath(parts.subList(0, i));
            if (defaults.hasPath(prefix)
                    && defaults.getValue(prefix).valueType() == com.typesafe.config.ConfigValueType.OBJECT
                    && defaults.getObject(prefix).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns this config with some keys set on top, each checked against the defaults.
     *
     * @param overrides key to HOCON value text (e.g. {@code "se"} or {@code 0.1} or {@code { k_size = 5 }})
     * @param where what the keys come from, for error messages
     * @return the new config
     * @throws ConfigError naming an unknown key or a value that does not parse
     */
    public JobConfig with(Map<String, String> overrides, String where) {
        Config merged = config;
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            Config one;
            try {
                one = ConfigFactory.parseString(com.typesafe.config.ConfigUtil.joinPath(
                        com.typesafe.config.ConfigUtil.splitPath(e.getKey())) + " = " + e.getValue());
            } catch (ConfigException ex) {
                throw new ConfigError(where + ": " + e.getKey() + " = " + e.getValue() + " does not parse: "
                        + ex.getMessage());
            }
            checkKnown(one, defaults, where);
            merged = one.withFallback(merged);
        }
        try {
            return new JobConfig(merged.resolve(), defaults);
        } catch (ConfigException ex) {
            throw new ConfigError(where + ": " + ex.getMessage());
        }
    }

    /**
     * Returns this config without a section (and its defaults without it, so that it cannot be set again).
     *
     * @param path the section, e.g. {@code ablation}
     * @return the new config
     */
    public JobConfig without(String path) {
        return new JobConfig(config.withoutPath(path), defaults.withoutPath(path));
    }

    /**
     * Returns a list of objects, each flattened to its keys (dotted paths) and HOCON value text.
     *
     * @param key the list's key
     * @return one map per object, keys in file order where the parser keeps it
     */
    public List<Map<String, String>> getFlatObjectList(String key) {
        return get(key, k -> {
            List<Map<String, String>> list = new java.util.ArrayList<>();
            for (com.typesafe.config.ConfigObject o : config.getObjectList(k)) {
                Map<String, String> flat = new java.util.LinkedHashMap<>();
                for (Map.Entry<String, ConfigValue> e : o.toConfig().entrySet()) {
                    flat.put(e.getKey(), e.getValue().render(ConfigRenderOptions.concise()));
                }
                list.add(flat);
            }
            return list;
        });
    }

    /**
     * Returns an object whose values are lists, as key to the lists' values in HOCON text.
     *
     * @param key the object's key
     * @return each entry's key (one path element, e.g. {@code "sync.every"}) to its values
     */
    public Map<String, List<String>> getListMap(String key) {
        return get(key, k -> {
            Map<String, List<String>> map = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, ConfigValue> e : config.getObject(k).entrySet()) {
                if (e.getValue().valueType() != com.typesafe.config.ConfigValueType.LIST) {
                    throw new ConfigError(k + ".\"" + e.getKey() + "\" must be a list of values, got "
                            + e.getValue().render(ConfigRenderOptions.concise()));
                }
                List<String> values = new java.util.ArrayList<>();
                for (ConfigValue v : (com.typesafe.config.ConfigList) e.getValue()) {
                    values.add(v.render(ConfigRenderOptions.concise()));
                }
                map.put(e.getKey(), values);
            }
            return map;
        });
    }

    /**
     * Returns a list of integers.
     *
     * @param key the key
     * @return the values
     */
    public List<Long> getLongList(String key) {
        return get(key, config::getLongList);
    }

    /**
     * Returns whether the defaults know a key, for checking keys that arrive inside values.
     *
     * @param key a dotted path
     * @return true if the defaults have it or it is inside an open section
     */
    public boolean knows(String key) {
        return defaults.hasPath(key) || inOpenSection(key, defaults);
    }

    /**
     * Reads an object as plain Java values (numbers, booleans, strings, lists, maps).
     *
     * @param key the key
     * @return the object's entries
     */
    public Map<String, Object> getObject(String key) {
        return get(key, k -> config.getObject(k).unwrapped());
    }

    /**
     * Reads a list of ints.
     *
     * @param key the key
     * @return the values
     */
    public List<Integer> getIntList(String key) {
        return get(key, config::getIntList);
    }

    /**
     * Reads a list of numbers.
     *
     * @param key the key
     * @return the values
     */
    public List<Double> getDoubleList(String key) {
        return get(key, config::getDoubleList);
    }

    /**
     * Reads an int.
     *
     * @param key the key
     * @return the value
     */
    public int getInt(String key) {
        return get(key, config::getInt);
    }

    /**
     * Reads a long.
     *
     * @param key the key
     * @return the value
     */
    public long getLong(String key) {
        return get(key, config::getLong);
    }

    /**
     * Reads a double.
     *
     * @param key the key
     * @return the value
     */
    public double getDouble(String key) {
        return get(key, config::getDouble);
    }

    /**
     * Reads a boolean.
     *
     * @param key the key
     * @return the value
     */
    public boolean getBoolean(String key) {
        return get(key, config::getBoolean);
    }

    /**
     * Reads a string.
     *
     * @param key the key
     * @return the value
     */
    public String getString(String key) {
        return get(key, config::getString);
    }

    private <T> T get(String key, Function<String, T> getter) {
        try {
            return getter.apply(key);
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(key + " has the wrong type: " + e.getMessage());
        } catch (ConfigException e) {
            throw new ConfigError(key + ": " + e.getMessage());
        }
    }

    /**
     * Renders the resolved configuration as JSON, for storing with results.
     *
     * @return JSON
     */
    public String toJson() {
        return config.root().render(ConfigRenderOptions.concise());
    }

    /**
     * Lists the resolved configuration as flat key/value pairs.
     *
     * @return sorted keys to rendered values
     */
    public Map<String, String> flatten() {
        Map<String, String> flat = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
            Object v = e.getValue().unwrapped();
            flat.put(e.getKey(), String.valueOf(v));
        }
        return flat;
    }
}
