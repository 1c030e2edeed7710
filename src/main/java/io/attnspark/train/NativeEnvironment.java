package io.attnspark.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment variables a JVM that runs libtorch needs, read by native code when the process
 * starts, so they must be set by whoever starts the JVM (the launcher scripts, {@code
 * spark.executorEnv.*}, the test plugins, the Docker images). Each JVM logs its settings once; one
 * without them works, slower, and says so.
 *
 * <ul>
 *   <li>{@code OMP_WAIT_POLICY=PASSIVE}: libtorch's OpenMP threads otherwise spin-wait and, on small
 *       machines with other work, stall for seconds.
 *   <li>{@code GLIBC_TUNABLES} with a fixed {@code mmap_threshold} and a {@code top_pad}: without them
 *       glibc hands a forward pass's tensor buffers back to the kernel when they are freed, and the
 *       next pass faults them in again, page by page. On Spark task threads (each with its own malloc
 *       arena) that never settles; it cost 4-16% of scoring throughput (about 400,000 page faults per
 *       10,000 images, BENCHMARKS.md). Setting {@code top_pad} without {@code mmap_threshold} is far worse:
 *       it turns off glibc's adaptive threshold, so every buffer over 128 KB becomes a fresh mmap.
 * </ul>
 */
public final class NativeEnvironment {

    /** The OpenMP wait policy to set. */
    public static final String OMP_WAIT_POLICY = "PASSIVE";

    /**
     * The malloc settings to set: buffers up to 32 MB come from malloc's arenas, which grow in 64 MB
     * steps and keep up to 256 MB free instead of returning it to the kernel after every pass.
     */
    public static final String GLIBC_TUNABLES =
            "glibc.malloc.mmap_threshold=33554432:glibc.malloc.top_pad=67108864:glibc.malloc.trim_threshold=268435456";

    private static final Logger LOG = LoggerFactory.getLogger(NativeEnvironment.class);
    private static final AtomicBoolean CHECKED = new AtomicBoolean();

    private NativeEnvironment() {}

    /**
     * Logs, once per JVM, this process's settings and what {@link #problems} finds in them (on Linux).
     */
    public static void logOnce() {
        if (CHECKED.compareAndSet(false, true)
                && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            LOG.info("libtorch environment: {}", describe());
            for (String problem : problems(System.getenv())) {
                LOG.warn(problem);
            }
        }
    }

    /**
     * Returns what is missing or wrong in an environment, one message per variable, each naming the
     * variable, the value seen and the value to set.
     *
     * @param env the environment variables
     * @return the messages; empty when the environment is as recommended
     */
    public static List<String> problems(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        String wait = env.get("OMP_WAIT_POLICY");
        if (wait == null || !wait.trim().equalsIgnoreCase(OMP_WAIT_POLICY)) {
            problems.add(String.format(Locale.ROOT,
                    "OMP_WAIT_POLICY is %s: libtorch's threads may spin and stall; start this JVM with"
                            + " OMP_WAIT_POLICY=%s (executors: spark.executorEnv.OMP_WAIT_POLICY)",
                    describe(wait), OMP_WAIT_POLICY));
        }
        String tunables = env.get("GLIBC_TUNABLES");
        Map<String, String> malloc = mallocTunables(tunables);
        if (!malloc.containsKey("mmap_threshold") || !malloc.containsKey("top_pad")) {
            problems.add(String.format(Locale.ROOT,
                    "GLIBC_TUNABLES is %s: %s; start this JVM with GLIBC_TUNABLES=%s"
                            + " (executors: spark.executorEnv.GLIBC_TUNABLES)",
                    describe(tunables),
                    malloc.containsKey("top_pad")
                            ? "top_pad without mmap_threshold makes every tensor buffer a fresh mmap (several times slower)"
                            : "freed tensor memory goes back to the kernel and is faulted in again on every forward pass (~10% slower)",
                    GLIBC_TUNABLES));
        }
        return problems;
    }

    /**
     * Describes this process's settings in one line, for benchmark headers.
     *
     * @return e.g. "OMP_WAIT_POLICY=PASSIVE, GLIBC_TUNABLES as recommended"
     */
    public static String describe() {
        Map<String, String> env = System.getenv();
        String tunables = env.get("GLIBC_TUNABLES");
        return "OMP_WAIT_POLICY=" + env.getOrDefault("OMP_WAIT_POLICY", "(not set)") + ", GLIBC_TUNABLES "
                + (GLIBC_TUNABLES.equals(tunables) ? "as recommended" : tunables == null ? "not set" : "= " + tunables);
    }

    private static Map<String, String> mallocTunables(String tunables) {
        Map<String, String> malloc = new HashMap<>();
        if (tunables == null) {
            return malloc;
        }
        for (String setting : tunables.split(":")) {
            int eq = setting.indexOf('=');
            String key = eq < 0 ? setting.trim() : setting.substring(0, eq).trim();
            if (key.startsWith("glibc.malloc.") && eq > 0) {
                malloc.put(key.substring("glibc.malloc.".length()), setting.substring(eq + 1).trim());
            }
        }
        return malloc;
    }

    private static String describe(String value) {
        return value == null ? "not set" : "'" + value + "'";
    }
}
