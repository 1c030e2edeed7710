package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.TestImages;
import io.attnspark.TestModels;
import io.attnspark.TestSpark;
import io.attnspark.data.BadInputException;
import io.attnspark.data.PngCodec;
import io.attnspark.model.Architecture;
import io.attnspark.train.SgdSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables of mixed image sizes train through {@code data.input-size}, decoded per epoch; the choice
 * between decoding once and per epoch follows {@code data.cache-decoded}; and the batches do not
 * depend on how many threads decode them.
 */
class StreamedTrainingTest {

    private static final List<String> CLASSES = List.of("left", "middle", "right");

    /** Writes a table of colour images of varied sizes (a bright bar in the label's third), with size columns. */
    static void writeMixedTable(SparkSession spark, String path, int train, int test, boolean mixed, String corruptId) {
        Random random = new Random(7);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < train + test; i++) {
            int label = random.nextInt(3);
            int h = mixed ? 12 + random.nextInt(20) : 16;
            int w = mixed ? 12 + random.nextInt(20) : 16;
            byte[] pixels = new byte[3 * h * w];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int bar = (x * 3 / w == label) ? 120 + 30 * c : 0;
                        pixels[(c * h + y) * w + x] = (byte) Math.min(255, bar + random.nextInt(90));
                    }
                }
            }
            String split = i < train ? "train" : "test";
            String id = String.format(Locale.ROOT, "%s-%05d", split, i);
            byte[] image = id.equals(corruptId) ? new byte[] {1, 2, 3} : PngCodec.encode(pixels, 3, h, w);
            rows.add(RowFactory.create(id, label, image, split, h, w, 3));
        }
        StructType schema = ImageTable.schema(CLASSES); // id, label, image, split, height, width, channels
        spark.createDataFrame(rows, schema).write().mode(SaveMode.Overwrite).parquet(path);
    }

    private static TrainJob.Settings settings(String table, String output, DataSettings.InputSize input,
            int decodeThreads, DataSettings.CacheDecoded cache) {
        return new TrainJob.Settings(new DataSettings(table, 0, 0, input, decodeThreads, cache),
                new Architecture("resnet-cifar", 8, "none", null, false),
                new TrainingSettings(2, 16, new TrainingSettings.LearningRate(0.05, 0, 0.25), new SgdSettings(0.9, 5e-4),
                        new TrainingSettings.Augmentation(1, true, io.attnspark.data.RandomResizedCrop.standard()), 11, 32),
                2, new SyncSchedule(2, 1, 0, 2), new CheckpointSettings(1, 2, false), output,
                new StoredConfig("{}", Map.of("k", "v")));
    }

    @Test
    void mixedSizesTrainAtTheInputSizeAndDecodeThreadsDoNotChangeTheResult(@TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("mixed").toString();
        writeMixedTable(spark, table, 96, 24, true, null);
        DataSettings.InputSize input = new DataSettings.InputSize(16, 16);

        PreparedData data = PreparedData.prepare(spark,
                new DataSettings(table, 0, 0, input, 1, DataSettings.CacheDecoded.AUTO), 2, 11);
        try {
            assertFalse(data.decodedOnce(), "mixed sizes are decoded per epoch");
            assertEquals("3x16x16", data.imageShape().sizeText());
            assertEquals(96, data.trainImages());
            assertEquals(24, data.testImages());
            assertEquals(3, data.normalization().mean().length);
        } finally {
            data.release();
        }

        String one = dir.resolve("one-thread").toString();
        String three = dir.resolve("three-threads").toString();
        TrainJob.Outcome a = new TrainJob(spark, settings(table, one, input, 1, DataSettings.CacheDecoded.AUTO)).run(null);
        new TrainJob(spark, settings(table, three, input, 3, DataSettings.CacheDecoded.AUTO)).run(null);
        assertTrue(Double.isFinite(a.result().lastEvaluated().testLoss()), "evaluated on the test split");
        assertArrayEquals(TestModels.parameters(one), TestModels.parameters(three), "batches depend only on (seed, shard, step)");
    }

    @Test
    void mixedSizesWithoutAnInputSizeAreRefusedNamingTheKey(@TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("mixed").toString();
        writeMixedTable(spark, table, 12, 0, true, null);
        BadInputException e = assertThrows(BadInputException.class, () -> PreparedData.prepare(spark,
                new DataSettings(table, 0, 0), 2, 1));
        assertTrue(e.getMessage().contains("data.input-size") && e.getMessage().contains(table), e.getMessage());

        BadInputException cached = assertThrows(BadInputException.class, () -> PreparedData.prepare(spark,
                new DataSettings(table, 0, 0, new DataSettings.InputSize(16, 16), 1, DataSettings.CacheDecoded.TRUE),
                2, 1));
        assertTrue(cached.getMessage().contains("data.cache-decoded = true"), cached.getMessage());
    }

    @Test
    void cacheDecodedChoosesHowShardsAreHeld(@TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        String sized = dir.resolve("one-size").toString();
        writeMixedTable(spark, sized, 12, 4, false, null);
        String old = dir.resolve("old").toString();
        TestImages.writeTable(spark, old, 12, 4, 10, 3);
        for (Object[] c : new Object[][] {
            {sized, DataSettings.CacheDecoded.AUTO, true},
            {sized, DataSettings.CacheDecoded.FALSE, false},
            {sized, DataSettings.CacheDecoded.TRUE, true},
            {old, DataSettings.CacheDecoded.AUTO, true},
            {old, DataSettings.CacheDecoded.FALSE, false},
        }) {
            PreparedData data = PreparedData.prepare(spark, new DataSettings((String) c[0], 0, 0,
                    DataSettings.InputSize.TABLE, 1, (DataSettings.CacheDecoded) c[1]), 2, 1);
            try {
                assertEquals(c[2], data.decodedOnce(), c[0] + " " + c[1]);
                assertEquals(c[0] == old ? "1x10x10" : "3x16x16", data.imageShape().sizeText(), c[0] + " " + c[1]);
                assertEquals(12, data.trainImages());
            } finally {
                data.release();
            }
        }
    }

    @Test
    void anImageThatDoesNotDecodeStopsTrainingNamingIt(@TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("corrupt").toString();
        writeMixedTable(spark, table, 40, 0, true, "train-00017");
        DataSettings.InputSize input = new DataSettings.InputSize(16, 16);
        Exception e = assertThrows(Exception.class, () -> new TrainJob(spark,
                settings(table, dir.resolve("out").toString(), input, 2, DataSettings.CacheDecoded.FALSE)).run(null));
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append('\n');
        }
        assertTrue(chain.toString().contains("train-00017"), chain.toString());
    }

    @Test
    void theBudgetIsATaskSlotsShareOfStorageMemory() {
        long mib = 1L << 20;
        // (1324 MiB - 300 MiB) * 0.6 * 0.5 / 2 (room for test shards) / 2 slots = 76.8 MiB
        assertEquals((long) (1024 * mib * 0.6 * 0.5 / 2 / 2), DecodedMemoryBudget.perShard(1324 * mib, 2, 0.6, 0.5));
        assertEquals(0, DecodedMemoryBudget.perShard(200 * mib, 1, 0.6, 0.5), "less than Spark's reserve");
    }
}
