package io.attnspark.distributed;

import io.attnspark.model.ParameterLayout;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The flat state the sharded exchange moves, cut into contiguous slices: all parameters (trainable
 * ones and batch-norm statistics, in layout order) followed by the momentum buffers. Slice {@code j}
 * of {@code P} is {@code [floor(L j / P), floor(L (j + 1) / P))} of the {@code L} floats, so slice
 * sizes differ by at most one. Also encodes a replica's slice for the wire and decodes it into a
 * running sum.
 */
public final class StateSlices implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int parameters;
    private final int momentum;
    private final int slices;
    // Sorted, disjoint [start, end) ranges of trainable parameters within the parameter part.
    private final int[] trainableStarts;
    private final int[] trainableEnds;

    /**
     * Describes a model's state.
     *
     * @param layout the model's parameter layout
     * @param slices the number of slices, at least 1
     * @throws IllegalArgumentException if there are more slices than floats
     */
    public StateSlices(ParameterLayout layout, int slices) {
        this(layout.size(), layout.trainableSize(), slices, trainableRanges(layout));
    }

    /**
     * Describes a state by its sizes.
     *
     * @param parameters floats of parameters
     * @param momentum floats of momentum buffers
     * @param slices the number of slices, at least 1
     * @param trainable sorted, disjoint {@code [start, end)} ranges of trainable parameters
     * @throws IllegalArgumentException if there are more slices than floats
     */
    public StateSlices(int parameters, int momentum, int slices, int[][] trainable) {
        if (slices < 1 || slices > (long) parameters + momentum) {
            throw new IllegalArgumentException("sync.slices must be between 1 and the state's " + (parameters + momentum)
                    + " floats, got " + slices);
        }
        this.parameters = parameters;
        this.momentum = momentum;
        this.slices = slices;
        this.trainableStarts = new int[trainable.length];
        this.trainableEnds = new int[trainable.length];
        for (int i = 0; i < trainable.length; i++) {
            trainableStarts[i] = trainable[i][0];
            trainableEnds[i] = trainable[i][1];
        }
    }

    /**
     * Returns the trainable parameters' ranges in a layout's flat parameters.
     *
     * @param layout the layout
     * @return sorted {@code [start, end)} pairs
     */
    static int[][] trainableRanges(ParameterLayout layout) {
        List<int[]> ranges = new ArrayList<>();
        for (int i = 0; i < layout.count(); i++) {
            if (layout.trainable(i)) {
                int end = i + 1 < layout.count() ? layout.offset(i + 1) : layout.size();
                ranges.add(new int[] {layout.offset(i), end});
            }
        }
        return ranges.toArray(new int[0][]);
    }

    /** The same state cut into another number of slices. */
    StateSlices withSlices(int count) {
        int[][] trainable = new int[trainableStarts.length][];
        for (int i = 0; i < trainable.length; i++) {
            trainable[i] = new int[] {trainableStarts[i], trainableEnds[i]};
        }
        return new StateSlices(parameters, momentum, count, trainable);
    }

    /** @return floats of parameters (the first part of the state) */
    public int parameters() {
        return parameters;
    }

    /** @return floats of momentum buffers (the second part) */
    public int momentum() {
        return momentum;
    }

    /** @return floats in the whole state */
    public int length() {
        return parameters + momentum;
    }

    /** @return the number of slices */
    public int count() {
        return slices;
    }

    /**
     * Returns where a slice starts.
     *
     * @param slice from 0 to {@link #count()} (the end of the last slice)
     * @return its first float's index in the state
     */
    public int start(int slice) {
        return (int) ((long) length() * slice / slices);
    }

    /**
     * Returns where a slice ends.
     *
     * @param slice the slice
     * @return one past its last float's index
     */
    public int end(int slice) {
        return start(slice + 1);
    }

    /**
     * Returns whether a state float is a trainable parameter (the part {@code bfloat16} compresses).
     *
     * @param index the float's index in the state
     * @return true for trainable parameters, false for statistics and momentum
     */
    boolean trainable(int index) {
        if (index >= parameters) {
            return false;
        }
        int lo = 0;
        int hi = trainableStarts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (index < trainableStarts[mid]) {
                hi = mid - 1;
            } else if (index >= trainableEnds[mid]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /**
     * Cuts a slice into runs of floats that travel alike: {@code {from, to, 1}} for trainable
     * parameters, {@code {from, to, 0}} for the rest, in slice-local indices. The codec moves each
     * run in bulk.
     */
    private List<int[]> runs(int slice) {
        int from = start(slice);
        int to = end(slice);
        List<int[]> runs = new ArrayList<>();
        int at = from;
        for (int r = 0; r < trainableStarts.length && at < to; r++) {
            int a = Math.max(at, trainableStarts[r]);
            int b = Math.min(to, trainableEnds[r]);
            if (a >= b) {
                continue;
            }
            if (a > at) {
                runs.add(new int[] {at - from, a - from, 0});
            }
            runs.add(new int[] {a - from, b - from, 1});
            at = b;
        }
        if (at < to) {
            runs.add(new int[] {at - from, to - from, 0});
        }
        return runs;
    }

    /**
     * Packs floats as little-endian float32: the wire and file format of averaged slices.
     *
     * @param values the floats
     * @param from first index
     * @param to one past the last
     * @return 4 bytes per float
     */
    static byte[] pack(float[] values, int from, int to) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * (to - from)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values, from, to - from);
        return bytes.array();
    }

    /**
     * Unpacks {@link #pack}'s bytes into an array.
     *
     * @param bytes the packed floats
     * @param into the destination
     * @param at where the first float goes
     */
    static void unpack(byte[] bytes, float[] into, int at) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(into, at, bytes.length / 4);
    }

    /**
     * Encodes a replica's floats of one slice: float32, or in {@code bfloat16} each trainable
     * parameter's change from the average the replica started from. The state is given as its two
     * parts, so no task needs a concatenated copy.
     *
     * @param slice the slice
     * @param parameters the replica's parameters after its steps
     * @param momentum its momentum buffers
     * @param started the averaged parameters it started from (read for bfloat16 only)
     * @param wire the format
     * @return the payload
     */
    public byte[] encode(int slice, float[] parameters, float[] momentum, float[] started, WireFormat wire) {
        int from = start(slice);
        List<int[]> runs = wire == WireFormat.FLOAT32
                ? List.of(new int[] {0, end(slice) - from, 0}) : runs(slice);
        ByteBuffer out = ByteBuffer.allocate(payloadBytes(runs)).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] run : runs) {
            int a = from + run[0];
            int n = run[1] - run[0];
            if (run[2] == 1) { // trainable parameters: all below the momentum part
                short[] changes = new short[n];
                for (int i = 0; i < n; i++) {
                    changes[i] = WireFormat.toBfloat16(parameters[a + i] - started[a + i]);
                }
                out.asShortBuffer().put(changes);
                out.position(out.position() + 2 * n);
            } else {
                int inParameters = Math.max(0, Math.min(n, this.parameters - a));
                if (inParameters > 0) {
                    out.asFloatBuffer().put(parameters, a, inParameters);
                    out.position(out.position() + 4 * inParameters);
                }
                int rest = n - inParameters;
                if (rest > 0) {
                    out.asFloatBuffer().put(momentum, a + inParameters - this.parameters, rest);
                    out.position(out.position() + 4 * rest);
                }
            }
        }
        return out.array();
    }

    /**
     * Returns the bytes of a slice's payload.
     *
     * @param slice the slice
     * @param wire the format
     * @return 4 per float, 2 per trainable parameter in bfloat16
     */
    public int payloadBytes(int slice, WireFormat wire) {
        return wire == WireFormat.FLOAT32 ? 4 * (end(slice) - start(slice)) : payloadBytes(runs(slice));
    }

    private static int payloadBytes(List<int[]> runs) {
        int bytes = 0;
        for (int[] run : runs) {
            bytes += (run[2] == 1 ? 2 : 4) * (run[1] - run[0]);
        }
        return bytes;
    }

    /**
     * Adds {@code weight} times a payload to a slice's running sums: the value itself for float32
     * floats, the change for bfloat16 ones (see {@link #finish}).
     *
     * @param slice the slice
     * @param payload from {@link #encode}
     * @param weight the replica's samples
     * @param wire the payload's format
     * @param sums per float of the slice, in double
     * @throws IllegalStateException if the payload has the wrong size
     */
    public void accumulate(int slice, byte[] payload, double weight, WireFormat wire, double[] sums) {
        List<int[]> runs = wire == WireFormat.BFLOAT16 ? runs(slice) : List.of(new int[] {0, sums.length, 0});
        long expected = payloadBytes(runs);
        if (payload.length != expected) {
            throw new IllegalStateException("a payload of slice " + slice + " has " + payload.length
                    + " bytes; its " + sums.length + " floats take " + expected);
        }
        ByteBuffer in = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] run : runs) {
            int n = run[1] - run[0];
            if (run[2] == 1) {
                short[] changes = new short[n];
                in.asShortBuffer().get(changes);
                in.position(in.position() + 2 * n);
                for (int i = 0; i < n; i++) {
                    sums[run[0] + i] += weight * WireFormat.fromBfloat16(changes[i]);
                }
            } else {
                float[] values = new float[n];
                in.asFloatBuffer().get(values);
                in.position(in.position() + 4 * n);
                for (int i = 0; i < n; i++) {
                    sums[run[0] + i] += weight * values[i];
                }
            }
        }
    }

    /**
     * Turns a slice's sums into its average: {@code sum / weight} for float32 floats,
     * {@code previous + sum / weight} for bfloat16 changes.
     *
     * @param slice the slice
     * @param sums the sums
     * @param weight the total weight
     * @param previous the slice's average before the round
     * @param wire the payloads' format
     * @return the averaged slice
     */
    public float[] finish(int slice, double[] sums, double weight, float[] previous, WireFormat wire) {
        float[] average = new float[sums.length];
        for (int i = 0; i < sums.length; i++) {
            average[i] = (float) (sums[i] / weight);
        }
        if (wire == WireFormat.BFLOAT16) {
            for (int[] run : runs(slice)) {
                for (int i = run[0]; i < run[1] && run[2] == 1; i++) {
                    average[i] = (float) (previous[i] + sums[i] / weight);
                }
            }
        }
        return average;
    }

    /**
     * Applies server momentum to a slice's trainable parameters, as the tree path does on the whole
     * state: {@code v = beta v + (w - avg); w = w - v}; statistics and momentum keep the plain average.
     *
     * @param slice the slice
     * @param previous the slice before the round
     * @param average the plain average (replaced in place)
     * @param velocity the slice's velocity (updated in place)
     * @param beta the server momentum
     */
    void applyServerMomentum(int slice, float[] previous, float[] average, float[] velocity, float beta) {
        for (int[] run : runs(slice)) {
            for (int i = run[0]; i < run[1] && run[2] == 1; i++) {
                velocity[i] = beta * velocity[i] + (previous[i] - average[i]);
                average[i] = previous[i] - velocity[i];
            }
        }
    }
}
