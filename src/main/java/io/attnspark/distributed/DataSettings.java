package io.attnspark.distributed;

import static io.attnspark.distributed.SettingsCheck.require;

import java.io.Serializable;
import java.util.Locale;

/**
 * Which images a run trains and tests on, and how they are held (a train job's {@code data} section).
 *
 * @param table the image table (Parquet, from {@code attnspark ingest})
 * @param trainLimit use only this many training images, a seeded sample (0: all)
 * @param testLimit use only this many test images (0: all)
 * @param input the model's input height and width, or {@link InputSize#TABLE} for the table's one size
 * @param decodeThreads threads per task that decode and augment images (streamed shards)
 * @param cacheDecoded whether shards are decoded once and kept, or decoded per epoch
 */
public record DataSettings(
        String table, long trainLimit, long testLimit, InputSize input, int decodeThreads, CacheDecoded cacheDecoded)
        implements Serializable {

    /**
     * Validates the section.
     *
     * @throws IllegalArgumentException naming the key
     */
    public DataSettings {
        require(trainLimit >= 0, "data.train-limit", trainLimit, ">= 0");
        require(testLimit >= 0, "data.test-limit", testLimit, ">= 0");
        require(table != null && !table.isBlank(), "data.table", "\"\"", "a table path");
        require(decodeThreads >= 1, "data.decode-threads", decodeThreads, ">= 1");
    }

    /**
     * A table's images with the defaults of the other keys (its own size, one decode thread, auto).
     *
     * @param table the image table
     * @param trainLimit training images (0: all)
     * @param testLimit test images (0: all)
     */
    public DataSettings(String table, long trainLimit, long testLimit) {
        this(table, trainLimit, testLimit, InputSize.TABLE, 1, CacheDecoded.AUTO);
    }

    /**
     * The model's input size ({@code data.input-size = [H, W]}).
     *
     * @param height rows, or 0 with width 0 for the table's own size
     * @param width columns
     */
    public record InputSize(int height, int width) implements Serializable {

        /** The table's own (single) image size. */
        public static final InputSize TABLE = new InputSize(0, 0);

        /**
         * Validates the size.
         *
         * @throws IllegalArgumentException naming the key
         */
        public InputSize {
            require((height == 0 && width == 0) || (height >= 8 && width >= 8), "data.input-size",
                    String.format(Locale.ROOT, "[%d, %d]", height, width), "[] (the table's size) or [H, W], each >= 8");
        }

        /**
         * Tells whether the table's own size is used.
         *
         * @return true for {@code []}
         */
        public boolean fromTable() {
            return height == 0;
        }
    }

    /** Whether shards are decoded once ({@code data.cache-decoded}). */
    public enum CacheDecoded {
        /** Decoded once when the table has one image size, no random-resized crops, and fits the memory budget. */
        AUTO,
        /** Always decoded once (needs one image size and no random-resized crops). */
        TRUE,
        /** Always decoded per epoch from the encoded bytes. */
        FALSE;

        /**
         * Parses a config value.
         *
         * @param value auto, true or false
         * @return the setting
         * @throws IllegalArgumentException naming the key and the valid values
         */
        public static CacheDecoded parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "true" -> TRUE;
                case "false" -> FALSE;
                default -> throw new IllegalArgumentException(
                        "data.cache-decoded = " + value + " is invalid: expected auto, true or false");
            };
        }
    }
}
