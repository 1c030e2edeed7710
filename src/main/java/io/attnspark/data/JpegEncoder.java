package io.attnspark.data;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes CHW pixels as a baseline JPEG (JFIF) with {@code javax.imageio}: one channel as a gray JPEG,
 * three as YCbCr with the writer's default 4:2:0 chroma subsampling (what PIL writes by default).
 * Writers are kept per thread: they are not thread-safe, and the registry lookup costs more than a
 * small image's encoding.
 */
public final class JpegEncoder {

    private static final ThreadLocal<ImageWriter> JPEG_WRITER = ThreadLocal.withInitial(JpegEncoder::newWriter);

    private static final ColorModel GRAY_MODEL = new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    private static final ColorModel RGB_MODEL = new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);

    private JpegEncoder() {}

    /**
     * Encodes an image.
     *
     * @param image a gray or RGB image
     * @param quality JPEG quality, 1..100 (as PIL's {@code quality}; 90 keeps fine detail)
     * @return the JPEG bytes
     * @throws IllegalArgumentException if the quality is outside 1..100
     */
    public static byte[] encode(DecodedImage image, int quality) {
        checkQuality(quality);
        int area = image.height() * image.width();
        BufferedImage buffered = image.channels() == 1
                ? wrap(image.pixels(), 1, image.height(), image.width(), GRAY_MODEL)
                : wrap(interleave(image.pixels(), area), 3, image.height(), image.width(), RGB_MODEL);
        ImageWriter writer = JPEG_WRITER.get();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        // ImageIO's scale is 0..1 and maps linearly onto the IJG quality PIL uses.
        param.setCompressionQuality(quality / 100f);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + area / 4);
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(buffered, null, null), param);
        } catch (IOException e) {
            // Writing to memory does not fail for I/O reasons; treat it as the bug it would be.
            throw new UncheckedIOException("JPEG encoding failed", e);
        } finally {
            writer.setOutput(null);
        }
        return bytes.toByteArray();
    }

    /**
     * Checks a JPEG quality.
     *
     * @param quality the quality
     * @throws IllegalArgumentException naming the value if it is outside 1..100
     */
    public static void checkQuality(int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "JPEG quality must be 1..100 (90 is usual), got %d", quality));
        }
    }

    private static ImageWriter newWriter() {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no JPEG writer registered with javax.imageio");
        }
        return writers.next();
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
}
