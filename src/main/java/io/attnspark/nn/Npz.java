package io.attnspark.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy {@code .npz} archives (a zip of {@code .npy} files, as written by {@code
 * numpy.savez} and {@code savez_compressed}), keeping the array names: the exchange format for
 * PyTorch {@code state_dict}s, block inputs and outputs.
 *
 * <p>Reads float64, float32, float16, int64, int32, int16, int8, uint8 and bool arrays in either
 * byte order and either memory order; writes float32 and uint8. Format: NumPy's "NEP 1" {@code
 * .npy} specification, versions 1 to 3.
 *
 * <p>DJL decodes the arrays ({@code NDList.decode}, which reads {@code .npz} and {@code .npy}, 0.35.1).
 * What this class adds is what DJL lacks: (1) names for every entry, {@code arr_0}, {@code arr_1}, ...
 * included (DJL leaves those unnamed, so positional {@code numpy.savez} arrays could not be looked up);
 * (2) Fortran-order arrays (DJL rejects any header but NumPy's exact spelling with {@code fortran_order}
 * False: this class checks the header itself and hands DJL a canonical one); (3) errors that name the file
 * and the entry, and check the data's length against the header (DJL reports "Malformed numpy data",
 * "Invalid numpy header" or an end of stream); (4) the writer, and arrays as plain Java values
 * ({@link NpyArray}) that outlive any {@code NDManager}.
 */
public final class Npz {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npz() {}

    /**
     * Reads every array of an {@code .npz} file, in file order.
     *
     * @param file the archive
     * @return the arrays by name (the entry name without {@code .npy})
     * @throws NpzFormatException if the file is missing or is not a readable archive; the message
     *     names the file and the entry
     */
    public static Map<String, NpyArray> read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new NpzFormatException(
                    String.format(Locale.ROOT, "%s: no such file", file), e);
        } catch (IOException e) {
            throw new NpzFormatException(
                    String.format(Locale.ROOT, "%s: cannot read: %s", file, e.getMessage()), e);
        }
    }

    /**
     * Reads every array of an {@code .npz} stream, in stream order.
     *
     * @param in the archive bytes
     * @param source the name of the archive, for error messages
     * @return the arrays by name
     * @throws IOException if the stream cannot be read
     */
    public static Map<String, NpyArray> read(InputStream in, String source) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        ZipInputStream zip = new ZipInputStream(in);
        ZipEntry entry;
        while ((entry = zip.getNextEntry()) != null) {
            if (entry.isDirectory()) {
                continue;
            }
            String name = entry.getName();
            if (!name.endsWith(".npy")) {
                throw new NpzFormatException(
                        String.format(
                                Locale.ROOT, "%s: entry '%s' is not an .npy array", source, name));
            }
            byte[] bytes = zip.readAllBytes();
            String key = name.substring(0, name.length() - 4);
            arrays.put(key, parseNpy(bytes, source + ":" + name));
        }
        if (arrays.isEmpty()) {
            throw new NpzFormatException(
                    String.format(Locale.ROOT, "%s: not an .npz archive (no .npy entries)", source));
        }
        return arrays;
    }

    static NpyArray parseNpy(byte[] bytes, String where) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new NpzFormatException(where + ": not an .npy array (bad magic)");
        }
        int major = bytes[6] & 0xff;
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = buf.getShort(8) & 0xffff;
            offset = 10;
        } else if (major == 2 || major == 3) {
            headerLen = buf.getInt(8);
            offset = 12;
        } else {
            throw new NpzFormatException(
                    String.format(Locale.ROOT, "%s: unsupported .npy version %d", where, major));
        }
        String header = new String(bytes, offset, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new NpzFormatException(where + ": unreadable .npy header " + header.trim());
        }
        boolean fortran = "True".equals(f.group(1));
        long[] shape =
                Arrays.stream(s.group(1).split(","))
                        .map(String::trim)
                        .filter(t -> !t.isEmpty())
                        .mapToLong(Long::parseLong)
                        .toArray();
        String descr = d.group(1);
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        int dataStart = offset + headerLen;
        int width = width(descr, where);
        if (count * width != bytes.length - dataStart) {
            throw new NpzFormatException(
                    String.format(
                            Locale.ROOT,
                            "%s: %d data bytes for %s of shape %s, expected %d",
                            where,
                            bytes.length - dataStart,
                            descr,
                            Arrays.toString(shape),
                            count * width));
        }
        double[] values = decode(canonical(descr, shape, bytes, dataStart), where);
        if (fortran && shape.length > 1) {
            values = fortranToC(values, shape);
        }
        return new NpyArray(descr, shape, values);
    }

    /**
     * A checked array as DJL reads it: a version 1 header in NumPy's own spelling with {@code fortran_order}
     * False (DJL matches the header text exactly and rejects Fortran order), then the data as stored, which
     * {@link #parseNpy} reorders when it was in Fortran order.
     */
    private static byte[] canonical(String descr, long[] shape, byte[] bytes, int dataStart) {
        String dims = String.join(", ", Arrays.stream(shape).mapToObj(Long::toString).toList());
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': ("
                + dims + (shape.length == 1 ? "," : "") + "), }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] text = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer npy =
                ByteBuffer.allocate(10 + text.length + bytes.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
        npy.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        npy.put(bytes, dataStart, bytes.length - dataStart);
        return npy.array();
    }

    /**
     * The values of a checked {@code .npy} array, decoded by DJL ({@code NDList.decode}) and widened to
     * double on the CPU (exact for every dtype read here).
     */
    private static double[] decode(byte[] npy, String where) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray array = NDList.decode(manager, npy).singletonOrThrow();
            return array.toType(DataType.FLOAT64, false).toDoubleArray();
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new NpzFormatException(where + ": cannot decode: " + e.getMessage(), e);
        }
    }

    /** Reorders the values of a Fortran-order (column-major) array to C order (row-major). */
    private static double[] fortranToC(double[] f, long[] shape) {
        int n = shape.length;
        double[] c = new double[f.length];
        int[] idx = new int[n];
        for (int i = 0; i < c.length; i++) {
            // i is the C-order position of idx; find its Fortran-order position
            long pos = 0;
            long stride = 1;
            for (int d = 0; d < n; d++) {
                pos += idx[d] * stride;
                stride *= shape[d];
            }
            c[i] = f[(int) pos];
            for (int d = n - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return c;
    }

    /**
     * IEEE 754 binary16 to float (Java 17 has no {@code Float.float16ToFloat}). The reader no longer needs
     * it (DJL decodes float16 arrays); it stays while {@code NpzTest} pins its edge cases.
     */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant / 1024f / 16384f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static int width(String descr, String where) {
        if (descr.length() < 3 || "<>|=".indexOf(descr.charAt(0)) < 0) {
            throw new NpzFormatException(where + ": unsupported dtype " + descr);
        }
        return switch (descr.substring(1)) {
            case "f8", "i8" -> 8;
            case "f4", "i4" -> 4;
            case "f2", "i2" -> 2;
            case "i1", "u1", "b1" -> 1;
            default -> throw new NpzFormatException(
                    where + ": unsupported dtype " + descr + " (numeric arrays only)");
        };
    }

    /**
     * Writes float32 arrays to an {@code .npz} file (uncompressed, as {@code numpy.savez} does).
     *
     * @param file the archive to write, replaced if it exists
     * @param arrays the arrays by name
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, Map<String, NpyArray> arrays) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, arrays);
        }
    }

    /**
     * Writes arrays as an {@code .npz} archive: float64/float32 data as float32, uint8 as uint8.
     *
     * @param out where to write; left open
     * @param arrays the arrays by name
     * @throws IOException if the stream cannot be written
     */
    public static void write(OutputStream out, Map<String, NpyArray> arrays) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
            zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
            zip.write(toNpy(e.getValue()));
            zip.closeEntry();
        }
        zip.finish();
    }

    static byte[] toNpy(NpyArray array) {
        boolean bytes = array.dtype().endsWith("u1");
        String descr = bytes ? "|u1" : "<f4";
        long[] dims = array.shape();
        String shape =
                dims.length == 1
                        ? dims[0] + ","
                        : String.join(
                                ", ", Arrays.stream(dims).mapToObj(Long::toString).toList());
        String dict =
                String.format(
                        Locale.ROOT,
                        "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                        descr,
                        shape);
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write((header.length() >> 8) & 0xff);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        double[] v = array.values();
        ByteBuffer data =
                ByteBuffer.allocate(v.length * (bytes ? 1 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            if (bytes) {
                data.put((byte) x);
            } else {
                data.putFloat((float) x);
            }
        }
        out.writeBytes(data.array());
        return out.toByteArray();
    }
}
