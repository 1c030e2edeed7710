package io.attnspark.cli;

import io.attnspark.distributed.ReplicaState;
import io.attnspark.distributed.RoundAccumulator;
import io.attnspark.distributed.StateSlices;
import io.attnspark.distributed.WireFormat;
import io.attnspark.model.Backbone;
import io.attnspark.model.ModelFacts;
import io.attnspark.stats.Medians;
import io.attnspark.train.StepStats;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attnspark bench sync}: the per-round costs of averaging that do not depend on the cluster — Java
 * serialisation of a task result and of the broadcast state, and one merge of the tree aggregation — for
 * the state sizes of real models. With the measured round times they give BENCHMARKS.md's projection.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Serialise, deserialise and merge replica states of real model sizes (medians of repeats).")
public final class BenchSyncCommand implements Callable<Integer> {

    @Option(names = "--models", split = ",", description = "backbone:depth[:input size] (default: ${DEFAULT-VALUE}).")
    List<String> models = new ArrayList<>(List.of("resnet-cifar:20:28", "resnet:50:224"));

    @Option(names = "--repeats", description = "Timed repeats per measurement (default: ${DEFAULT-VALUE}).")
    int repeats = 5;

    @Override
    public Integer call() {
        System.out.println("| model | trainable params | state MB (params + momentum) | serialise ms | deserialise ms"
                + " | merge ms | serialised MB | sharded: encode ms (f32 / bf16) | sharded: average ms (f32 / bf16) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String m : models) {
            String[] parts = m.split(":");
            if (parts.length < 2) {
                throw new ConfigError("--models entry '" + m + "' is not backbone:depth[:input size]");
            }
            int size = parts.length > 2 ? Integer.parseInt(parts[2]) : 224;
            Backbone backbone = Backbone.of(parts[0]);
            int depth = Integer.parseInt(parts[1]);
            long params = ModelFacts.of(ModelFacts.countingSpec(new Backbone.Choice(backbone, depth), 3, size, size,
                    parts[0].equals("resnet-cifar") ? 10 : 1000)).parameters();
            int n = Math.toIntExact(params);
            Random random = new Random(1);
            float[] p = new float[n];
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                p[i] = (float) random.nextGaussian();
                v[i] = (float) random.nextGaussian();
            }
            double[] ser = new double[repeats];
            double[] de = new double[repeats];
            double[] merge = new double[repeats];
            long bytes = 0;
            for (int r = 0; r < repeats; r++) {
                RoundAccumulator a = new RoundAccumulator().add(p, v, new StepStats(128, 1, 1, 1), 1, 0, 1);
                long t0 = System.nanoTime();
                byte[] data = serialise(a);
                long t1 = System.nanoTime();
                RoundAccumulator back = (RoundAccumulator) deserialise(data);
                long t2 = System.nanoTime();
                RoundAccumulator b = new RoundAccumulator().add(v, p, new StepStats(128, 1, 1, 1), 1, 0, 1);
                long t3 = System.nanoTime();
                back.merge(b);
                long t4 = System.nanoTime();
                ser[r] = (t1 - t0) / 1e6;
                de[r] = (t2 - t1) / 1e6;
                merge[r] = (t4 - t3) / 1e6;
                bytes = data.length;
                if (r == 0) {
                    // The broadcast carries the same floats: check it serialises to the same size.
                    long broadcast = serialise(new ReplicaState(p, v)).length;
                    if (Math.abs(broadcast - bytes) > bytes / 100) {
                        System.err.printf(Locale.ROOT, "note: broadcast state %d bytes vs task result %d%n",
                                broadcast, bytes);
                    }
                }
            }
            double[][] sharded = shardedCosts(p, v);
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f / %.1f | %.1f / %.1f |%n",
                    m, params, 2.0 * n * 4 / 1e6, Medians.of(ser), Medians.of(de), Medians.of(merge), bytes / 1e6,
                    Medians.of(sharded[0]), Medians.of(sharded[1]), Medians.of(sharded[2]), Medians.of(sharded[3]));
        }
        return 0;
    }

    /**
     * What one task of a sharded round spends on a state of S bytes, with {@value #SLICES} slices:
     * a training task encodes its whole state into the slices' payloads; an averaging task with as
     * many replicas as slices sums {@value #SLICES} payloads of S / {@value #SLICES} and divides.
     * Returns medians' inputs: encode f32, encode bf16, average f32, average bf16 (ms).
     */
    private double[][] shardedCosts(float[] p, float[] v) {
        int n = p.length;
        StateSlices cut = new StateSlices(n, n, SLICES, new int[][] {{0, n}});
        float[] started = p.clone();
        for (int i = 0; i < n; i++) {
            started[i] -= 1e-3f * v[i];
        }
        double[][] ms = new double[4][repeats];
        WireFormat[] wires = {WireFormat.FLOAT32, WireFormat.BFLOAT16};
        for (int r = 0; r < repeats; r++) {
            for (int w = 0; w < 2; w++) {
                long t0 = System.nanoTime();
                byte[][] payloads = new byte[SLICES][];
                for (int j = 0; j < SLICES; j++) {
                    payloads[j] = cut.encode(j, p, v, started, wires[w]);
                }
                long t1 = System.nanoTime();
                double[] sums = new double[cut.end(0) - cut.start(0)];
                for (int replica = 0; replica < SLICES; replica++) {
                    cut.accumulate(0, payloads[0], 128, wires[w], sums);
                }
                cut.finish(0, sums, 128.0 * SLICES, Arrays.copyOf(started, sums.length), wires[w]);
                long t2 = System.nanoTime();
                ms[w][r] = (t1 - t0) / 1e6;
                ms[2 + w][r] = (t2 - t1) / 1e6;
            }
        }
        return ms;
    }

    private static final int SLICES = 8;

    private static byte[] serialise(Object o) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream s = new ObjectOutputStream(out)) {
            s.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Object deserialise(byte[] data) {
        try (ObjectInputStream s = new ObjectInputStream(new ByteArrayInputStream(data))) {
            return s.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
