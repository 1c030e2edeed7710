package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeEnvironmentTest {

    private static final Map<String, String> RECOMMENDED = Map.of(
            "OMP_WAIT_POLICY", NativeEnvironment.OMP_WAIT_POLICY,
            "GLIBC_TUNABLES", NativeEnvironment.GLIBC_TUNABLES);

    @Test
    void recommendedEnvironmentHasNoProblems() {
        assertEquals(List.of(), NativeEnvironment.problems(RECOMMENDED));
        assertEquals(List.of(), NativeEnvironment.problems(Map.of("OMP_WAIT_POLICY", " passive ",
                "GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX512F:glibc.malloc.top_pad=1:glibc.malloc.mmap_threshold=2")));
    }

    @Test
    void emptyEnvironmentNamesBothVariablesAndTheValuesToSet() {
        List<String> problems = NativeEnvironment.problems(Map.of());
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).startsWith("OMP_WAIT_POLICY is not set"), problems.get(0));
        assertTrue(problems.get(0).contains("OMP_WAIT_POLICY=PASSIVE"), problems.get(0));
        assertTrue(problems.get(1).startsWith("GLIBC_TUNABLES is not set"), problems.get(1));
        assertTrue(problems.get(1).contains("GLIBC_TUNABLES=" + NativeEnvironment.GLIBC_TUNABLES), problems.get(1));
        assertTrue(problems.get(1).contains("spark.executorEnv.GLIBC_TUNABLES"), problems.get(1));
    }

    @Test
    void wrongValuesAreQuoted() {
        List<String> problems = NativeEnvironment.problems(Map.of("OMP_WAIT_POLICY", "ACTIVE",
                "GLIBC_TUNABLES", "glibc.malloc.arena_max=2"));
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).startsWith("OMP_WAIT_POLICY is 'ACTIVE'"), problems.get(0));
        assertTrue(problems.get(1).startsWith("GLIBC_TUNABLES is 'glibc.malloc.arena_max=2'"), problems.get(1));
    }

    @Test
    void topPadWithoutMmapThresholdIsCalledOutAsTheWorseCase() {
        List<String> problems = NativeEnvironment.problems(Map.of("OMP_WAIT_POLICY", "PASSIVE",
                "GLIBC_TUNABLES", "glibc.malloc.top_pad=67108864"));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("top_pad without mmap_threshold"), problems.get(0));
    }

    /** The value is repeated where Java cannot reach (process start); all copies must agree. */
    @Test
    void everyFileThatStartsLibtorchJvmsSetsTheSameValues() throws IOException {
        String tunables = NativeEnvironment.GLIBC_TUNABLES;
        assertContains("jobs/native-env.sh", "OMP_WAIT_POLICY=\"${OMP_WAIT_POLICY:-PASSIVE}\"", 1);
        assertContains("jobs/native-env.sh", "GLIBC_TUNABLES=\"${GLIBC_TUNABLES:-" + tunables + "}\"", 1);
        assertContains("pom.xml", "<GLIBC_TUNABLES>" + tunables + "</GLIBC_TUNABLES>", 2); // surefire, failsafe
        assertContains("pom.xml", "<OMP_WAIT_POLICY>PASSIVE</OMP_WAIT_POLICY>", 2);
        assertContains("conf/spark-defaults.conf", "spark.executorEnv.GLIBC_TUNABLES       " + tunables + "\n", 1);
        assertContains("docker/Dockerfile.cpu", "GLIBC_TUNABLES=" + tunables + "\n", 1);
        assertContains("docker/Dockerfile.gpu", "GLIBC_TUNABLES=" + tunables + "\n", 1);
        assertContains("docker/README.md", "spark.executorEnv.GLIBC_TUNABLES=" + tunables + " ", 1);
        for (String script : List.of("jobs/attnspark", "jobs/submit.sh", "jobs/cluster-up.sh")) {
            assertContains(script, "source \"$root/jobs/native-env.sh\"", 1);
        }
    }

    private static void assertContains(String file, String text, int times) throws IOException {
        String content = Files.readString(Path.of(file));
        int count = 0;
        for (int at = content.indexOf(text); at >= 0; at = content.indexOf(text, at + 1)) {
            count++;
        }
        assertEquals(times, count, file + " should contain " + times + " time(s): " + text);
    }
}
