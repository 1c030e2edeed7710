package io.attnspark.distributed;

import io.attnspark.data.InputPipeline;
import io.attnspark.data.ImageShard;
import io.attnspark.train.StepStats;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * Averaging among the executors, with no model state through the driver. The averaged state lives
 * in an RDD of P slices (partition j = slice j, see {@link StateSlices}), persisted and locally
 * checkpointed each round so the lineage stays one round long; with two or more executors each
 * slice is also replicated to a second executor, so losing one executor loses no average. A round
 * is two stages:
 * <ol>
 *   <li>train: each replica's task reads the P slices from the block manager (the all-gather,
 *       through narrow dependencies: see {@link WholeState}), assembles the full state, trains its
 *       local steps, and sends its state cut into P payloads, weighted by its samples (a shuffle keyed by
 *       slice: reduce-scatter);
 *   <li>average: slice j's task sums its N payloads in replica order (in double), divides, applies
 *       server momentum, and writes its slice to the checkpoint folder when one is due.
 * </ol>
 * Per round and task, with S the state's bytes, N replicas and P slices: a training task reads S
 * and writes S (less in bfloat16); an averaging task reads N S/P and keeps S/P (twice, replicated).
 * With P = N every task moves about 2S whatever N is; the driver schedules N + P tasks and receives
 * P small summaries. Retried tasks recompute the same bytes (training is seeded by round and
 * shard), so an executor loss costs time, not correctness.
 */
final class ShardedExchange implements StateExchange {

    /** A slice of parameters as float32 bytes, on its way to the driver for the model. */
    record SliceBytes(int slice, byte[] floats) implements Serializable {}

    /** A replica's payload for one slice; the payload of slice 0 also carries the replica's report. */
    record ReplicaSlice(int replica, long weight, byte[] payload, RoundAccumulator report) implements Serializable {}

    /**
     * One averaged slice, as kept between rounds: its floats packed as little-endian float32, so the
     * block manager replicates and serves it as raw bytes rather than through Java's serialisation
     * of float arrays (about 4x slower).
     *
     * @param slice its index
     * @param packedValues its floats of the state
     * @param packedVelocity its server-momentum velocity, or null
     * @param report slice 0's merged replica reports (null elsewhere, and before the first round)
     * @param taskBytes the state bytes its averaging task read and wrote
     */
    record AveragedSlice(int slice, byte[] packedValues, byte[] packedVelocity, RoundAccumulator report,
            long taskBytes) implements Serializable {

        static AveragedSlice of(int slice, float[] values, float[] velocity, RoundAccumulator report, long taskBytes) {
            return new AveragedSlice(slice, values == null ? null : StateSlices.pack(values, 0, values.length),
                    velocity == null ? null : StateSlices.pack(velocity, 0, velocity.length), report, taskBytes);
        }

        float[] values() {
            return unpacked(packedValues);
        }

        float[] velocity() {
            return packedVelocity == null ? null : unpacked(packedVelocity);
        }

        int length() {
            return packedValues.length / 4;
        }

        private static float[] unpacked(byte[] packed) {
            float[] out = new float[packed.length / 4];
            StateSlices.unpack(packed, out, 0);
            return out;
        }
    }

    private final JavaSparkContext jsc;
    private final StateSlices slicing;
    private final WireFormat wire;
    private final float serverMomentum;
    private final Broadcast<SerializableConfiguration> hadoop;
    private JavaRDD<AveragedSlice> current;

    /**
     * Starts from a state: read in parallel from a sliced checkpoint, or cut into slices on the
     * driver (the initial parameters, or a checkpoint of the {@code tree} method: once per run).
     *
     * @param jsc the context
     * @param sync the schedule (server momentum, wire format)
     * @param slicing how the state is cut
     * @param start the state
     */
    ShardedExchange(JavaSparkContext jsc, SyncSchedule sync, StateSlices slicing, TrainingState start) {
        this.jsc = jsc;
        this.slicing = slicing;
        this.wire = sync.wire();
        this.serverMomentum = (float) sync.serverMomentum();
        this.hadoop = SerializableConfiguration.broadcast(jsc.sc());
        StateSlices cut = slicing;
        JavaRDD<AveragedSlice> first;
        if (start.slices() != null) {
            SlicedState saved = start.slices();
            Broadcast<SerializableConfiguration> conf = hadoop;
            List<Integer> indices = new ArrayList<>();
            for (int j = 0; j < cut.count(); j++) {
                indices.add(j);
            }
            first = jsc.parallelize(indices, cut.count()).map(j -> {
                float[][] read = saved.read(conf.value().value(), cut.start(j), cut.end(j));
                return AveragedSlice.of(j, read[0], read[1], null, 0);
            });
        } else {
            float[] state = concat(start.parameters(), start.momentum());
            float[] velocity = start.serverVelocity() == null
                    ? null : Arrays.copyOf(start.serverVelocity(), cut.length());
            List<AveragedSlice> slices = new ArrayList<>();
            for (int j = 0; j < cut.count(); j++) {
                slices.add(AveragedSlice.of(j, Arrays.copyOfRange(state, cut.start(j), cut.end(j)),
                        velocity == null ? null : Arrays.copyOfRange(velocity, cut.start(j), cut.end(j)), null, 0));
            }
            first = jsc.parallelize(slices, cut.count());
        }
        current = keep(first);
        current.count();
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Persists (replicated when there is a second executor) and cuts the lineage at the next job. */
    private JavaRDD<AveragedSlice> keep(JavaRDD<AveragedSlice> slices) {
        // The driver is listed among the block managers, except in local mode where it is the executor.
        int executors = jsc.isLocal() ? 1 : jsc.sc().getExecutorMemoryStatus().size() - 1;
        slices.persist(executors >= 2 ? StorageLevel.MEMORY_AND_DISK_2() : StorageLevel.MEMORY_AND_DISK());
        slices.rdd().localCheckpoint();
        return slices;
    }

    @Override
    public Round round(JavaRDD<ImageShard> trainShards, RoundTask task, String checkpointFolder) {
        int replicas = trainShards.getNumPartitions();
        StateSlices cut = slicing;
        WireFormat format = wire;
        float beta = serverMomentum;
        Broadcast<SerializableConfiguration> conf = hadoop;

        JavaRDD<AveragedSlice> gathered = WholeState.gathered(jsc, current, replicas);
        JavaPairRDD<Integer, ReplicaSlice> payloads = trainShards
                .zipPartitions(gathered, (shard, slices) -> trainReplica(shard, slices, task, cut, format))
                .mapToPair(p -> new Tuple2<>(p.slice, p.value))
                .partitionBy(new HashPartitioner(cut.count()));
        JavaRDD<AveragedSlice> next = payloads.values().zipPartitions(current,
                (mine, previous) -> List.of(average(mine, previous.next(), cut, format, beta,
                        checkpointFolder, conf)).iterator());
        next = keep(next);
        List<AveragedSlice> summaries = next.map(s -> new AveragedSlice(s.slice(), null, null, s.report(),
                s.taskBytes())).collect();
        current.unpersist(false);
        current = next;

        RoundAccumulator sum = null;
        long reducerBytes = 0;
        for (AveragedSlice s : summaries) {
            if (s.report() != null) {
                sum = s.report();
            }
            reducerBytes = Math.max(reducerBytes, s.taskBytes());
        }
        if (sum == null) {
            throw new IllegalStateException("slice 0's averaging task reported no replicas");
        }
        return new Round(sum.taskBytes(reducerBytes), 0, 0);
    }

    /** A payload on its way to its slice's task. */
    private record Keyed(int slice, ReplicaSlice value) {}

    /**
     * Trains one replica from the gathered slices and returns its payloads, encoded one at a time as
     * the shuffle writer asks for them: in float32 the task holds one state (the averaged arrays are
     * reused for the trained state) plus one payload; in bfloat16 also the averaged parameters the
     * changes are taken from.
     */
    private static Iterator<Keyed> trainReplica(
            Iterator<ImageShard> shardData, Iterator<AveragedSlice> slices, RoundTask task, StateSlices cut,
            WireFormat wire) {
        long start = System.nanoTime();
        int shard = TaskContext.getPartitionId();
        ImageShard data = shardData.next();
        float[] parameters = new float[cut.parameters()];
        float[] momentum = new float[cut.momentum()];
        long[] read = {0};
        float[][] started = {null};
        ReplicaState averaged = new ReplicaState(parameters, momentum);
        RoundTask.Trained t = task.train(shard, data, () -> {
            int seen = 0;
            while (slices.hasNext()) {
                AveragedSlice s = slices.next();
                place(s.packedValues(), cut.start(s.slice()), parameters, momentum);
                read[0] += s.packedValues().length;
                seen++;
            }
            if (seen != cut.count()) {
                throw new IllegalStateException("shard " + shard + " received " + seen + " of " + cut.count()
                        + " slices of the averaged state");
            }
            started[0] = wire == WireFormat.BFLOAT16 ? parameters.clone() : null;
            return averaged;
        }, wire == WireFormat.FLOAT32 ? averaged : null);
        long written = 0;
        for (int j = 0; j < cut.count(); j++) {
            written += cut.payloadBytes(j, wire);
        }
        RoundAccumulator report = new RoundAccumulator()
                .report(t.stats(), (System.nanoTime() - start) / 1e9, t.loadSeconds(), t.computeSeconds())
                .device(t.device())
                .taskBytes(read[0] + written);
        long weight = t.stats().samples();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < cut.count();
            }

            @Override
            public Keyed next() {
                int j = next++;
                byte[] payload = cut.encode(j, t.parameters(), t.momentum(), started[0], wire);
                return new Keyed(j, new ReplicaSlice(shard, weight, payload, j == 0 ? report : null));
            }
        };
    }

    /** Unpacks a slice's floats into the parameter and momentum arrays, across their boundary. */
    private static void place(byte[] packed, int from, float[] parameters, float[] momentum) {
        FloatBuffer values = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        int count = values.remaining();
        int inParameters = Math.max(0, Math.min(count, parameters.length - from));
        if (inParameters > 0) {
            values.get(parameters, from, inParameters);
        }
        if (inParameters < count) {
            values.get(momentum, from + inParameters - parameters.length, count - inParameters);
        }
    }

    private static AveragedSlice average(Iterator<ReplicaSlice> payloads, AveragedSlice previous, StateSlices cut,
            WireFormat wire, float beta, String checkpointFolder, Broadcast<SerializableConfiguration> conf) {
        int slice = previous.slice();
        List<ReplicaSlice> all = new ArrayList<>();
        payloads.forEachRemaining(all::add);
        // Shuffle blocks arrive in any order: sum in replica order so every run adds the same way.
        all.sort(Comparator.comparingInt(ReplicaSlice::replica));
        double[] sums = new double[cut.end(slice) - cut.start(slice)];
        double weight = 0;
        long bytes = 0;
        RoundAccumulator report = slice == 0 ? new RoundAccumulator() : null;
        for (ReplicaSlice p : all) {
            cut.accumulate(slice, p.payload(), p.weight(), wire, sums);
            weight += p.weight();
            bytes += p.payload().length;
            if (report != null) {
                report.merge(p.report());
            }
        }
        if (weight == 0) {
            throw new IllegalStateException("no replica reported any trained samples this round");
        }
        float[] average = cut.finish(slice, sums, weight, previous.values(), wire);
        float[] velocity = previous.velocity();
        if (beta > 0) {
            velocity = velocity == null ? new float[average.length] : velocity.clone();
            cut.applyServerMomentum(slice, previous.values(), average, velocity, beta);
        }
        bytes += 4L * average.length * (velocity == null ? 1 : 2);
        if (checkpointFolder != null) {
            bytes += SlicedState.write(conf.value().value(), checkpointFolder, slice, cut.start(slice), average, velocity);
        }
        return AveragedSlice.of(slice, average, velocity, report, bytes);
    }

    @Override
    public StepStats evaluate(JavaRDD<ImageShard> testShards, ReplicaPool.Claim claim, InputPipeline input,
            int batch, int treeDepth) {
        StateSlices cut = slicing;
        JavaRDD<AveragedSlice> gathered = WholeState.gathered(jsc, current, testShards.getNumPartitions());
        return testShards
                .zipPartitions(gathered, (shards, slices) -> {
                    ImageShard data = shards.next();
                    float[] parameters = new float[cut.parameters()];
                    slices.forEachRemaining(s -> {
                        int from = cut.start(s.slice());
                        if (from < parameters.length) {
                            ByteBuffer.wrap(s.packedValues()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                                    .get(parameters, from, Math.min(s.length(), parameters.length - from));
                        }
                    });
                    return List.of(RoundTask.evaluate(claim, data, () -> parameters, input, batch)).iterator();
                })
                .treeReduce(StepStats::plus, treeDepth);
    }

    @Override
    public TrainingState checkpointState(int nextRound, List<RoundMetrics> rounds, long trainedSamples,
            double elapsedSeconds) {
        boolean velocity = serverMomentum > 0;
        return new TrainingState(nextRound, null, null, rounds, trainedSamples, elapsedSeconds, null,
                new SlicedState(slicing.count(), slicing.parameters(), slicing.momentum(), velocity, null));
    }

    @Override
    public float[] parameters() {
        StateSlices cut = slicing;
        List<SliceBytes> parts = current
                .filter(s -> cut.start(s.slice()) < cut.parameters())
                .map(s -> new SliceBytes(s.slice(), Arrays.copyOf(s.packedValues(),
                        4 * (Math.min(cut.end(s.slice()), cut.parameters()) - cut.start(s.slice())))))
                .collect();
        float[] parameters = new float[cut.parameters()];
        for (SliceBytes s : parts) {
            StateSlices.unpack(s.floats(), parameters, cut.start(s.slice()));
        }
        return parameters;
    }

    @Override
    public void close() {
        current.unpersist(false);
        hadoop.destroy(false);
    }
}
