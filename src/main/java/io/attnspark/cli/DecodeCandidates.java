package io.attnspark.cli;

import io.attnspark.data.CropBox;
import io.attnspark.data.DecodedImage;
import io.attnspark.data.ImageDecoder;
import io.attnspark.data.ImageIoDecoder;
import io.attnspark.data.Resampler;
import io.attnspark.data.TurboJpeg;
import io.attnspark.train.TorchRuntime;
import ai.djl.Device;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * The JPEG decoders and crop-resizers {@code bench decode} compares: the two {@link ImageDecoder}
 * chooses between (libjpeg-turbo's TurboJPEG from the system, the JDK's ImageIO), TwelveMonkeys'
 * ImageIO JPEG plugin, and OpenCV's libjpeg-turbo ({@code org.openpnp:opencv}, natives bundled); resizing in Java ({@link Resampler}, PIL's
 * antialiased bilinear) or in OpenCV (bilinear without antialiasing, and area averaging). The
 * libraries other than the JDK are optional: a candidate whose classes are missing says so
 * instead of running.
 */
final class DecodeCandidates {

    private DecodeCandidates() {}

    /** Decodes a JPEG to CHW RGB bytes. */
    interface Decoder {
        /**
         * Decodes.
         *
         * @param jpeg the JPEG bytes
         * @return RGB, CHW
         */
        DecodedImage decode(byte[] jpeg);
    }

    /** Crops and resizes CHW RGB bytes. */
    interface Resizer {
        /**
         * Crops and resizes.
         *
         * @param src the image
         * @param box the crop
         * @param size the square output side
         * @return the resized crop, CHW
         */
        DecodedImage resizedCrop(DecodedImage src, CropBox box, int size);
    }

    private static final List<String> DECODERS = List.of("turbojpeg", "imageio", "twelvemonkeys", "opencv");
    private static final List<String> RESIZERS = List.of("java", "opencv-linear", "opencv-area", "libtorch-linear");

    /**
     * Refuses unknown names before any work, naming the known ones.
     *
     * @param decoders decoder names
     * @param resizers resizer names
     * @throws ConfigError naming the first unknown name
     */
    static void checkNames(List<String> decoders, List<String> resizers) {
        for (String name : decoders) {
            if (!DECODERS.contains(name)) {
                throw new ConfigError("unknown decoder '" + name + "' (known: " + String.join(", ", DECODERS) + ")");
            }
        }
        for (String name : resizers) {
            if (!RESIZERS.contains(name)) {
                throw new ConfigError("unknown resizer '" + name + "' (known: " + String.join(", ", RESIZERS) + ")");
            }
        }
    }

    /**
     * A decoder by name.
     *
     * @param name {@code turbojpeg}, {@code imageio}, {@code twelvemonkeys} or {@code opencv}
     * @return the decoder
     * @throws ConfigError for another name
     * @throws LinkageError if the library is not on the class path
     */
    static Decoder decoder(String name) {
        return switch (name) {
            case "turbojpeg" -> turboJpeg();
            case "imageio" -> jpeg -> ImageIoDecoder.decode(jpeg, "bench image");
            case "twelvemonkeys" -> new TwelveMonkeys();
            case "opencv" -> OpenCv.decoder();
            default -> throw new ConfigError(
                    "unknown decoder '" + name + "' (turbojpeg, imageio, twelvemonkeys, opencv)");
        };
    }

    /**
     * A resizer by name.
     *
     * @param name {@code java}, {@code opencv-linear}, {@code opencv-area} or {@code libtorch-linear}
     * @return the resizer
     * @throws ConfigError for another name
     */
    static Resizer resizer(String name) {
        return switch (name) {
            case "java" -> (src, box, size) -> Resampler.resizedCrop(src, box, size, size);
            case "opencv-linear" -> OpenCv.resizer(Imgproc.INTER_LINEAR);
            case "opencv-area" -> OpenCv.resizer(Imgproc.INTER_AREA);
            case "libtorch-linear" -> new Libtorch();
            default -> throw new ConfigError(
                    "unknown resizer '" + name + "' (java, opencv-linear, opencv-area, libtorch-linear)");
        };
    }

    private static Decoder turboJpeg() {
        if (!TurboJpeg.available()) {
            throw new IllegalStateException(TurboJpeg.unavailableReason());
        }
        return jpeg -> TurboJpeg.decode(jpeg, "bench image");
    }

    /** TwelveMonkeys' JPEG reader, taken by class from the registry (it would win the format lookup anyway). */
    private static final class TwelveMonkeys implements Decoder {

        private final ThreadLocal<ImageReader> reader = ThreadLocal.withInitial(TwelveMonkeys::find);

        @Override
        public DecodedImage decode(byte[] jpeg) {
            ImageReader r = reader.get();
            try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
                r.setInput(in, true, true);
                BufferedImage image = r.read(0);
                r.setInput(null);
                return planar(image.getRaster());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static ImageReader find() {
            for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg"); it.hasNext(); ) {
                ImageReader candidate = it.next();
                if (candidate.getClass().getName().startsWith("com.twelvemonkeys.")) {
                    return candidate;
                }
            }
            throw new NoClassDefFoundError("com.twelvemonkeys JPEG reader (com.twelvemonkeys.imageio:imageio-jpeg)");
        }

        /** Interleaved 3-byte samples in band order R, G, B to CHW. */
        private static DecodedImage planar(Raster raster) {
            int w = raster.getWidth();
            int h = raster.getHeight();
            int area = w * h;
            byte[] interleaved = (byte[]) raster.getDataElements(0, 0, w, h, null);
            int bands = raster.getNumBands();
            byte[] out = new byte[3 * area];
            for (int c = 0; c < 3; c++) {
                for (int i = 0, j = c; i < area; i++, j += bands) {
                    out[c * area + i] = interleaved[j];
                }
            }
            return new DecodedImage(3, h, w, out);
        }
    }

    /**
     * libtorch's bilinear interpolation through DJL ({@code NDImageUtils.resize}), which converts the
     * crop to float32 first (DJL 0.35 has no uint8 path); the bench reports how far its pixels are
     * from PIL's.
     */
    private static final class Libtorch implements Resizer {

        private final ThreadLocal<NDManager> managers = ThreadLocal.withInitial(() -> {
            TorchRuntime.useIntraOpThreads(1); // one core per call, as every other candidate
            return NDManager.newBaseManager(Device.cpu());
        });

        @Override
        public DecodedImage resizedCrop(DecodedImage src, CropBox box, int size) {
            try (NDManager manager = managers.get().newSubManager()) {
                NDArray chw = manager.create(ByteBuffer.wrap(src.pixels()),
                        new Shape(src.channels(), src.height(), src.width()), DataType.UINT8);
                NDArray crop = chw.get(new NDIndex(":, {}:{}, {}:{}", box.top(), box.top() + box.height(),
                        box.left(), box.left() + box.width()));
                NDArray resized = NDImageUtils.resize(crop.transpose(1, 2, 0), size, size, Image.Interpolation.BILINEAR);
                NDArray bytes = resized.round().clip(0, 255).toType(DataType.UINT8, false).transpose(2, 0, 1);
                return new DecodedImage(src.channels(), size, size, bytes.toByteArray());
            }
        }
    }

    /** OpenCV's codecs and resize; its natives load once per JVM. */
    private static final class OpenCv {

        private static volatile boolean loaded;

        static synchronized void load() {
            if (!loaded) {
                nu.pattern.OpenCV.loadLocally();
                // One thread per call, as every other candidate: per-core rates count the calling thread only.
                org.opencv.core.Core.setNumThreads(1);
                loaded = true;
            }
        }

        static Decoder decoder() {
            load();
            return jpeg -> {
                Mat bgr = Imgcodecs.imdecode(new MatOfByte(jpeg), Imgcodecs.IMREAD_COLOR);
                try {
                    if (bgr.empty()) {
                        throw new IllegalArgumentException("OpenCV could not decode a JPEG of " + jpeg.length + " bytes");
                    }
                    return fromBgr(bgr);
                } finally {
                    bgr.release();
                }
            };
        }

        static Resizer resizer(int interpolation) {
            load();
            return (src, box, size) -> {
                Mat bgr = toBgr(src);
                Mat crop = bgr.submat(new Rect(box.left(), box.top(), box.width(), box.height()));
                Mat out = new Mat();
                try {
                    Imgproc.resize(crop, out, new Size(size, size), 0, 0, interpolation);
                    return fromBgr(out);
                } finally {
                    out.release();
                    crop.release();
                    bgr.release();
                }
            };
        }

        private static DecodedImage fromBgr(Mat bgr) {
            int h = bgr.rows();
            int w = bgr.cols();
            int area = h * w;
            byte[] interleaved = new byte[3 * area];
            bgr.get(0, 0, interleaved);
            byte[] out = new byte[3 * area];
            for (int c = 0; c < 3; c++) {
                for (int i = 0, j = 2 - c; i < area; i++, j += 3) {
                    out[c * area + i] = interleaved[j];
                }
            }
            return new DecodedImage(3, h, w, out);
        }

        private static Mat toBgr(DecodedImage image) {
            int area = image.height() * image.width();
            byte[] in = image.pixels();
            byte[] interleaved = new byte[3 * area];
            for (int c = 0; c < 3; c++) {
                for (int i = 0, j = 2 - c; i < area; i++, j += 3) {
                    interleaved[j] = in[c * area + i];
                }
            }
            Mat mat = new Mat(image.height(), image.width(), org.opencv.core.CvType.CV_8UC3);
            mat.put(0, 0, interleaved);
            return mat;
        }
    }

    /**
     * Mean and largest absolute difference of two images of one layout, for the correctness columns.
     *
     * @param expected the reference
     * @param actual the candidate's
     * @return {mean, max}
     */
    static double[] difference(DecodedImage expected, DecodedImage actual) {
        if (expected.height() != actual.height() || expected.width() != actual.width()) {
            throw new IllegalStateException(String.format(Locale.ROOT, "sizes differ: %dx%d vs %dx%d",
                    expected.height(), expected.width(), actual.height(), actual.width()));
        }
        byte[] a = expected.pixels();
        byte[] b = actual.pixels();
        long sum = 0;
        int max = 0;
        for (int i = 0; i < a.length; i++) {
            int d = Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
            sum += d;
            max = Math.max(max, d);
        }
        return new double[] {(double) sum / a.length, max};
    }
}
