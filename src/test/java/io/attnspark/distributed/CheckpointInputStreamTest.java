package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A checkpoint written while this package was still {@code io.attnspark.dist} resumes. */
class CheckpointInputStreamTest {

    @Test
    void readsStateWrittenUnderTheOldPackageName() throws Exception {
        RoundMetrics round = new RoundMetrics(0, 0.5, 0, 10, 0.1, 640, 1.5, 0.4, Double.NaN, Double.NaN, Double.NaN,
                2.0, 1.5, 0.1, 0.2, 0.05, 0, 0, 1.4, 1.45, 1.5, 8_800_000, 4_400_000);
        TrainingState state = new TrainingState(1, new float[] {1, 2, 3}, new float[] {4, 5}, List.of(round), 640, 2.5,
                null, null);
        byte[] old = withOldPackage(serialise(state));

        assertThrows(ClassNotFoundException.class,
                () -> new ObjectInputStream(new ByteArrayInputStream(old)).readObject(),
                "the bytes name the old package, which no longer exists");
        TrainingState read = (TrainingState) new CheckpointInputStream(new ByteArrayInputStream(old)).readObject();
        assertEquals(1, read.nextRound());
        assertArrayEquals(state.parameters(), read.parameters());
        assertArrayEquals(state.momentum(), read.momentum());
        assertEquals(List.of(round), read.rounds());
        assertEquals(640, read.trainedSamples());
    }

    private static byte[] serialise(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    /** Rewrites each length-prefixed class name io.attnspark.distributed.X as io.attnspark.dist.X. */
    private static byte[] withOldPackage(byte[] stream) {
        byte[] now = "io.attnspark.distributed.".getBytes(StandardCharsets.UTF_8);
        byte[] then = "io.attnspark.dist.".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        int replaced = 0;
        while (i < stream.length) {
            if (i + now.length <= stream.length && startsWith(stream, i, now) && i >= 2) {
                int length = ((stream[i - 2] & 0xff) << 8) | (stream[i - 1] & 0xff);
                byte[] sofar = out.toByteArray();
                out.reset();
                out.write(sofar, 0, sofar.length - 2);
                int shorter = length - (now.length - then.length);
                out.write(shorter >> 8);
                out.write(shorter & 0xff);
                out.write(then, 0, then.length);
                i += now.length;
                replaced++;
                continue;
            }
            out.write(stream[i]);
            i++;
        }
        assertEquals(2, replaced, "TrainingState's and RoundMetrics' class descriptors");
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] a, int at, byte[] prefix) {
        for (int k = 0; k < prefix.length; k++) {
            if (a[at + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
