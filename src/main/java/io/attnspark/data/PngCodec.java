package io.attnspark.data;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes CHW pixels to PNG and decodes PNG or JPEG bytes to CHW pixels, with {@code javax.imageio}.
 *
 * <p>Decoding runs on executors for every image of every epoch, so it reads samples straight from
 * the raster ({@code getDataElements}) instead of through {@code getRGB}, which would convert every
 * pixel through a colour model and, for gray images, change the values. 8-bit samples come back
 * exactly as they were encoded. Readers and writers are kept per thread: they are not thread-safe,
 * and looking them up in the ImageIO registry for every image costs more than decoding a small one.
 * Streams are memory-backed so that ImageIO never creates cache files in a temporary directory.
 */
public final class PngCodec {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private static final ThreadLocal<ImageWriter> PNG_WRITER =
            ThreadLocal.withInitial(() -> firstOf(ImageIO.getImageWritersByFormatName("png"), "PNG writer"));
    private static final ThreadLocal<ImageReader> PNG_READER =
            ThreadLocal.withInitial(() -> firstOf(ImageIO.getImageReadersByFormatName("png"), "PNG reader"));
    private static final ThreadLocal<ImageReader> JPEG_READER =
            ThreadLocal.withInitial(() -> firstOf(ImageIO.getImageReadersByFormatName("jpeg"), "JPEG reader"));

    private static final ColorModel GRAY_MODEL = new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    private static final ColorModel RGB_MODEL = new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);

    private PngCodec() {}

    /**
     * Encodes an image as an 8-bit grayscale or RGB PNG.
     *
     * @param image the image
     * @return the PNG bytes
     */
    public static byte[] encode(DecodedImage image) {
        return encode(image.pixels(), image.channels(), image.height(), image.width());
    }

    /**
     * Encodes CHW pixels as an 8-bit grayscale (1 channel) or RGB (3 channels) PNG.
     *
     * @param pixels {@code channels * height * width} samples in CHW order; not modified
     * @param channels 1 or 3
     * @param height rows
     * @param width columns
     * @return the PNG bytes
     * @throws IllegalArgumentException if the sizes do not agree
     */
    public static byte[] encode(byte[] pixels, int channels, int height, int width) {
        new DecodedImage(channels, height, width, pixels); // validates the sizes
        BufferedImage image = channels == 1
                ? wrap(pixels, 1, height, width, GRAY_MODEL)
                : wrap(interleave(pixels, height * width), 3, height, width, RGB_MODEL);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + pixels.length / 2);
        ImageWriter writer = PNG_WRITER.get();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), null);
        } catch (IOException e) {
            // Writing to memory does not fail for I/O reasons; treat it as the bug it would be.
            throw new UncheckedIOException("PNG encoding failed", e);
        } finally {
            writer.setOutput(null);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes PNG or JPEG bytes. Gray images (also gray with alpha) give one channel, everything
     * else three RGB channels; alpha is dropped, not blended. 16-bit samples are scaled to 8 bits.
     *
     * @param encoded the PNG or JPEG bytes
     * @return the image in CHW order
     * @throws BadInputException if the bytes are not a readable PNG or JPEG
     */
    public static DecodedImage decode(byte[] encoded) {
        return decode(encoded, String.format(Locale.ROOT, "image of %d bytes", encoded.length));
    }

    /**
     * Decodes PNG or JPEG bytes, naming their source in any error.
     *
     * @param encoded the PNG or JPEG bytes
     * @param source what the bytes are, for the error message (a file name, a row id)
     * @return the image in CHW order
     * @throws BadInputException if the bytes are not a readable PNG or JPEG
     */
    public static DecodedImage decode(byte[] encoded, String source) {
        ThreadLocal<ImageReader> readers = readerFor(encoded);
        if (readers == null) {
            throw new BadInputException(String.format(
                    Locale.ROOT, "%s is not a PNG or JPEG image (it starts with %s)", source, head(encoded)));
        }
        ImageReader reader = readers.get();
        BufferedImage image;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            reader.setInput(in, true, true);
            image = reader.read(0);
            reader.setInput(null);
        } catch (IOException | RuntimeException e) {
            // A reader that failed half-way may keep broken state: start the next image with a new one.
            reader.dispose();
            readers.remove();
            throw new BadInputException(String.format(
                    Locale.ROOT, "%s is not a readable %s image: %s",
                    source, readers == PNG_READER ? "PNG" : "JPEG", e.getMessage()), e);
        }
        return toChw(image);
    }

    private static DecodedImage toChw(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int area = width * height;
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        int colorSpace = model.getColorSpace().getType();
        if (model instanceof ComponentColorModel && raster.getTransferType() == DataBuffer.TYPE_BYTE
                && (colorSpace == ColorSpace.TYPE_GRAY || colorSpace == ColorSpace.TYPE_RGB)) {
            // The common case: PNG gray/RGB(A) and JPEG. One bulk copy, then de-interleave.
            int bands = raster.getNumDataElements();
            byte[] interleaved = (byte[]) raster.getDataElements(0, 0, width, height, null);
            int channels = colorSpace == ColorSpace.TYPE_GRAY ? 1 : 3;
            if (bands == 1) {
                return new DecodedImage(1, height, width, interleaved);
            }
            return new DecodedImage(channels, height, width, deinterleave(interleaved, bands, channels, area));
        }
        if (model instanceof ComponentColorModel && colorSpace == ColorSpace.TYPE_GRAY) {
            // 16-bit gray: scale the raw samples, since the colour model would also apply a gamma curve.
            int[] samples = raster.getSamples(0, 0, width, height, 0, (int[]) null);
            int max = (1 << model.getComponentSize(0)) - 1;
            byte[] pixels = new byte[area];
            for (int i = 0; i < area; i++) {
                pixels[i] = (byte) ((samples[i] * 255 + max / 2) / max);
            }
            return new DecodedImage(1, height, width, pixels);
        }
        if (model instanceof IndexColorModel palette && isGrayPalette(palette)) {
            // Low bit-depth gray PNGs come back as a gray palette: keep them one channel.
            int[] indices = raster.getSamples(0, 0, width, height, 0, (int[]) null);
            byte[] pixels = new byte[area];
            for (int i = 0; i < area; i++) {
                pixels[i] = (byte) palette.getRed(indices[i]);
            }
            return new DecodedImage(1, height, width, pixels);
        }
        return viaColorModel(model, raster, width, height);
    }

    /** The rare remaining layouts (palette, 16-bit colour, packed): per pixel through the colour model. */
    private static DecodedImage viaColorModel(ColorModel model, Raster raster, int width, int height) {
        int area = width * height;
        byte[] pixels = new byte[3 * area];
        Object element = null;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                element = raster.getDataElements(x, y, element);
                int i = y * width + x;
                pixels[i] = (byte) model.getRed(element);
                pixels[area + i] = (byte) model.getGreen(element);
                pixels[2 * area + i] = (byte) model.getBlue(element);
            }
        }
        return new DecodedImage(3, height, width, pixels);
    }

    private static boolean isGrayPalette(IndexColorModel palette) {
        if (palette.hasAlpha()) {
            return false;
        }
        for (int i = 0; i < palette.getMapSize(); i++) {
            int red = palette.getRed(i);
            if (red != palette.getGreen(i) || red != palette.getBlue(i)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] deinterleave(byte[] interleaved, int bands, int channels, int area) {
        byte[] planar = new byte[channels * area];
        for (int c = 0; c < channels; c++) {
            int offset = c * area;
            for (int i = 0, j = c; i < area; i++, j += bands) {
                planar[offset + i] = interleaved[j];
            }
        }
        return planar;
    }

    private static byte[] interleave(byte[] planar, int area) {
        byte[] interleaved = new byte[3 * area];
        for (int c = 0; c < 3; c++) {
            int offset = c * area;
            for (int i = 0, j = c; i < area; i++, j += 3) {
                interleaved[j] = planar[offset + i];
            }
        }
        return interleaved;
    }

    private static BufferedImage wrap(byte[] interleaved, int bands, int height, int width, ColorModel model) {
        int[] bandOffsets = bands == 1 ? new int[] {0} : new int[] {0, 1, 2};
        WritableRaster raster = Raster.createInterleavedRaster(
                new DataBufferByte(interleaved, interleaved.length),
                width, height, width * bands, bands, bandOffsets, null);
        return new BufferedImage(model, raster, false, null);
    }

    private static ThreadLocal<ImageReader> readerFor(byte[] encoded) {
        if (startsWith(encoded, PNG_SIGNATURE)) {
            return PNG_READER;
        }
        if (encoded.length >= 3 && (encoded[0] & 0xFF) == 0xFF && (encoded[1] & 0xFF) == 0xD8
                && (encoded[2] & 0xFF) == 0xFF) {
            return JPEG_READER;
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String head(byte[] bytes) {
        if (bytes.length == 0) {
            return "nothing: it is empty";
        }
        StringBuilder hex = new StringBuilder("bytes");
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format(Locale.ROOT, " %02x", bytes[i] & 0xFF));
        }
        return hex.toString();
    }

    private static <T> T firstOf(Iterator<T> candidates, String what) {
        if (!candidates.hasNext()) {
            throw new IllegalStateException("no " + what + " registered with javax.imageio");
        }
        return candidates.next();
    }
}
