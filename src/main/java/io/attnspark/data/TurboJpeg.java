package io.attnspark.data;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.util.Locale;

/**
 * Decodes JPEGs with libjpeg-turbo's TurboJPEG library ({@code libturbojpeg.so.0}, Debian's
 * {@code libturbojpeg0}), the same codec, SIMD kernels included, that PIL's wheels bundle, called
 * through JNA. About twice as fast as the JDK's libjpeg-6b-derived decoder, with the same pixels
 * (integer IDCT, fancy upsampling, libjpeg's YCbCr tables).
 *
 * <p>Optional: where the library is not installed, {@link #available()} is false and
 * {@link ImageDecoder} uses ImageIO. Only gray, YCbCr and RGB JPEGs are decoded here; CMYK and
 * YCCK go to ImageIO, which {@link ImageDecoder} converts as PIL does. A TurboJPEG handle is not
 * thread-safe, so each thread keeps its own for its lifetime.
 */
public final class TurboJpeg {

    private static final int TJPF_RGB = 0;
    private static final int TJPF_GRAY = 6;
    private static final int TJCS_RGB = 0;
    private static final int TJCS_YCBCR = 1;
    private static final int TJCS_GRAY = 2;
    /** Accurate (islow) IDCT, as PIL's libjpeg uses; fancy upsampling stays on by default. */
    private static final int TJFLAG_ACCURATEDCT = 4096;
    private static final int TJERR_WARNING = 0;
    /** Java arrays end at 2^31 - 1; PIL refuses images above 179 million pixels anyway (decompression bombs). */
    private static final long MAX_SAMPLES = Integer.MAX_VALUE - 8;

    private static final String UNAVAILABLE = load();

    private static final ThreadLocal<Pointer> HANDLES = ThreadLocal.withInitial(() -> {
        Pointer handle = tjInitDecompress();
        if (handle == null) {
            throw new IllegalStateException("TurboJPEG could not create a decompressor");
        }
        return handle;
    });

    private TurboJpeg() {}

    /**
     * Tells whether libturbojpeg was found and bound.
     *
     * @return true if {@link #decode} can be called
     */
    public static boolean available() {
        return UNAVAILABLE == null;
    }

    /**
     * Says why the library is not used.
     *
     * @return null if it is available, else the reason (library not found, symbol missing)
     */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /**
     * Decodes a gray, YCbCr or RGB JPEG to its own colour kind: one channel for gray, else RGB.
     *
     * @param jpeg the JPEG bytes
     * @param name the image's name, for errors
     * @return the image, or null if it is CMYK or YCCK (which this class leaves to ImageIO)
     * @throws BadInputException naming the image if it does not decode or is truncated
     * @throws IllegalStateException if the library is not {@link #available()}
     */
    public static DecodedImage decode(byte[] jpeg, String name) {
        if (!available()) {
            throw new IllegalStateException("TurboJPEG is not available: " + UNAVAILABLE);
        }
        Pointer handle = HANDLES.get();
        NativeLong size = new NativeLong(jpeg.length);
        int[] width = new int[1];
        int[] height = new int[1];
        int[] subsampling = new int[1];
        int[] colorspace = new int[1];
        if (tjDecompressHeader3(handle, jpeg, size, width, height, subsampling, colorspace) != 0) {
            throw failure(name, discard(handle));
        }
        int space = colorspace[0];
        if (space != TJCS_GRAY && space != TJCS_YCBCR && space != TJCS_RGB) {
            return null;
        }
        int w = width[0];
        int h = height[0];
        boolean gray = space == TJCS_GRAY;
        int channels = gray ? 1 : 3;
        if (w <= 0 || h <= 0 || (long) w * h * channels > MAX_SAMPLES) {
            discard(handle);
            throw failure(name, String.format(Locale.ROOT, "its header gives an unusable size %dx%d", w, h));
        }
        byte[] interleaved = new byte[w * h * channels];
        if (tjDecompress2(handle, jpeg, size, interleaved, w, w * channels, h, gray ? TJPF_GRAY : TJPF_RGB,
                TJFLAG_ACCURATEDCT) != 0) {
            boolean warning = tjGetErrorCode(handle) == TJERR_WARNING;
            String message = discard(handle);
            // libjpeg only warns about a file that ends early (and fills in gray); PIL refuses it, as we do.
            // Other warnings ("extraneous bytes before marker") PIL lets pass, and so do we.
            if (JpegWarnings.isTruncation(message)) {
                throw failure(name, "it is truncated (" + message + ")");
            }
            if (!warning) {
                throw failure(name, message);
            }
        }
        if (gray) {
            return new DecodedImage(1, h, w, interleaved);
        }
        int area = w * h;
        byte[] planar = new byte[3 * area];
        for (int i = 0, j = 0; i < area; i++, j += 3) {
            planar[i] = interleaved[j];
            planar[area + i] = interleaved[j + 1];
            planar[2 * area + i] = interleaved[j + 2];
        }
        return new DecodedImage(3, h, w, planar);
    }

    /**
     * Drops this thread's handle after a failed call, returning the error text. libturbojpeg 2.1.5
     * (Debian 12) leaves a handle broken after a failed header read: the next image's header then
     * "succeeds" with a 0x0 size and decompressing it crashes the process (seen as SIGBUS/SIGSEGV).
     * A fresh handle per failure costs nothing on good data.
     */
    private static String discard(Pointer handle) {
        String message = tjGetErrorStr2(handle);
        HANDLES.remove();
        tjDestroy(handle);
        return message;
    }

    private static BadInputException failure(String name, String reason) {
        return new BadInputException(String.format(Locale.ROOT, "%s is not a readable JPEG image: %s", name, reason));
    }

    /** Binds the natives; returns null on success, else why not (the class stays usable: available() is false). */
    private static String load() {
        for (String library : new String[] {"turbojpeg", "libturbojpeg.so.0"}) {
            try {
                Native.register(TurboJpeg.class, NativeLibrary.getInstance(library));
                return null;
            } catch (UnsatisfiedLinkError | IllegalArgumentException e) {
                // try the next name; the reason of the last one is reported
                if (library.endsWith(".0")) {
                    return "libturbojpeg.so.0 not loadable (install Debian's libturbojpeg0): " + e.getMessage();
                }
            }
        }
        return "unreachable";
    }

    private static native Pointer tjInitDecompress();

    private static native int tjDecompressHeader3(Pointer handle, byte[] jpeg, NativeLong size, int[] width,
            int[] height, int[] subsampling, int[] colorspace);

    private static native int tjDecompress2(Pointer handle, byte[] jpeg, NativeLong size, byte[] destination,
            int width, int pitch, int height, int pixelFormat, int flags);

    private static native String tjGetErrorStr2(Pointer handle);

    private static native int tjGetErrorCode(Pointer handle);

    private static native int tjDestroy(Pointer handle);
}
