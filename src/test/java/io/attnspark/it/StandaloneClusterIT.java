package io.attnspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on a real Spark standalone cluster (jobs/cluster-up.sh: a master and two workers on
 * 127.0.0.1, each executor a separate JVM) through jobs/submit.sh and the application jar, with
 * fake GPU discovery (worker 1 reports GPU "0", worker 2 GPU "1"). Runs after {@code package}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the first test counts the executors' logs of the cluster
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

    private static List<String> train(String output, String... more) {
        List<String> command = new ArrayList<>(List.of("jobs/submit.sh", "train", "--conf", "conf/train-fmnist.conf",
                "data.table=" + table, "output.path=" + output, "model.depth=8", "train.epochs=1",
                "train.batch-size=" + BATCH, "sync.shards=2", "sync.every=2", "train.lr=0.05"));
        command.addAll(List.of(more));
        return command;
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
    @Order(1)
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

        // The sharded method, killing an executor that holds averaged slices, shuffle outputs and a
        // cached shard: Spark recomputes what was lost from the replicated slices, and the run ends
        // where the undisturbed tree run ended.
        String sharded = dir.resolve("sharded-disturbed").toString();
        AtomicBoolean killedSharded = new AtomicBoolean();
        ProcessResult third = run(train(sharded, "sync.method=sharded", "checkpoint.every=3"), true, line -> {
            if (line.startsWith("epoch") && killedSharded.compareAndSet(false, true)) {
                killOneExecutor();
            }
        });
        assertEquals(0, third.exitCode, third.output);
        assertTrue(killedSharded.get(), "an executor was killed in the sharded run");
        List<Row> shardedRounds = TestSpark.session().read().parquet(sharded + "/tables/rounds")
                .select("samples", "sync_bytes_driver").collectAsList();
        assertEquals(rounds, shardedRounds.size());
        for (Row r : shardedRounds) {
            assertEquals(2L * 2 * BATCH, r.getLong(0), "each sharded round counts every replica's samples once");
            assertEquals(0L, r.getLong(1), "no model state through the driver");
        }
        float[] c = parameters(sharded);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], c[i], 1e-6f, "sharded parameter float " + i);
        }
    }

    @Test
    @Order(2)
    void stopsTheRunWhenAnExecutorDiesInNativeCode() throws Exception {
        // Long tasks (one epoch of 20 steps of ResNet-20 per round), so that the signal finds one running.
        String output = dir.resolve("crashed").toString();
        List<String> command = List.of("jobs/submit.sh", "train", "--conf", "conf/train-fmnist.conf",
                "data.table=" + table, "output.path=" + output, "model.depth=20", "train.epochs=4",
                "train.batch-size=" + BATCH, "sync.shards=2", "sync.every=20", "train.lr=0.05");
        AtomicReference<Crashed> crashed = new AtomicReference<>();
        AtomicLong killedAt = new AtomicLong();
        ProcessResult run = run(command, true, line -> {
            if (line.startsWith("epoch") && crashed.get() == null) {
                // SIGFPE sent by kill: HotSpot's fatal-error handler runs as for a fault in libtorch/oneDNN,
                // writes hs_err_pid<PID>.log into the working directory and aborts (exit code 134).
                crashed.set(signalBusyExecutor("-FPE"));
                killedAt.set(System.nanoTime());
            }
        });
        double secondsAfterKill = (System.nanoTime() - killedAt.get()) / 1e9;
        // What the driver saw of the loss, for the build log.
        run.output.lines().filter(l -> !l.startsWith("\tat ")).forEach(l -> System.out.println("crash run: " + l));
        Crashed victim = crashed.get();
        assertNotNull(victim, "an executor was signalled:\n" + run.output);
        assertEquals(3, run.exitCode, "the run fails with the native-crash exit code:\n" + run.output);

        String error = run.output.lines().filter(l -> l.startsWith("attnspark: error: ")).findFirst().orElse("");
        Matcher appMatch = Pattern.compile("Spark application (app-[0-9-]+)").matcher(error);
        assertTrue(appMatch.find(), "the error line names the application:\n" + run.output);
        String appId = appMatch.group(1);
        Path executorDir = victim.workingDirectory();
        String executorId = executorDir.getFileName().toString();
        for (String expected : new String[] {"died in native code (libtorch/oneDNN)", "resnet-cifar-20 (variant baseline)",
            "input 1x16x16", "batch " + BATCH + " per replica", "executor " + executorId + " on 127.0.0.1",
            "exited with code 134", "hs_err_pid<PID>.log", "<worker work dir>/" + appId + "/" + executorId + "/",
            "Command exited with code 134"}) {
            assertTrue(error.contains(expected), "missing '" + expected + "' in the error line:\n" + run.output);
        }
        assertTrue(Pattern.compile("^attnspark: error: run \\d{8}-\\d{6}-[0-9a-f]{8} ").matcher(error).find(),
                "the error names the run id: " + error);
        assertTrue(Pattern.compile("stopped in (the evaluation after )?round \\d+/4").matcher(error).find(), error);
        assertFalse(run.output.contains("\tat io.attnspark"), "no stack trace of ours:\n" + run.output);
        System.out.println("crash run: " + run.output.lines().filter(l -> l.startsWith("\tat ")).count()
                + " stack trace lines in " + run.output.lines().count() + " lines of output");

        // The crash report is where the message says: <worker work dir>/<app id>/<executor id>/.
        assertTrue(executorDir.startsWith(runDir) && executorDir.getParent().getFileName().toString().equals(appId),
                executorDir + " is the executor's folder under " + runDir + " for " + appId);
        Path report = executorDir.resolve("hs_err_pid" + victim.pid() + ".log");
        assertTrue(Files.isRegularFile(report), "HotSpot's crash report " + report);
        assertTrue(Files.readString(report).contains("SIGFPE"), report + " reports the signal");
        String executorOutput = Files.readString(executorDir.resolve("stdout"));
        assertTrue(executorOutput.contains(report.toString()), "the executor's stdout names the report:\n"
                + executorOutput);

        // Stopped at once: one executor lost, no retry that killed the other, no run to its end.
        List<Path> reports = new ArrayList<>();
        for (int worker = 1; worker <= 2; worker++) {
            Path app = runDir.resolve("work-" + worker).resolve(appId);
            if (Files.isDirectory(app)) {
                try (var files = Files.walk(app)) {
                    files.filter(f -> f.getFileName().toString().startsWith("hs_err_pid")).forEach(reports::add);
                }
            }
        }
        assertEquals(List.of(report), reports, "only the signalled executor died");
        assertEquals(1, run.output.lines().filter(l -> l.contains("Lost executor")).count(), run.output);
        assertFalse(Files.exists(Path.of(output, "model")), "the run did not finish");
        assertTrue(secondsAfterKill < 90, "the driver gave up promptly: " + secondsAfterKill + " s after the signal");
    }

    /** An executor the test signalled: its process id and working directory. */
    private record Crashed(String pid, Path workingDirectory) {}

    /**
     * Sends a signal to an executor that is running a task, found by its CPU time over a short window
     * (an idle executor between rounds would die without failing a task of the run).
     */
    @Test
    @Order(3)
    void trainsATableLargerThanTheExecutorsMemoryDecodingPerEpoch() throws Exception {
        // 5,000 noise JPEGs of 256x256 (about 360 MB) against executors of 512 MB heap (about 127 MB of
        // storage memory each): the encoded shards cannot all stay in memory and spill to disk.
        String big = dir.resolve("big").toString();
        long bytes = writeNoiseJpegTable(big, 5_000, 256);
        assertTrue(bytes > 300L << 20, "over 300 MB, more than the two executors' storage memory together: " + bytes);
        String output = dir.resolve("big-run").toString();
        List<String> command = new ArrayList<>(List.of("jobs/submit.sh", "train", "--conf", "conf/train-fmnist.conf",
                "data.table=" + big, "output.path=" + output, "model.depth=8", "train.epochs=1",
                "train.batch-size=" + BATCH, "sync.shards=8", "sync.every=15", "train.lr=0.05",
                "data.input-size=[32, 32]", "train.augment.random-resized-crop=true", "data.test-limit=200"));
        ProcessResult result = runWith(command, "--conf spark.executor.memory=512m");
        assertEquals(0, result.exitCode, result.output);
        Matcher cached = Pattern.compile("Training shards cached: (\\d+) of 8 partitions, (\\d+) MiB in memory,"
                + " (\\d+) MiB on disk").matcher(result.output);
        assertTrue(cached.find(), result.output);
        assertTrue(Long.parseLong(cached.group(3)) > 0, "some shards spilled to disk: " + cached.group());
        assertTrue(result.output.contains("encoded, decoded per epoch"), result.output);
        Row run = runRow(output);
        assertEquals(2, run.getInt(run.fieldIndex("executors")), "two executor JVMs");
        assertTrue(TestSpark.session().read().parquet(output + "/tables/rounds").count() >= 1);
    }

    /** Writes a table of incompressible JPEGs with size columns; returns the bytes of its images. */
    private static long writeNoiseJpegTable(String path, int images, int size) throws IOException {
        java.util.Random random = new java.util.Random(5);
        java.awt.image.BufferedImage image =
                new java.awt.image.BufferedImage(size, size, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        byte[] raster = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
        org.apache.spark.sql.types.StructType schema = io.attnspark.distributed.ImageTable
                .schema(List.of("left", "middle", "right")); // id, label, image, split, height, width, channels
        javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam quality = writer.getDefaultWriteParam();
        quality.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        quality.setCompressionQuality(0.95f); // noise at quality 95: about 100 KB per image
        List<Row> rows = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < images; i++) {
            random.nextBytes(raster);
            int label = i % 3;
            for (int y = 0; y < size; y++) { // a bright band in the label's third, so there is something to learn
                for (int x = label * size / 3; x < (label + 1) * size / 3; x++) {
                    raster[(y * size + x) * 3 + 1] = (byte) 255;
                }
            }
            java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
            try (javax.imageio.stream.ImageOutputStream out = javax.imageio.ImageIO.createImageOutputStream(jpeg)) {
                writer.setOutput(out);
                writer.write(null, new javax.imageio.IIOImage(image, null, null), quality);
            }
            byte[] bytes = jpeg.toByteArray();
            total += bytes.length;
            String split = i < images - 400 ? "train" : "test";
            rows.add(org.apache.spark.sql.RowFactory.create(
                    String.format(java.util.Locale.ROOT, "%s-%05d", split, i), label, bytes, split, size, size, 3));
            if (rows.size() == 500 || i == images - 1) { // in chunks: the test JVM's heap is 2 GB
                TestSpark.session().createDataFrame(rows, schema).write()
                        .mode(org.apache.spark.sql.SaveMode.Append).parquet(path);
                rows.clear();
            }
        }
        writer.dispose();
        return total;
    }

    private static Crashed signalBusyExecutor(String signal) {
        try {
            for (int attempt = 0; attempt < 100; attempt++) {
                List<String> pids = executorPids();
                java.util.Map<String, Long> before = new java.util.HashMap<>();
                for (String pid : pids) {
                    before.put(pid, cpuTicks(pid));
                }
                Thread.sleep(200);
                for (String pid : pids) {
                    // More than half of the window on a CPU: training, not waiting for the next round.
                    if (cpuTicks(pid) - before.get(pid) > 10) {
                        Path cwd = Files.readSymbolicLink(Path.of("/proc", pid, "cwd"));
                        new ProcessBuilder("kill", signal, pid).start().waitFor();
                        return new Crashed(pid, cwd);
                    }
                }
            }
            throw new IllegalStateException("no executor was busy");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not signal an executor", e);
        }
    }

    /** User + system CPU time of a process in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(String pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
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

    private static ProcessResult runWith(List<String> command, String submitOptions)
            throws IOException, InterruptedException {
        return run(command, true, null, submitOptions);
    }

    private static ProcessResult run(List<String> command, boolean cluster, java.util.function.Consumer<String> onLine)
            throws IOException, InterruptedException {
        return run(command, cluster, onLine, null);
    }

    private static ProcessResult run(List<String> command, boolean cluster, java.util.function.Consumer<String> onLine,
            String submitOptions) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(new File(".")).redirectErrorStream(true);
        LocalClusterEnvironment.apply(pb.environment(), MASTER_PORT, UI_PORT);
        if (submitOptions != null) {
            pb.environment().merge("SPARK_SUBMIT_OPTS_EXTRA", submitOptions, (a, b) -> a + " " + b);
        }
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
