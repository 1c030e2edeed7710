package io.attnspark.distributed;

import static io.attnspark.distributed.SettingsCheck.require;

import java.io.Serializable;

/**
 * Which images a run trains and tests on (a train job's {@code data} section).
 *
 * @param table the image table (Parquet, from {@code attnspark ingest})
 * @param trainLimit use only this many training images, a seeded sample (0: all)
 * @param testLimit use only this many test images (0: all)
 */
public record DataSettings(String table, long trainLimit, long testLimit) implements Serializable {

    /**
     * Validates the section.
     *
     * @throws IllegalArgumentException naming the key
     */
    public DataSettings {
        require(trainLimit >= 0, "data.train-limit", trainLimit, ">= 0");
        require(testLimit >= 0, "data.test-limit", testLimit, ">= 0");
        require(table != null && !table.isBlank(), "data.table", "\"\"", "a table path");
    }
}
