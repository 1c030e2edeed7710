package io.attnspark.distributed;

import ai.djl.Device;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.Precision;
import io.attnspark.train.Replica;
import java.io.Serializable;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Replicas kept alive in an executor JVM between rounds, per trainer, model, precision and device, so that a
 * round costs a parameter load rather than a network build. Concurrent tasks each borrow their own.
 * Replicas belong to the trainer (one run) that built them, so two runs side by side (the concurrent
 * cells of an ablation) never share one; every task says which trainers the driver still runs, and the
 * idle replicas of any other trainer are closed, so the pool holds only what running runs need.
 */
public final class ReplicaPool {

    private static final Map<Key, Queue<Replica>> IDLE = new ConcurrentHashMap<>();

    private ReplicaPool() {}

    /**
     * What a task asks the pool for.
     *
     * @param spec the model
     * @param precision the precision the replica computes in ({@code train.precision})
     * @param owner the trainer the replica is for (a run)
     * @param liveOwners the trainers running on the driver when the task was sent, the owner included
     */
    public record Claim(ModelSpec spec, Precision precision, String owner, Set<String> liveOwners)
            implements Serializable {}

    private record Key(String owner, String spec, Precision precision, String device) {}

    /**
     * Borrows an idle replica of the claim's owner, model and precision on the device, or builds one; first
     * closes the idle replicas of trainers that are no longer running.
     *
     * @param claim the model, its precision, its owner and the live owners
     * @param device the device
     * @return a replica for this task's exclusive use until {@link #release}
     */
    public static Replica borrow(Claim claim, Device device) {
        IDLE.keySet().removeIf(k -> {
            if (claim.liveOwners().contains(k.owner())) {
                return false;
            }
            Queue<Replica> stale = IDLE.get(k);
            if (stale != null) {
                for (Replica r; (r = stale.poll()) != null; ) {
                    r.close();
                }
            }
            return true;
        });
        Replica replica = IDLE.computeIfAbsent(key(claim, device), k -> new ConcurrentLinkedQueue<>()).poll();
        return replica != null ? replica : Replica.create(claim.spec(), device, claim.precision());
    }

    /**
     * Returns a replica to the pool.
     *
     * @param claim the claim it was borrowed with
     * @param replica the replica, no longer used by the task
     * @param device the device it runs on
     */
    public static void release(Claim claim, Replica replica, Device device) {
        IDLE.computeIfAbsent(key(claim, device), k -> new ConcurrentLinkedQueue<>()).offer(replica);
    }

    /**
     * Returns the number of idle replicas in this JVM's pool (for tests).
     *
     * @return idle replicas
     */
    static int idle() {
        return IDLE.values().stream().mapToInt(Queue::size).sum();
    }

    /**
     * Returns the owners with idle replicas in this JVM's pool (for tests).
     *
     * @return their ids
     */
    static Set<String> idleOwners() {
        Set<String> owners = new java.util.HashSet<>();
        IDLE.forEach((k, q) -> {
            if (!q.isEmpty()) {
                owners.add(k.owner());
            }
        });
        return owners;
    }

    private static Key key(Claim claim, Device device) {
        return new Key(claim.owner(), claim.spec().toJson(), claim.precision(), device.toString());
    }
}
