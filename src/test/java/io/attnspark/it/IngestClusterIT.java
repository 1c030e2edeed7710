package io.attnspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.TestSpark;
import io.attnspark.data.MixedFolderFixtures;
import io.attnspark.distributed.ImageTable;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest folder} on a real Spark standalone cluster (two workers, each executor a separate JVM)
 * through jobs/submit.sh and the application jar: a bad file's error crosses from an executor JVM to
 * the driver and reaches the user as one line naming the file; {@code --skip-bad} lists it in
 * {@code _rejected}; the rows are those of the folder. Runs after {@code package}.
 */
class IngestClusterIT {

    private static final String MASTER_PORT = "7291";
    private static final String UI_PORT = "8291";

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
    void badFileIsOneLineFromAnotherJvmAndSkipBadRejectsIt() throws Exception {
        Path root = MixedFolderFixtures.writeClasses(dir.resolve("images"));
        Path corrupt = MixedFolderFixtures.writeCorrupt(root.resolve("dog/broken.jpg"));
        String out = dir.resolve("table").toString();

        Result failed = run(List.of("jobs/submit.sh", "ingest", "folder", "--root", root.toUri().toString(),
                "--out", out));
        assertEquals(2, failed.exitCode(), failed.output());
        assertTrue(failed.output().contains("attnspark: error: " + corrupt.toUri().toString().replace("file:///", "file:/")),
                failed.output());
        assertFalse(Files.exists(Path.of(out)));

        Result skipped = run(List.of("jobs/submit.sh", "ingest", "folder", "--root", root.toUri().toString(),
                "--out", out, "--skip-bad"));
        assertEquals(0, skipped.exitCode(), skipped.output());
        assertTrue(skipped.output().contains("rejected 1 bad file"), skipped.output());
        assertTrue(skipped.output().contains("ingested 4 train rows, 2 classes"), skipped.output());

        SparkSession spark = TestSpark.session();
        assertEquals(4, ImageTable.read(spark, out).count());
        List<Row> rejected = spark.read().parquet(out + "/_rejected").collectAsList();
        assertEquals(1, rejected.size());
        assertTrue(rejected.get(0).getString(0).endsWith("dog/broken.jpg"), rejected.toString());
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
