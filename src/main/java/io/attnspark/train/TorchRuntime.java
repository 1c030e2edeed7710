package io.attnspark.train;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Process- and thread-level settings of the PyTorch engine that every JVM of a job (launcher,
 * driver, executors, tests) must apply before it trains.
 */
public final class TorchRuntime {

    private static final ThreadLocal<Integer> THREADS = new ThreadLocal<>();

    private TorchRuntime() {}

    /**
     * Makes DJL use only the engine and natives on the classpath. Must run before the first DJL
     * engine class loads in this JVM.
     */
    public static void forbidDownloads() {
        System.setProperty("ai.djl.offline", "true");
    }

    /**
     * Sets libtorch's intra-op threads for the calling thread: OpenMP keeps the count per thread,
     * so each Spark task thread sets the cores its task was given and replicas do not
     * oversubscribe the CPU. The first call in a JVM also logs its native environment
     * ({@link NativeEnvironment}).
     *
     * @param threads intra-op threads, at least 1
     */
    public static void useIntraOpThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1, got " + threads);
        }
        forbidDownloads();
        if (!Integer.valueOf(threads).equals(THREADS.get())) {
            NativeWarnings.consumeOnce(); // loads libtorch (a fresh executor JVM may not have it yet) quietly
            NativeEnvironment.logOnce(); // here, not on every round's call: once per thread is enough to check

            JniUtils.setNumThreads(threads);
            THREADS.set(threads);
        }
    }
}
