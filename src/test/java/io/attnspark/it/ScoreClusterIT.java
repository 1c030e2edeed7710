package io.attnspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.TestImages;
import io.attnspark.TestSpark;
import io.attnspark.distributed.ImageTable;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.score.AttentionCnnModel;
import io.attnspark.score.ScoringModel;
import io.attnspark.train.Replica;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring on a real Spark standalone cluster (two workers, each executor a separate JVM, fake GPU
 * discovery) through jobs/score.sh and the application jar: every row comes back once, and the
 * predictions equal those of the same model scored in this JVM. Runs after {@code package}.
 */
class ScoreClusterIT {

    private static final String MASTER_PORT = "7178";
    private static final String UI_PORT = "8181";

    @TempDir static Path dir;
    static Path runDir;

    @BeforeAll
    static void startCluster() throws Exception {
        runDir = dir.resolve("cluster");
        Result up = run(List.of("jobs/cluster-up.sh", runDir.toString()));
        assertEquals(0, up.exitCode(), "cluster-up failed:\n" + up.output());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        run(List.of("jobs/cluster-down.sh", runDir.toString()));
    }

    private record Result(int exitCode, String output) {}

    @Test
    void scoresATableOnTwoExecutorsLikeOneProcess() throws Exception {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 400, 100, 16, 3);
        ModelSpec spec = new ModelSpec(new Architecture("resnet-cifar", 8, "se"),
                new ModelSpec.Input(1, 16, 16, List.of("left", "middle", "right"), new float[] {0.3f},
                        new float[] {0.25f}));
        ScoringModel model = ScoringModel.of(spec, Replica.initialParameters(spec, 5));
        String modelPath = dir.resolve("model").toString();
        model.save(modelPath, new Configuration());
        String out = dir.resolve("predictions").toString();

        Result score = run(List.of("jobs/score.sh", "--model", modelPath, "--input", table, "--out", out,
                "--top-k", "3", "--batch-size", "32", "--partitions", "4"));
        assertEquals(0, score.exitCode(), score.output());
        assertTrue(score.output().contains("rows in 500, rows out 500: 500 scored, 0 with errors"), score.output());

        Map<String, Row> local = new HashMap<>();
        for (Row r : new AttentionCnnModel(model).setTopK(3).transform(ImageTable.read(spark, table))
                .select("id", "prediction").collectAsList()) {
            local.put(r.getString(0), r.getStruct(1));
        }
        List<Row> cluster = spark.read().parquet(out).collectAsList();
        assertEquals(500, cluster.size());
        for (Row r : cluster) {
            Row expected = local.get(r.getString(0));
            assertEquals(expected.getList(1), r.getList(2), "indices of " + r.getString(0));
            List<Float> want = expected.getList(2);
            List<Float> got = r.getList(3);
            for (int k = 0; k < 3; k++) {
                assertEquals(want.get(k), got.get(k), 1e-5f, r.getString(0));
            }
            assertEquals(model.id(), r.getString(4));
        }
    }

    private static Result run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(new File(".")).redirectErrorStream(true);
        LocalClusterEnvironment.apply(pb.environment(), MASTER_PORT, UI_PORT);
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish in 10 minutes");
        }
        return new Result(p.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
