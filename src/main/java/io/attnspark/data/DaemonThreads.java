package io.attnspark.data;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for helper threads that must never keep a JVM (a Spark executor) alive. */
public final class DaemonThreads {

    private DaemonThreads() {}

    /**
     * Returns a factory of daemon threads named {@code <prefix>-<n>}.
     *
     * @param prefix the name prefix
     * @return the factory
     */
    public static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
