package io.attnspark.distributed;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trainers training in this driver JVM right now. Tasks carry a snapshot to the executors, whose
 * {@link ReplicaPool} then closes the idle replicas of trainers that have ended: the driver cannot
 * reach every executor when a run ends, but the next task on each one can.
 */
final class LiveTrainers {

    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    private LiveTrainers() {}

    static void started(String owner) {
        LIVE.add(owner);
    }

    static void ended(String owner) {
        LIVE.remove(owner);
    }

    /** The live trainers and {@code self} (which may evaluate outside a training loop), as a serialisable copy. */
    static Set<String> snapshot(String self) {
        Set<String> live = new HashSet<>(LIVE);
        live.add(self);
        return live;
    }
}
