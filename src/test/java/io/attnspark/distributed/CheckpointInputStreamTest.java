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
        RoundMetrics round = new RoundMetrics(new RoundMetrics.Progress(0, 0.5, 0, 10, 0.1), 640,
                new RoundMetrics.Scores(1.5, 0.4, Double.NaN), RoundMetrics.Scores.NONE,
                new RoundMetrics.Timing(2.0, 1.5, 0.1, 0.2, 0.05, 0, 0), new RoundMetrics.TaskSpread(1.4, 1.45, 1.5),
                new RoundMetrics.Traffic(8_800_000, 4_400_000));
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

    /** RoundMetrics as the record it was until issue 15 (21 components, serialVersionUID 0 as for every record). */
    record RoundMetricz(int round, double epoch, long firstStep, int steps, double learningRate, long samples,
            double loss, double trainAccuracy, double testLoss, double testAccuracy, double testTop5,
            double roundSeconds, double computeSeconds, double loadSeconds, double aggregateSeconds,
            double broadcastSeconds, double evalSeconds, double checkpointSeconds, double taskMinSeconds,
            double taskMedianSeconds, double taskMaxSeconds) implements java.io.Serializable {}

    @Test
    void readsRoundsWrittenWhenRoundMetricsWasARecord() throws Exception {
        RoundMetricz then = new RoundMetricz(3, 1.5, 30, 10, 0.05, 1280, 0.9, 0.7, 0.8, 0.75, 0.98, 2.0, 1.8, 0.03,
                0.1, 0.01, 0.4, 0.02, 1.7, 1.75, 1.8);
        byte[] bytes = serialise(then);
        RoundMetrics now = readRenamed(bytes);
        assertEquals(3, now.round());
        assertEquals(1280, now.samples());
        assertEquals(0.75, now.testAccuracy());
        assertEquals(0.02, now.checkpointSeconds());
        assertEquals(1.8, now.taskMaxSeconds());
        assertEquals(0, now.syncBytesDriver(), "not measured then");
    }

    /** Rewrites the test record's class name to RoundMetrics (fixing its length prefix) and reads it back. */
    private static RoundMetrics readRenamed(byte[] stream) throws Exception {
        byte[] from = "io.attnspark.distributed.CheckpointInputStreamTest$RoundMetricz".getBytes(StandardCharsets.UTF_8);
        byte[] to = "io.attnspark.distributed.RoundMetrics".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < stream.length; i++) {
            if (i >= 2 && i + from.length <= stream.length && startsWith(stream, i, from)) {
                byte[] sofar = out.toByteArray();
                out.reset();
                out.write(sofar, 0, sofar.length - 2);
                out.write(to.length >> 8);
                out.write(to.length & 0xff);
                out.write(to, 0, to.length);
                i += from.length - 1;
                continue;
            }
            out.write(stream[i]);
        }
        return (RoundMetrics) new CheckpointInputStream(new ByteArrayInputStream(out.toByteArray())).readObject();
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
