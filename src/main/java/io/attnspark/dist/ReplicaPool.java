package io.attnspark.dist;

import ai.djl.Device;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.Replica;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Replicas kept alive in an executor JVM between rounds, per model and device, so that a round
 * costs a parameter load rather than a network build. Concurrent tasks each borrow their own.
 * Replicas of other models are closed when a new model arrives (an ablation moves from cell to
 * cell), so the pool holds the replicas of one model at a time.
 */
public final class ReplicaPool {

    private static final Map<String, Queue<Replica>> IDLE = new ConcurrentHashMap<>();

    private ReplicaPool() {}

    /**
     * Borrows an idle replica of the model on the device, or builds one.
     *
     * @param spec the model
     * @param device the device
     * @return a replica for this task's exclusive use until {@link #release}
     */
    public static Replica borrow(ModelSpec spec, Device device) {
        String key = key(spec, device);
        String specJson = spec.toJson();
        IDLE.keySet().removeIf(k -> {
            if (!k.startsWith(specJson + "@")) {
                Queue<Replica> stale = IDLE.get(k);
                if (stale != null) {
                    for (Replica r; (r = stale.poll()) != null; ) {
                        r.close();
                    }
                }
                return true;
            }
            return false;
        });
        Replica replica = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).poll();
        return replica != null ? replica : Replica.create(spec, device);
    }

    /**
     * Returns a replica to the pool.
     *
     * @param replica the replica, no longer used by the task
     * @param device the device it runs on
     */
    public static void release(Replica replica, Device device) {
        IDLE.computeIfAbsent(key(replica.spec(), device), k -> new ConcurrentLinkedQueue<>()).offer(replica);
    }

    private static String key(ModelSpec spec, Device device) {
        return spec.toJson() + "@" + device;
    }
}
