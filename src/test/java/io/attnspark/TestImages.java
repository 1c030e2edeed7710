package io.attnspark;

import io.attnspark.data.ImageRecord;
import io.attnspark.distributed.ImageTable;
import io.attnspark.data.PngCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;

/** Small synthetic image tables whose classes a network can learn: a bright bar whose position is the label. */
public final class TestImages {

    private TestImages() {}

    /**
     * Writes a table of {@code train} + {@code test} grayscale images of 3 classes.
     *
     * @param spark the session
     * @param path where to write
     * @param train training images
     * @param test test images
     * @param size image height and width
     * @param seed the noise seed
     */
    public static void writeTable(SparkSession spark, String path, int train, int test, int size, long seed) {
        Random random = new Random(seed);
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < train + test; i++) {
            int label = random.nextInt(3);
            byte[] pixels = new byte[size * size];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int bar = (x * 3 / size == label) ? 140 : 0;
                    pixels[y * size + x] = (byte) Math.min(255, bar + random.nextInt(100));
                }
            }
            String split = i < train ? "train" : "test";
            records.add(new ImageRecord(String.format(java.util.Locale.ROOT, "%s-%05d", split, i), label,
                    PngCodec.encode(pixels, 1, size, size), split));
        }
        ImageTable.write(spark, records.iterator(), List.of("left", "middle", "right"), path, true);
    }
}
