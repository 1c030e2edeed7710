package io.attnspark.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npz reader and writer. */
class NpzTest {

    @Test
    void readsNumpyWrittenArraysWithTheirNames() {
        Map<String, NpyArray> a =
                Npz.read(BlockVectors.dir().resolve("gc_att_add_c32_b2_7x5.npz"));
        assertArrayEquals(new long[] {2, 32, 7, 5}, a.get("x").shape());
        assertEquals("<f4", a.get("x").dtype());
        assertArrayEquals(new long[] {8, 1, 1}, a.get("w/channel_add_conv.1.weight").shape());
        assertTrue(a.get("config").toText().contains("\"block\": \"gc\""));
    }

    @Test
    void readsInt64ScalarsAndHalfFloats() {
        Map<String, NpyArray> a =
                Npz.read(BlockVectors.dir().resolve("mscam_c16_r4_b2_7x5.npz"));
        NpyArray n = a.get("w/local_att.1.num_batches_tracked");
        assertEquals("<i8", n.dtype());
        assertEquals(0, n.shape().length);
        assertEquals(7.0, n.values()[0]);
        assertEquals(1.0f, Npz.halfToFloat((short) 0x3c00));
        assertEquals(-2.0f, Npz.halfToFloat((short) 0xc000));
        assertEquals(65504f, Npz.halfToFloat((short) 0x7bff));
    }

    @Test
    void writeThenReadRoundTrips(@TempDir Path dir) throws Exception {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("a.b.weight", NpyArray.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        m.put("s", NpyArray.ofFloats(new long[] {1}, new float[] {7}));
        m.put("t", NpyArray.ofText("{\"ref\":\"timm\"}"));
        Path f = dir.resolve("r.npz");
        Npz.write(f, m);
        assertEquals(m, Npz.read(f));
    }

    @Test
    void errorsNameTheFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.npz");
        NpzFormatException e = assertThrows(NpzFormatException.class, () -> Npz.read(missing));
        assertTrue(e.getMessage().contains("nope.npz"), e.getMessage());
        Path junk = dir.resolve("junk.npz");
        Files.writeString(junk, "not a zip");
        e = assertThrows(NpzFormatException.class, () -> Npz.read(junk));
        assertTrue(e.getMessage().contains("junk.npz"), e.getMessage());
    }
}
