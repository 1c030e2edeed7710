package io.attnspark.distributed;

import java.io.Serializable;
import java.util.Map;

/**
 * A run's resolved configuration as stored with its row of the {@code runs} table, so that the run can be
 * repeated.
 *
 * @param json the configuration as JSON
 * @param flat the configuration as sorted key/value pairs
 */
public record StoredConfig(String json, Map<String, String> flat) implements Serializable {}
