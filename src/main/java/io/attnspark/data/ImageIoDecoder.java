package io.attnspark.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes with {@code javax.imageio} to the source's own colour kind, gray (one channel) or RGB
 * (three), with PIL's values: samples are read from the raster, never through a colour model that
 * would apply ICC profiles or gamma; palettes are expanded; alpha is dropped, not blended; 16-bit
 * colour keeps the high byte and 16-bit gray is clamped to 255 (PIL's {@code I;16} to {@code L});
 * CMYK and YCCK JPEGs, which ImageIO will not convert, are read raw and converted as PIL does.
 *
 * <p>{@link ImageDecoder} uses this class for every format but the JPEGs {@link TurboJpeg} takes; it is
 * public so that benchmarks can time it alone. The JDK's own readers are used even where other
 * plugins are installed. Readers are kept per thread and format: they are not thread-safe, and looking them up in the
 * registry for every image costs more than decoding a small one.
 */
public final class ImageIoDecoder {

    private static final ThreadLocal<Map<ImageFormat, ImageReader>> READERS =
            ThreadLocal.withInitial(() -> new EnumMap<>(ImageFormat.class));

    /** Where the JDK's ImageIO plugins live. */
    private static final String JDK_PLUGINS = "com.sun.imageio.plugins.";

    private ImageIoDecoder() {}

    /**
     * Decodes a JPEG, PNG, GIF or BMP image with ImageIO alone, to its own colour kind.
     *
     * @param bytes the encoded image
     * @param name the image's name for errors
     * @return the image, one channel for gray sources, three otherwise
     * @throws BadInputException naming the image if it does not decode
     */
    public static DecodedImage decode(byte[] bytes, String name) {
        return decode(bytes, ImageDecoder.formatOf(bytes, name), name);
    }

    /**
     * Decodes an image.
     *
     * @param bytes the encoded image
     * @param format its format, as sniffed
     * @param name the image's name for errors
     * @return the image, one channel for gray sources, three otherwise
     * @throws BadInputException naming the image if it does not decode
     */
    static DecodedImage decode(byte[] bytes, ImageFormat format, String name) {
        ImageReader reader = reader(format, name);
        List<String> warnings = new ArrayList<>();
        IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
        reader.addIIOReadWarningListener(listener);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            DecodedImage image;
            if (format == ImageFormat.JPEG) {
                image = readJpeg(reader, bytes);
            } else {
                image = fromImage(reader.read(0), format, bytes);
            }
            reader.setInput(null);
            rejectTruncated(warnings, format, name);
            return image;
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            // A reader that failed half-way may keep broken state: the next image gets a new one.
            reader.dispose();
            READERS.get().remove(format);
            throw new BadInputException(String.format(Locale.ROOT, "%s is not a readable %s image: %s",
                    name, format.label, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } finally {
            reader.removeIIOReadWarningListener(listener);
        }
    }

    /**
     * libjpeg only warns about a file that ends early and fills the rest with gray; PIL refuses
     * such a file ("image file is truncated"), and so do we.
     */
    private static void rejectTruncated(List<String> warnings, ImageFormat format, String name) {
        for (String warning : warnings) {
            if (JpegWarnings.isTruncation(warning)) {
                throw new BadInputException(String.format(
                        Locale.ROOT, "%s is not a readable %s image: it is truncated (%s)", name, format.label, warning));
            }
        }
    }

    private static DecodedImage readJpeg(ImageReader reader, byte[] bytes) throws IOException {
        JpegHeader header = JpegHeader.read(bytes);
        if (header.components() == 4) {
            return fromCmykRaster(reader.readRaster(0, null), header.transform() == JpegHeader.YCC);
        }
        return fromImage(reader.read(0), ImageFormat.JPEG, bytes);
    }

    /**
     * PIL opens every four-component JPEG as Adobe-inverted CMYK ({@code CMYK;I}) after libjpeg has
     * turned YCCK into CMYK, then converts with {@link PilColors#cmykToRgb}.
     */
    private static DecodedImage fromCmykRaster(Raster raster, boolean ycck) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int area = width * height;
        int[] samples = raster.getPixels(raster.getMinX(), raster.getMinY(), width, height, (int[]) null);
        byte[] pixels = new byte[3 * area];
        for (int i = 0, j = 0; i < area; i++, j += 4) {
            int c = samples[j];
            int m = samples[j + 1];
            int y = samples[j + 2];
            int k = samples[j + 3];
            if (ycck) {
                // libjpeg turns YCCK into CMYK as 255 - RGB of the YCC part; PIL's inversion undoes that.
                int luma = c;
                int cb = m;
                int cr = y;
                c = PilColors.red(luma, cr);
                m = PilColors.green(luma, cb, cr);
                y = PilColors.blue(luma, cb);
            } else {
                c = 255 - c;
                m = 255 - m;
                y = 255 - y;
            }
            k = 255 - k;
            pixels[i] = (byte) PilColors.cmykToRgb(c, k);
            pixels[area + i] = (byte) PilColors.cmykToRgb(m, k);
            pixels[2 * area + i] = (byte) PilColors.cmykToRgb(y, k);
        }
        return new DecodedImage(3, height, width, pixels);
    }

    private static DecodedImage fromImage(BufferedImage image, ImageFormat format, byte[] bytes) {
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        if (model instanceof IndexColorModel palette) {
            boolean gray = format == ImageFormat.PNG ? pngIsGray(bytes) : isGrayPalette(palette);
            return fromPalette(raster, palette, gray);
        }
        if (model instanceof ComponentColorModel) {
            boolean gray = model.getNumColorComponents() == 1;
            int transfer = raster.getTransferType();
            if (transfer == DataBuffer.TYPE_BYTE) {
                return fromBytes(raster, gray);
            }
            if (transfer == DataBuffer.TYPE_USHORT) {
                // PIL opens 16-bit gray as I;16 (convert clamps at 255), gray+alpha and colour
                // keeping the high byte of each sample.
                boolean clamp = gray && raster.getNumBands() == 1;
                return fromWide(raster, gray, clamp);
            }
        }
        return fromArgb(image);
    }

    private static DecodedImage fromBytes(Raster raster, boolean gray) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int area = width * height;
        int bands = raster.getNumBands();
        byte[] interleaved = (byte[]) raster.getDataElements(0, 0, width, height, null);
        int channels = gray ? 1 : 3;
        if (bands == 1) {
            return new DecodedImage(1, height, width, interleaved);
        }
        byte[] planar = new byte[channels * area];
        for (int c = 0; c < channels; c++) {
            int offset = c * area;
            for (int i = 0, j = c; i < area; i++, j += bands) {
                planar[offset + i] = interleaved[j];
            }
        }
        return new DecodedImage(channels, height, width, planar);
    }

    private static DecodedImage fromWide(Raster raster, boolean gray, boolean clamp) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int area = width * height;
        int bands = raster.getNumBands();
        int[] samples = raster.getPixels(0, 0, width, height, (int[]) null);
        int channels = gray ? 1 : 3;
        byte[] planar = new byte[channels * area];
        for (int c = 0; c < channels; c++) {
            int offset = c * area;
            for (int i = 0, j = c; i < area; i++, j += bands) {
                int sample = samples[j];
                planar[offset + i] = (byte) (clamp ? Math.min(sample, 255) : sample >> 8);
            }
        }
        return new DecodedImage(channels, height, width, planar);
    }

    private static DecodedImage fromPalette(Raster raster, IndexColorModel palette, boolean gray) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int area = width * height;
        int[] indices = raster.getSamples(0, 0, width, height, 0, (int[]) null);
        int size = palette.getMapSize();
        byte[] reds = new byte[size];
        byte[] greens = new byte[size];
        byte[] blues = new byte[size];
        palette.getReds(reds);
        palette.getGreens(greens);
        palette.getBlues(blues);
        byte[] pixels = new byte[(gray ? 1 : 3) * area];
        for (int i = 0; i < area; i++) {
            int index = indices[i];
            pixels[i] = reds[index];
            if (!gray) {
                pixels[area + i] = greens[index];
                pixels[2 * area + i] = blues[index];
            }
        }
        return new DecodedImage(gray ? 1 : 3, height, width, pixels);
    }

    /** Packed and other rare layouts: through ARGB integers, which for these carry the stored values. */
    private static DecodedImage fromArgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int area = width * height;
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        byte[] pixels = new byte[3 * area];
        for (int i = 0; i < area; i++) {
            pixels[i] = (byte) (argb[i] >> 16);
            pixels[area + i] = (byte) (argb[i] >> 8);
            pixels[2 * area + i] = (byte) argb[i];
        }
        return new DecodedImage(3, height, width, pixels);
    }

    /** PNG colour types 0 and 4 are gray; ImageIO shows low-depth gray as a palette, so we look. */
    private static boolean pngIsGray(byte[] bytes) {
        int colorType = bytes.length > 25 ? bytes[25] & 0xFF : -1;
        return colorType == 0 || colorType == 4;
    }

    private static boolean isGrayPalette(IndexColorModel palette) {
        for (int i = 0; i < palette.getMapSize(); i++) {
            int red = palette.getRed(i);
            if (red != palette.getGreen(i) || red != palette.getBlue(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The JDK's own reader for the format. Other plugins on the class path register ahead of it
     * (TwelveMonkeys' JPEG reader does) and convert differently, e.g. CMYK through ICC profiles;
     * the JDK's readers are the ones checked against PIL.
     */
    private static ImageReader reader(ImageFormat format, String name) {
        return READERS.get().computeIfAbsent(format, f -> {
            ImageReader fallback = null;
            for (Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(f.label); readers.hasNext(); ) {
                ImageReader candidate = readers.next();
                if (candidate.getClass().getName().startsWith(JDK_PLUGINS)) {
                    return candidate;
                }
                fallback = fallback == null ? candidate : fallback;
            }
            if (fallback == null) {
                throw new BadInputException(String.format(
                        Locale.ROOT, "%s is a %s image, which no installed decoder reads", name, f.label));
            }
            return fallback;
        });
    }
}
