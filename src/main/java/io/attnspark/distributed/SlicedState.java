package io.attnspark.distributed;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A checkpointed state written as slices, each by the task that averaged it: {@code slice-00007.bin}
 * holds floats {@code [start(7), end(7))} of the flat state (parameters, then momentum buffers; see
 * {@link StateSlices}) as little-endian float32, then the same range of the server-momentum velocity
 * if there is one. Any range can be read back from any slicing, so a checkpoint resumes with another
 * number of slices or under the {@code tree} method.
 *
 * @param slices how many slice files
 * @param parameters floats of parameters in the state
 * @param momentum floats of momentum buffers
 * @param velocity whether each file also holds the velocity
 * @param folder the round's checkpoint folder, filled in when read back (null when written)
 */
public record SlicedState(int slices, int parameters, int momentum, boolean velocity, String folder)
        implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int MAGIC = 0x41535331; // "ASS1"
    private static final int HEADER_BYTES = 4 + 4 + 4 + 1;

    /**
     * Returns the same description, located in a folder.
     *
     * @param at the round's folder
     * @return the located state
     */
    public SlicedState in(String at) {
        return new SlicedState(slices, parameters, momentum, velocity, at);
    }

    private int length() {
        return parameters + momentum;
    }

    private int start(int slice) {
        return (int) ((long) length() * slice / slices);
    }

    static String fileName(int slice) {
        return String.format(Locale.ROOT, "slice-%05d.bin", slice);
    }

    /**
     * Writes one slice's file (on the executor that averaged it).
     *
     * @param conf the Hadoop configuration
     * @param folder the staging folder of the round's checkpoint
     * @param slice the slice
     * @param from its first float's index in the state
     * @param values its floats
     * @param velocity its velocity, or null
     * @return bytes written
     */
    static long write(Configuration conf, String folder, int slice, int from, float[] values, float[] velocity) {
        Path target = new Path(folder, fileName(slice));
        Path tmp = new Path(folder, "._" + fileName(slice) + "-" + java.util.UUID.randomUUID());
        try {
            FileSystem fs = target.getFileSystem(conf);
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                out.writeInt(MAGIC);
                out.writeInt(from);
                out.writeInt(values.length);
                out.writeBoolean(velocity != null);
                out.write(StateSlices.pack(values, 0, values.length));
                if (velocity != null) {
                    out.write(StateSlices.pack(velocity, 0, velocity.length));
                }
            }
            // A retried or speculative task may have written it already: same content, keep one.
            fs.delete(target, false);
            if (!fs.rename(tmp, target)) {
                throw new IOException("could not rename " + tmp + " to " + target);
            }
            return HEADER_BYTES + 4L * values.length * (velocity == null ? 1 : 2);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint slice " + target, e);
        }
    }

    /**
     * Checks that every slice file is in a folder (before the driver commits the round).
     *
     * @param conf the Hadoop configuration
     * @param staged the staging folder
     * @throws IllegalStateException naming the first missing file
     */
    void requireComplete(Configuration conf, String staged) {
        try {
            FileSystem fs = new Path(staged).getFileSystem(conf);
            for (int j = 0; j < slices; j++) {
                Path p = new Path(staged, fileName(j));
                if (!fs.exists(p)) {
                    throw new IllegalStateException("checkpoint slice " + p + " is missing: the round is not committed");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + staged, e);
        }
    }

    /**
     * Reads floats {@code [from, to)} of the state and of the velocity, from whichever files hold them.
     *
     * @param conf the Hadoop configuration
     * @param from the first index
     * @param to one past the last
     * @return the values, and the velocity (null without one)
     * @throws IllegalStateException naming a file that is truncated or not a slice file
     */
    float[][] read(Configuration conf, int from, int to) {
        float[] values = new float[to - from];
        float[] vel = velocity ? new float[to - from] : null;
        try {
            FileSystem fs = new Path(folder).getFileSystem(conf);
            for (int j = 0; j < slices; j++) {
                int fileFrom = start(j);
                int fileTo = start(j + 1);
                int a = Math.max(from, fileFrom);
                int b = Math.min(to, fileTo);
                if (a >= b) {
                    continue;
                }
                Path p = new Path(folder, fileName(j));
                try (FSDataInputStream in = fs.open(p)) {
                    checkHeader(in, p, fileFrom, fileTo);
                    readFloats(in, p, HEADER_BYTES + 4L * (a - fileFrom), values, a - from, b - a);
                    if (vel != null) {
                        readFloats(in, p, HEADER_BYTES + 4L * (fileTo - fileFrom + a - fileFrom), vel, a - from, b - a);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read checkpoint slice " + p + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint slices under " + folder, e);
        }
        return new float[][] {values, vel};
    }

    private void checkHeader(DataInputStream in, Path p, int from, int to) throws IOException {
        int magic = in.readInt();
        int start = in.readInt();
        int count = in.readInt();
        boolean hasVelocity = in.readBoolean();
        if (magic != MAGIC || start != from || count != to - from || hasVelocity != velocity) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s is not slice [%d, %d) of this checkpoint (it says [%d, %d)%s)", p, from, to, start,
                    start + count, magic != MAGIC ? ", and is not a slice file" : ""));
        }
    }

    private static void readFloats(FSDataInputStream in, Path p, long offset, float[] into, int at, int count)
            throws IOException {
        byte[] bytes = new byte[4 * count];
        try {
            in.readFully(offset, bytes);
        } catch (EOFException e) {
            throw new IllegalStateException(p + " is truncated: it ends before byte " + (offset + bytes.length), e);
        }
        StateSlices.unpack(bytes, into, at);
    }

    /**
     * Reads the whole state on the driver (for the {@code tree} method, or the final model).
     *
     * @param conf the Hadoop configuration
     * @return parameters, momentum, and the velocity over the parameters (null without one)
     */
    float[][] readAll(Configuration conf) {
        float[][] all = read(conf, 0, length());
        float[] params = java.util.Arrays.copyOfRange(all[0], 0, parameters);
        float[] mom = java.util.Arrays.copyOfRange(all[0], parameters, length());
        float[] vel = all[1] == null ? null : java.util.Arrays.copyOfRange(all[1], 0, parameters);
        return new float[][] {params, mom, vel};
    }
}
