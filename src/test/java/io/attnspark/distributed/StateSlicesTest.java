package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StateSlicesTest {

    // 10 parameters (2..5 and 7..9 trainable, the rest statistics) and 7 momentum floats.
    private static StateSlices slices(int count) {
        return new StateSlices(10, 7, count, new int[][] {{2, 5}, {7, 10}});
    }

    @Test
    void slicesCoverTheStateContiguouslyWithSizesWithinOne() {
        for (int count = 1; count <= 17; count++) {
            StateSlices s = slices(count);
            assertEquals(0, s.start(0));
            assertEquals(17, s.end(count - 1));
            int smallest = Integer.MAX_VALUE;
            int largest = 0;
            for (int j = 0; j < count; j++) {
                assertEquals(s.end(j), s.start(j + 1));
                int size = s.end(j) - s.start(j);
                smallest = Math.min(smallest, size);
                largest = Math.max(largest, size);
            }
            assertTrue(largest - smallest <= 1, count + " slices: sizes " + smallest + ".." + largest);
        }
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> slices(18));
        assertTrue(tooMany.getMessage().contains("sync.slices") && tooMany.getMessage().contains("18"));
    }

    @Test
    void onlyTrainableParametersAreCompressible() {
        StateSlices s = slices(3);
        boolean[] expected = {false, false, true, true, true, false, false, true, true, true,
            false, false, false, false, false, false, false};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], s.trainable(i), "float " + i);
        }
    }

    @Test
    void float32PayloadsAverageExactlyByWeight() {
        StateSlices s = slices(4);
        float[] a = new float[17];
        float[] b = new float[17];
        for (int i = 0; i < 17; i++) {
            a[i] = i * 0.1f;
            b[i] = -i * 0.3f + 1;
        }
        for (int j = 0; j < 4; j++) {
            double[] sums = new double[s.end(j) - s.start(j)];
            s.accumulate(j, encode(s, j, a, null, WireFormat.FLOAT32), 3, WireFormat.FLOAT32, sums);
            s.accumulate(j, encode(s, j, b, null, WireFormat.FLOAT32), 1, WireFormat.FLOAT32, sums);
            float[] avg = s.finish(j, sums, 4, null, WireFormat.FLOAT32);
            for (int i = 0; i < avg.length; i++) {
                int k = s.start(j) + i;
                assertEquals((float) ((3.0 * a[k] + b[k]) / 4), avg[i], "float " + k);
            }
        }
    }

    @Test
    void bfloat16SendsTrainableChangesInTwoBytes() {
        StateSlices s = slices(1);
        float[] started = new float[17];
        float[] state = new float[17];
        for (int i = 0; i < 17; i++) {
            started[i] = 1 + i;
            state[i] = started[i] + 0.001f * (i + 1);
        }
        byte[] payload = encode(s, 0, state, started, WireFormat.BFLOAT16);
        assertEquals(6 * 2 + 11 * 4, payload.length, "6 trainable floats at 2 bytes, 11 others at 4");
        double[] sums = new double[17];
        s.accumulate(0, payload, 1, WireFormat.BFLOAT16, sums);
        float[] avg = s.finish(0, sums, 1, started, WireFormat.BFLOAT16);
        for (int i = 0; i < 17; i++) {
            if (s.trainable(i)) {
                float change = WireFormat.fromBfloat16(WireFormat.toBfloat16(state[i] - started[i]));
                assertEquals((float) (started[i] + (double) change), avg[i], "float " + i);
                assertTrue(Math.abs(avg[i] - state[i]) <= Math.abs(state[i] - started[i]) / 256, "float " + i);
            } else {
                assertEquals(state[i], avg[i], "float " + i + " travels exactly");
            }
        }
    }

    @Test
    void bfloat16RoundsToNearestWithTiesToEven() {
        float ulp = (float) Math.pow(2, -7); // bfloat16's spacing at 1
        assertEquals(1f, WireFormat.fromBfloat16(WireFormat.toBfloat16(1f + ulp / 2)), "a tie goes to the even 1");
        assertEquals(1f + 2 * ulp, WireFormat.fromBfloat16(WireFormat.toBfloat16(1f + 1.5f * ulp)), "a tie, to even");
        assertEquals(1f + ulp, WireFormat.fromBfloat16(WireFormat.toBfloat16(1f + 0.75f * ulp)));
        assertEquals(-1f, WireFormat.fromBfloat16(WireFormat.toBfloat16(-1f - ulp / 4)));
        assertTrue(Float.isNaN(WireFormat.fromBfloat16(WireFormat.toBfloat16(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, WireFormat.fromBfloat16(WireFormat.toBfloat16(Float.POSITIVE_INFINITY)));
        assertEquals(0f, WireFormat.fromBfloat16(WireFormat.toBfloat16(0f)));
    }

    @Test
    void aPayloadOfTheWrongSizeIsRefusedNamingItsSlice() {
        StateSlices s = slices(2);
        float[] state = new float[17];
        byte[] payload = encode(s, 1, state, state, WireFormat.FLOAT32);
        IllegalStateException shortOne = assertThrows(IllegalStateException.class,
                () -> s.accumulate(1, java.util.Arrays.copyOf(payload, payload.length - 4), 1, WireFormat.FLOAT32,
                        new double[s.end(1) - s.start(1)]));
        assertTrue(shortOne.getMessage().contains("slice 1"), shortOne.getMessage());
        IllegalStateException longOne = assertThrows(IllegalStateException.class,
                () -> s.accumulate(1, java.util.Arrays.copyOf(payload, payload.length + 4), 1, WireFormat.FLOAT32,
                        new double[s.end(1) - s.start(1)]));
        assertTrue(longOne.getMessage().contains("slice 1"), longOne.getMessage());
    }

    @Test
    void serverMomentumMovesOnlyTrainableFloats() {
        StateSlices s = slices(1);
        float[] previous = new float[17];
        float[] average = new float[17];
        java.util.Arrays.fill(previous, 2f);
        java.util.Arrays.fill(average, 1f);
        float[] velocity = new float[17];
        s.applyServerMomentum(0, previous, average, velocity, 0.5f);
        for (int i = 0; i < 17; i++) {
            assertEquals(s.trainable(i) ? 1f : 0f, velocity[i], "velocity " + i);
            assertEquals(1f, average[i], "first step: v = w - avg, w - v = avg");
        }
        s.applyServerMomentum(0, average.clone(), average, velocity, 0.5f);
        assertEquals(0.5f, average[2], 1e-7f, "then the velocity carries on");
        assertEquals(1f, average[0], "statistics stay plain averages");
        assertFalse(s.trainable(12));
        assertArrayEquals(new float[] {0.25f, -2f}, roundTrip(new float[] {0.25f, -2f}));
    }

    /** Encodes a slice of a state given whole: split into its parameter and momentum parts, as tasks hold it. */
    private static byte[] encode(StateSlices s, int slice, float[] state, float[] started, WireFormat wire) {
        float[] parameters = java.util.Arrays.copyOf(state, s.parameters());
        float[] momentum = java.util.Arrays.copyOfRange(state, s.parameters(), s.length());
        byte[] payload = s.encode(slice, parameters, momentum,
                started == null ? null : java.util.Arrays.copyOf(started, s.parameters()), wire);
        assertEquals(s.payloadBytes(slice, wire), payload.length);
        return payload;
    }

    private static float[] roundTrip(float[] values) {
        float[] out = new float[values.length];
        StateSlices.unpack(StateSlices.pack(values, 0, values.length), out, 0);
        return out;
    }
}
