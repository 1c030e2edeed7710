package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.attnspark.TestSpark;
import io.attnspark.model.ModelArtifact;
import io.attnspark.train.Replica;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on real data: ingest Fashion-MNIST, train 2 replicas on a 2,000-image subset, read the outputs back. */
class TrainFashionMnistTest {

    @Test
    void twoReplicasLearnFashionMnistSubsetAndWriteReadableOutputs(@TempDir Path dir) {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
                "needs the Debian package dataset-fashion-mnist (.ci/run installs it)");
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("fmnist").toString();
        String out = dir.resolve("run").toString();
        assertEquals(0, Main.run("ingest", "fashion-mnist", "--out", table));
        assertEquals(0, Main.run("train", "--conf", "conf/train-fmnist.conf",
                "data.table=\"" + table + "\"", "output.path=\"" + out + "\"",
                "data.train-limit=2000", "train.epochs=2", "train.batch-size=8", "train.lr=0.03",
                "train.warmup-epochs=0.1", "sync.shards=2", "sync.every=2"));

        Dataset<Row> runs = spark.read().parquet(out + "/tables/runs");
        assertEquals(1, runs.count());
        Row run = runs.first();
        double accuracy = run.getDouble(run.fieldIndex("final_test_top1"));
        assertTrue(accuracy >= 0.75, "test accuracy after 2 epochs on 2,000 images: " + accuracy);
        assertEquals(2000, run.getLong(run.fieldIndex("train_images")));
        assertEquals(10000, run.getLong(run.fieldIndex("test_images")));
        assertEquals(2, run.getInt(run.fieldIndex("replicas")));
        assertTrue(run.getString(run.fieldIndex("config_json")).contains("\"train-limit\":2000"));

        Dataset<Row> rounds = spark.read().parquet(out + "/tables/rounds");
        // 1,000 images per shard / 8 = 125 steps per epoch, 250 steps, K = 2: 125 rounds.
        assertEquals(125, rounds.count());
        assertEquals(2, rounds.filter("test_top1 IS NOT NULL").count(), "one evaluation per epoch");
        assertEquals(2L * 8 * 250, rounds.agg(org.apache.spark.sql.functions.sum("samples")).first().getLong(0));

        ModelArtifact model = ModelArtifact.load(out + "/model", spec -> {
            try (Replica r = Replica.create(spec, Device.cpu())) {
                return r.layout();
            }
        }, new Configuration());
        assertEquals(List.of(1, 28, 28), List.of(model.spec().inputChannels(), model.spec().imageHeight(),
                model.spec().imageWidth()));
        assertEquals("T-shirt/top", model.spec().classNames().get(0));
    }
}
