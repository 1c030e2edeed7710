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
    void readsFortranOrderArraysInCOrder() {
        // np.save(np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3))): data 0 3 1 4 2 5
        String header = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }";
        StringBuilder h = new StringBuilder(header);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(10 + h.length() + 24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) h.length());
        b.put(h.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        for (float v : new float[] {0, 3, 1, 4, 2, 5}) {
            b.putFloat(v);
        }
        NpyArray a = Npz.parseNpy(b.array(), "f.npy");
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, a.values());
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
