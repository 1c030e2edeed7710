package io.attnspark.score;

import ai.djl.Device;
import io.attnspark.train.Precision;
import io.attnspark.train.Replica;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The networks loaded in this JVM for scoring, one per model id, precision and device: the first task
 * of a model on a device builds the network and loads the parameters, later tasks (of this job or the
 * next) reuse it. Concurrent tasks share it: inference only reads the parameters, and each forward
 * pass has its own native memory scope. A network is kept while any task holds it; once idle, it is
 * closed when another model is loaded, so an executor keeps at most the models in use plus the last
 * one.
 */
final class LoadedModels {

    private static final Map<String, Entry> MODELS = new HashMap<>();
    private static long loads;

    private LoadedModels() {}

    /** A loaded network and the number of tasks holding it. */
    private static final class Entry {
        final Replica replica;
        int holders;

        Entry(Replica replica) {
            this.replica = replica;
        }
    }

    /** A task's hold on a loaded network; release it when the task ends. */
    static final class Handle implements AutoCloseable {
        private final String key;
        private final Replica replica;
        private boolean released;

        private Handle(String key, Replica replica) {
            this.key = key;
            this.replica = replica;
        }

        /**
         * Returns the loaded network: use only {@link Replica#predict} and {@link Replica#spec}.
         *
         * @return the replica
         */
        Replica replica() {
            return replica;
        }

        /** Releases the hold; idempotent. */
        @Override
        public void close() {
            synchronized (MODELS) {
                if (!released) {
                    released = true;
                    Entry entry = MODELS.get(key);
                    if (entry != null) {
                        entry.holders--;
                    }
                }
            }
        }
    }

    /**
     * Holds the network of a model on a device, loading it on first use.
     *
     * @param modelId the model's id ({@link ScoringModel#id()})
     * @param precision what its forward passes compute in
     * @param device the device
     * @param model supplies the model when it is not loaded yet (e.g. from a broadcast)
     * @return the hold
     */
    static Handle acquire(String modelId, Precision precision, Device device, Supplier<ScoringModel> model) {
        String key = modelId + "@" + device + "/" + precision.configName();
        synchronized (MODELS) {
            Entry entry = MODELS.get(key);
            if (entry == null) {
                closeIdleExcept(key);
                entry = new Entry(load(model.get(), precision, device));
                MODELS.put(key, entry);
            }
            entry.holders++;
            return new Handle(key, entry.replica);
        }
    }

    /**
     * Returns how many networks are loaded, for tests.
     *
     * @return the number of loaded networks
     */
    static int loaded() {
        synchronized (MODELS) {
            return MODELS.size();
        }
    }

    /**
     * Returns how many networks this JVM has loaded so far, for tests.
     *
     * @return the number of loads
     */
    static long loads() {
        synchronized (MODELS) {
            return loads;
        }
    }

    private static Replica load(ScoringModel model, Precision precision, Device device) {
        loads++;
        Replica replica = Replica.create(model.spec(), device, precision);
        try {
            replica.setState(model.parameters(), null);
            // One forward pass here, under the lock, so that the first concurrent passes do not
            // race to fill the parameter store.
            replica.predict(new float[model.spec().inputChannels() * model.spec().imageHeight()
                    * model.spec().imageWidth()], 1);
            return replica;
        } catch (RuntimeException | Error e) {
            replica.close();
            throw e;
        }
    }

    private static void closeIdleExcept(String key) {
        for (Iterator<Map.Entry<String, Entry>> it = MODELS.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry> e = it.next();
            if (!e.getKey().equals(key) && e.getValue().holders <= 0) {
                e.getValue().replica.close();
                it.remove();
            }
        }
    }
}
