package io.attnspark.distributed;

import java.util.Locale;

/** How the replicas' states are averaged each round. */
public enum SyncMethod {
    /** Through the driver: {@code treeAggregate} up, a broadcast down. The reference path. */
    TREE,
    /**
     * Among the executors: a shuffle keyed by slice (reduce-scatter) sums each slice of the state in
     * its own task, a second shuffle (all-gather) brings the averaged slices to the next round's tasks.
     * No model state passes through the driver.
     */
    SHARDED;

    /**
     * Reads a setting.
     *
     * @param value {@code tree} or {@code sharded}
     * @return the method
     * @throws IllegalArgumentException naming {@code sync.method} and the value
     */
    public static SyncMethod parse(String value) {
        for (SyncMethod m : values()) {
            if (m.configName().equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("sync.method must be tree or sharded, got '" + value + "'");
    }

    /**
     * Returns the name used in configs.
     *
     * @return {@code tree} or {@code sharded}
     */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
