package io.attnspark.score;

import io.attnspark.data.PngCodec;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.Replica;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** A small model and image rows (some of them corrupt, null or of the wrong size) for scoring tests. */
final class ScoreFixtures {

    static final int SIZE = 12;
    static final ModelSpec SPEC = new ModelSpec(new Architecture("resnet-cifar", 8, "se"),
            new ModelSpec.Input(1, SIZE, SIZE, List.of("left", "middle", "right"), new float[] {0.3f},
                    new float[] {0.25f}));

    static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("image", DataTypes.BinaryType, true),
        DataTypes.createStructField("note", DataTypes.IntegerType, false),
    });

    private ScoreFixtures() {}

    static ScoringModel model() {
        return ScoringModel.of(SPEC, Replica.initialParameters(SPEC, 7));
    }

    static byte[] pixels(Random random) {
        byte[] pixels = new byte[SIZE * SIZE];
        int bar = random.nextInt(3);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                pixels[y * SIZE + x] = (byte) Math.min(255, (x * 3 / SIZE == bar ? 140 : 0) + random.nextInt(100));
            }
        }
        return pixels;
    }

    /**
     * Rows {@code img-000..}: every 7th a truncated PNG, every 11th not an image, every 13th null,
     * every 17th a 3-channel image.
     */
    static List<Row> rows(int count, long seed) {
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] png = PngCodec.encode(pixels(random), 1, SIZE, SIZE);
            byte[] image;
            if (i % 7 == 3) {
                image = java.util.Arrays.copyOf(png, png.length / 2);
            } else if (i % 11 == 5) {
                image = "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } else if (i % 13 == 6) {
                image = null;
            } else if (i % 17 == 8) {
                byte[] rgb = new byte[3 * SIZE * SIZE];
                image = PngCodec.encode(rgb, 3, SIZE, SIZE);
            } else {
                image = png;
            }
            rows.add(RowFactory.create(String.format(Locale.ROOT, "img-%03d", i), image, i));
        }
        return rows;
    }

    static boolean valid(int i) {
        return i % 7 != 3 && i % 11 != 5 && i % 13 != 6 && i % 17 != 8;
    }

    static Dataset<Row> frame(SparkSession spark, List<Row> rows, int partitions) {
        return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
    }
}
