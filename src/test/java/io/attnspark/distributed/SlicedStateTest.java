package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlicedStateTest {

    private static final Configuration CONF = new Configuration();
    // 13 parameters and 6 momentum floats, written as 3 slices.
    private static final StateSlices WRITTEN = new StateSlices(13, 6, 3, new int[][] {{0, 13}});

    private static float[] state() {
        float[] s = new float[19];
        for (int i = 0; i < s.length; i++) {
            s[i] = i * 1.5f - 4;
        }
        return s;
    }

    private static SlicedState write(Path folder, boolean velocity) {
        float[] s = state();
        for (int j = 0; j < 3; j++) {
            float[] part = Arrays.copyOfRange(s, WRITTEN.start(j), WRITTEN.end(j));
            float[] v = velocity ? part.clone() : null;
            if (v != null) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = -v[i];
                }
            }
            SlicedState.write(CONF, folder.toString(), j, WRITTEN.start(j), part, v);
        }
        return new SlicedState(3, 13, 6, velocity, null).in(folder.toString());
    }

    @Test
    void anyRangeReadsBackFromAnySlicing(@TempDir Path dir) {
        SlicedState saved = write(dir, true);
        float[] s = state();
        for (int count : new int[] {1, 2, 5, 19}) {
            StateSlices other = WRITTEN.withSlices(count);
            for (int j = 0; j < count; j++) {
                float[][] read = saved.read(CONF, other.start(j), other.end(j));
                float[] expected = Arrays.copyOfRange(s, other.start(j), other.end(j));
                assertArrayEquals(expected, read[0], count + " slices, slice " + j);
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = -expected[i];
                }
                assertArrayEquals(expected, read[1], "velocity, " + count + " slices, slice " + j);
            }
        }
        float[][] all = saved.readAll(CONF);
        assertArrayEquals(Arrays.copyOf(s, 13), all[0]);
        assertArrayEquals(Arrays.copyOfRange(s, 13, 19), all[1]);
        assertTrue(all[2] != null && all[2].length == 13, "velocity over the parameters");
    }

    @Test
    void withoutVelocityTheVelocityIsNull(@TempDir Path dir) {
        assertNull(write(dir, false).readAll(CONF)[2]);
    }

    @Test
    void aMissingSliceStopsTheCommitNamingIt(@TempDir Path dir) throws Exception {
        SlicedState saved = write(dir, false);
        Files.delete(dir.resolve("slice-00001.bin"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> saved.requireComplete(CONF, dir.toString()));
        assertTrue(e.getMessage().contains("slice-00001.bin") && e.getMessage().contains("not committed"),
                e.getMessage());
    }

    @Test
    void aTruncatedOrForeignSliceFileIsNamed(@TempDir Path dir) throws Exception {
        SlicedState saved = write(dir, false);
        Path second = dir.resolve("slice-00001.bin");
        byte[] bytes = Files.readAllBytes(second);
        // As on a file system without Hadoop's local .crc files (HDFS and S3 check their own way).
        Files.deleteIfExists(dir.resolve(".slice-00001.bin.crc"));
        Files.deleteIfExists(dir.resolve(".slice-00002.bin.crc"));
        Files.write(second, Arrays.copyOf(bytes, bytes.length - 3));
        IllegalStateException truncated = assertThrows(IllegalStateException.class, () -> saved.readAll(CONF));
        assertTrue(truncated.getMessage().contains("slice-00001.bin") && truncated.getMessage().contains("truncated"),
                truncated.getMessage());

        Files.write(second, bytes);
        Files.copy(dir.resolve("slice-00000.bin"), dir.resolve("slice-00002.bin"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        IllegalStateException foreign = assertThrows(IllegalStateException.class, () -> saved.readAll(CONF));
        assertTrue(foreign.getMessage().contains("slice-00002.bin") && foreign.getMessage().contains("[12, 19)"),
                foreign.getMessage());
    }
}
