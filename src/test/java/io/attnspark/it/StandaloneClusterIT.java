package io.attnspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.attnspark.TestImages;
import io.attnspark.TestSpark;
import io.attnspark.model.ModelArtifact;
import io.attnspark.train.NativeEnvironment;
import io.attnspark.train.Replica;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on a real Spark standalone cluster (jobs/cluster-up.sh: a master and two workers on
 * 127.0.0.1, each executor a separate JVM) through jobs/submit.sh and the application jar, with
 * fake GPU discovery (worker 1 reports GPU "0", worker 2 GPU "1"). Runs after {@code package}.
 */
class StandaloneClusterIT {

    private static final String MASTER_PORT = "7177";
    private static final String UI_PORT = "8180";
    private static final int BATCH = 32;

    @TempDir static Path dir;
    static Path runDir;
    static String table;

    @BeforeAll
    static void startCluster() throws Exception {
        runDir = dir.resolve("cluster");
        ProcessResult up = run(List.of("jobs/cluster-up.sh", runDir.toString()), true, null);
        assertEquals(0, up.exitCode, "cluster-up failed:\n" + up.output);
        table = dir.resolve("table").toString();
        SparkSession spark = TestSpark.session();
        TestImages.writeTable(spark, table, 1_280, 300, 16, 7);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        run(List.of("jobs/cluster-down.sh", runDir.toString()), false, null);
    }

    private static List<String> train(String output) {
        return List.of("jobs/submit.sh", "train", "--conf", "conf/train-fmnist.conf", "data.table=" + table,
                "output.path=" + output, "model.depth=8", "train.epochs=1", "train.batch-size=" + BATCH,
                "sync.shards=2", "sync.every=2", "train.lr=0.05");
    }

    private static Row runRow(String output) {
        return TestSpark.session().read().parquet(output + "/tables/runs").first();
    }

    private static float[] parameters(String output) {
        return ModelArtifact.load(output + "/model", spec -> {
            try (Replica r = Replica.create(spec, Device.cpu())) {
                return r.layout();
            }
        }, new Configuration()).parameters();
    }

    @Test
    void trainsOnTwoExecutorsWithAssignedGpusAndSurvivesAnExecutorKill() throws Exception {
        String calm = dir.resolve("calm").toString();
        ProcessResult first = run(train(calm), true, null);
        assertEquals(0, first.exitCode, first.output);
        // The environment comes from cluster-up.sh and spark-defaults.conf, not from this JVM (see
        // LocalClusterEnvironment). Read from the executors' logs: glibc rewrites /proc/PID/environ.
        String recommended = "libtorch environment: OMP_WAIT_POLICY=" + NativeEnvironment.OMP_WAIT_POLICY
                + ", GLIBC_TUNABLES as recommended";
        int executorsWithLibtorch = 0;
        for (Path log : executorLogs()) {
            String text = Files.readString(log);
            if (text.contains("libtorch environment:")) {
                assertTrue(text.contains(recommended) && !text.contains("WARN NativeEnvironment"), log + ":\n" + text);
                executorsWithLibtorch++;
            }
        }
        assertEquals(2, executorsWithLibtorch, "both executors logged their libtorch environment");
        Row run = runRow(calm);
        assertEquals(2, run.getInt(run.fieldIndex("executors")), "two executor JVMs");
        String devices = run.getString(run.fieldIndex("devices"));
        assertTrue(devices.contains("gpu 0 -> cpu") && devices.contains("gpu 1 -> cpu"),
                "each task saw its own GPU address and fell back to the CPU: " + devices);
        long rounds = TestSpark.session().read().parquet(calm + "/tables/rounds").count();
        assertEquals(10, rounds, "640 images per shard / 32 = 20 steps, K = 2");

        // Again, killing one executor JVM once training has started.
        String disturbed = dir.resolve("disturbed").toString();
        AtomicBoolean killed = new AtomicBoolean();
        ProcessResult second = run(train(disturbed), true, line -> {
            if (line.startsWith("epoch") && killed.compareAndSet(false, true)) {
                killOneExecutor();
            }
        });
        assertEquals(0, second.exitCode, second.output);
        assertTrue(killed.get(), "an executor was killed");
        assertTrue(second.output.contains("Lost executor") || second.output.contains("lost executor"),
                "the driver saw the executor loss:\n" + second.output);
        List<Row> samples = TestSpark.session().read().parquet(disturbed + "/tables/rounds").select("samples")
                .collectAsList();
        assertEquals(rounds, samples.size());
        for (Row r : samples) {
            assertEquals(2L * 2 * BATCH, r.getLong(0), "each round counts every replica's samples exactly once");
        }
        // Tasks are seeded by (seed, shard, step): the retried work computes the same update.
        Row disturbedRun = runRow(disturbed);
        assertEquals(run.getDouble(run.fieldIndex("final_test_top1")),
                disturbedRun.getDouble(disturbedRun.fieldIndex("final_test_top1")), 1e-12);
        float[] a = parameters(calm);
        float[] b = parameters(disturbed);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-6f, "parameter float " + i);
        }
    }

    /** The stderr files of the executors the workers started (work-N/APP/EXECUTOR/stderr). */
    private static List<Path> executorLogs() throws IOException {
        List<Path> logs = new ArrayList<>();
        for (int worker = 1; worker <= 2; worker++) {
            Path work = runDir.resolve("work-" + worker);
            if (Files.isDirectory(work)) {
                try (var files = Files.walk(work)) {
                    files.filter(f -> f.getFileName().toString().equals("stderr")).forEach(logs::add);
                }
            }
        }
        return logs;
    }

    private static List<String> executorPids() {
        try {
            Process ps = new ProcessBuilder("pgrep", "-f", "CoarseGrainedExecutorBackend").start();
            String pids = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            ps.waitFor();
            return pids.isEmpty() ? List.of() : List.of(pids.split("\\s+"));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not list the executors", e);
        }
    }

    private static void killOneExecutor() {
        try {
            String pid = executorPids().get(0);
            new ProcessBuilder("kill", "-9", pid).start().waitFor();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not kill an executor", e);
        }
    }

    private record ProcessResult(int exitCode, String output) {}

    private static ProcessResult run(List<String> command, boolean cluster, java.util.function.Consumer<String> onLine)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(new File(".")).redirectErrorStream(true);
        LocalClusterEnvironment.apply(pb.environment(), MASTER_PORT, UI_PORT);
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
                if (onLine != null) {
                    onLine.accept(line);
                }
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish in 10 minutes");
        }
        return new ProcessResult(p.exitValue(), String.join("\n", lines));
    }
}
