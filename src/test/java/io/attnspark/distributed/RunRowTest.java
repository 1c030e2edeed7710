package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RunRowTest {

    /** The runs table's schema as the first tables were written with it: existing tables must stay readable. */
    private static final StructType WRITTEN_SO_FAR =
            new StructType()
                    .add("run_id", DataTypes.StringType, false)
                    .add("started_at", DataTypes.TimestampType, false)
                    .add("variant", DataTypes.StringType, false)
                    .add("model", DataTypes.StringType, false)
                    .add("seed", DataTypes.LongType, false)
                    .add("params", DataTypes.LongType, false)
                    .add("macs", DataTypes.LongType, false)
                    .add("replicas", DataTypes.IntegerType, false)
                    .add("sync_every", DataTypes.IntegerType, false)
                    .add("epochs", DataTypes.DoubleType, false)
                    .add("rounds", DataTypes.IntegerType, false)
                    .add("train_images", DataTypes.LongType, false)
                    .add("test_images", DataTypes.LongType, false)
                    .add("final_train_loss", DataTypes.DoubleType, false)
                    .add("final_test_top1", DataTypes.DoubleType, false)
                    .add("best_test_top1", DataTypes.DoubleType, false)
                    .add("final_test_loss", DataTypes.DoubleType, false)
                    .add("final_test_top5", DataTypes.DoubleType, true)
                    .add("wall_s", DataTypes.DoubleType, false)
                    .add("images_per_s", DataTypes.DoubleType, false)
                    .add("executors", DataTypes.IntegerType, false)
                    .add("devices", DataTypes.StringType, false)
                    .add("model_path", DataTypes.StringType, false)
                    .add("spark_version", DataTypes.StringType, false)
                    .add("djl_version", DataTypes.StringType, false)
                    .add("config", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
                    .add("config_json", DataTypes.StringType, false);

    private static RunRow row(Double top5) {
        Map<String, String> flat = new LinkedHashMap<>();
        flat.put("model.attention", "se");
        flat.put("train.seed", "7");
        return new RunRow(
                new RunRow.Identity("run-1", Instant.ofEpochMilli(1_700_000_123_456L), "se r=8", 7L),
                new RunRow.Model("resnet20+se", 272_474L, 41_000_000L),
                new RunRow.Schedule(4, 10, 2.5, 30, 60_000L, 10_000L),
                new RunRow.Scores(0.31, 0.91, 0.92, 0.33, top5),
                new RunRow.Throughput(120.5, 900.25, 2, "cpu; cpu"),
                new RunRow.Provenance("/tmp/model", "4.2.0", "0.35.1", new StoredConfig("{\"a\":1}", flat)));
    }

    @Test
    void schemaIsTheOneTheTablesWereWrittenWith() {
        assertEquals(WRITTEN_SO_FAR, RunRow.SCHEMA);
        assertEquals(WRITTEN_SO_FAR, RunTables.RUNS_SCHEMA);
    }

    @Test
    void everyColumnGetsItsComponent() {
        Row r = row(0.99).toRow();
        assertEquals(RunRow.SCHEMA.size(), r.size());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("run_id", "run-1");
        expected.put("started_at", new Timestamp(1_700_000_123_456L));
        expected.put("variant", "se r=8");
        expected.put("model", "resnet20+se");
        expected.put("seed", 7L);
        expected.put("params", 272_474L);
        expected.put("macs", 41_000_000L);
        expected.put("replicas", 4);
        expected.put("sync_every", 10);
        expected.put("epochs", 2.5);
        expected.put("rounds", 30);
        expected.put("train_images", 60_000L);
        expected.put("test_images", 10_000L);
        expected.put("final_train_loss", 0.31);
        expected.put("final_test_top1", 0.91);
        expected.put("best_test_top1", 0.92);
        expected.put("final_test_loss", 0.33);
        expected.put("final_test_top5", 0.99);
        expected.put("wall_s", 120.5);
        expected.put("images_per_s", 900.25);
        expected.put("executors", 2);
        expected.put("devices", "cpu; cpu");
        expected.put("model_path", "/tmp/model");
        expected.put("spark_version", "4.2.0");
        expected.put("djl_version", "0.35.1");
        expected.put("config_json", "{\"a\":1}");
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            assertEquals(e.getValue(), r.get(RunRow.SCHEMA.fieldIndex(e.getKey())), e.getKey());
        }
        assertEquals(Map.of("model.attention", "se", "train.seed", "7"),
                r.getJavaMap(RunRow.SCHEMA.fieldIndex("config")));
        assertEquals(RunRow.SCHEMA.size(), expected.size() + 1, "a column without a check here");
    }

    @Test
    void top5IsNullWhereNotMeasured() {
        assertNull(row(null).toRow().get(RunRow.SCHEMA.fieldIndex("final_test_top5")));
    }
}
