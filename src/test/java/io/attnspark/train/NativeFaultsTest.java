package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oneDNN faults of libtorch 2.7.1 seen on an AMD Zen 5 CPU (see {@link
 * io.attnspark.nn.GuardedConvolution}), reproduced in a child JVM so that an abort fails this test
 * instead of ending the test run. On an affected CPU the guarded run aborts or fails without the
 * routing; the unguarded run shows whether this CPU has the faults at all, and is printed, not
 * asserted, since most CPUs do not.
 */
class NativeFaultsTest {

    private static final int BAM_STEPS = 200;

    @Test
    void faultingShapesRunFiniteThroughTheGuardedPaths(@TempDir Path dir) throws Exception {
        ChildResult unguarded = runProbe(dir.resolve("unguarded"), "unguarded");
        System.out.println("oneDNN faults on this CPU, without the guarded paths (exit " + unguarded.exitCode + "):\n"
                + unguarded.summary());

        ChildResult guarded = runProbe(dir.resolve("guarded"), "guarded");
        assertEquals(0, guarded.exitCode, "the probe JVM failed or died in native code:\n" + guarded.summary());
        long checks = guarded.output.lines().filter(l -> l.startsWith("ok ")).count();
        assertEquals(NativeFaultProbe.STRIDED_POINTWISE.size() + 2 * NativeFaultProbe.SMALL_MAPS.size() + 1, checks,
                guarded.summary());
        assertFalse(guarded.output.contains("FAIL "), guarded.summary());
    }

    private record ChildResult(int exitCode, String output, String crashReport) {
        String summary() {
            StringBuilder s = new StringBuilder();
            output.lines().filter(l -> l.startsWith("ok ") || l.startsWith("FAIL ") || l.contains("info,oneDNN")
                    || l.contains("isa:") || l.startsWith("# ") && !l.equals("# ")).forEach(l -> s.append("  ").append(l).append('\n'));
            if (!crashReport.isEmpty()) {
                s.append("  crash report: ").append(crashReport).append('\n');
            }
            return s.toString();
        }
    }

    /** Runs {@link NativeFaultProbe} in a JVM of its own with this JVM's class path and environment. */
    private static ChildResult runProbe(Path dir, String mode) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true",
                "-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"), "-cp", System.getProperty("java.class.path"),
                NativeFaultProbe.class.getName(), mode, Integer.toString(BAM_STEPS)));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        // "check": oneDNN prints its version and the instruction set it dispatches to, and creation errors
        pb.environment().put("ONEDNN_VERBOSE", "check");
        File log = dir.resolve("output.txt").toFile();
        pb.redirectOutput(log);
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the probe JVM did not finish in 10 minutes");
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("onednn_verbose") || l.contains("isa:") || l.contains("info,oneDNN")).reduce("", (a, b) -> a + b + "\n");
        String crash = "";
        try (var files = Files.list(dir)) {
            Path report = files.filter(f -> f.getFileName().toString().startsWith("hs_err")).findFirst().orElse(null);
            if (report != null) {
                crash = report + ", " + Files.readAllLines(report).stream()
                        .filter(l -> l.startsWith("# C ") || l.startsWith("#  SIG")).reduce("", (a, b) -> a + b.trim() + " ");
            }
        }
        return new ChildResult(p.exitValue(), output, crash);
    }
}
