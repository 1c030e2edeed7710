package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngCodecTest {

    private static byte[] randomPixels(int length, long seed) {
        byte[] pixels = new byte[length];
        new Random(seed).nextBytes(pixels);
        return pixels;
    }

    private static byte[] imageIo(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, bytes), "no ImageIO writer for " + format);
        return bytes.toByteArray();
    }

    @Test
    void grayRoundTripIsExact() {
        byte[] pixels = randomPixels(28 * 28, 1);
        DecodedImage decoded = PngCodec.decode(PngCodec.encode(pixels, 1, 28, 28));
        assertEquals(1, decoded.channels());
        assertEquals(28, decoded.height());
        assertEquals(28, decoded.width());
        assertArrayEquals(pixels, decoded.pixels());
    }

    @Test
    void rgbRoundTripIsExactAndChw() {
        int height = 3;
        int width = 4;
        byte[] pixels = randomPixels(3 * height * width, 2);
        byte[] png = PngCodec.encode(pixels, 3, height, width);
        DecodedImage decoded = PngCodec.decode(png);
        assertEquals(3, decoded.channels());
        assertArrayEquals(pixels, decoded.pixels());
        // Cross-check the channel order with ImageIO's own view of the PNG: channel 0 is red.
        BufferedImage viaImageIo = readWithImageIo(png);
        int rgb = viaImageIo.getRGB(1, 2);
        assertEquals((rgb >> 16) & 0xFF, decoded.sample(0, 2, 1));
        assertEquals((rgb >> 8) & 0xFF, decoded.sample(1, 2, 1));
        assertEquals(rgb & 0xFF, decoded.sample(2, 2, 1));
    }

    private static BufferedImage readWithImageIo(byte[] png) {
        try {
            return ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void alphaIsDroppedNotBlended() throws IOException {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00_10_20_30); // fully transparent: the colour must still come back
        argb.setRGB(1, 0, 0x80_FF_00_7F);
        DecodedImage decoded = PngCodec.decode(imageIo(argb, "png"));
        assertEquals(3, decoded.channels());
        assertArrayEquals(new byte[] {0x10, (byte) 0xFF, 0x20, 0x00, 0x30, 0x7F}, decoded.pixels());
    }

    @Test
    void grayJpegStaysOneChannelAndColourJpegIsRgb() throws IOException {
        BufferedImage gray = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        DecodedImage decodedGray = PngCodec.decode(imageIo(gray, "jpeg"));
        assertEquals(1, decodedGray.channels());
        assertEquals(64, decodedGray.pixels().length);

        BufferedImage colour = new BufferedImage(8, 6, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                colour.setRGB(x, y, 0xC0_20_40);
            }
        }
        DecodedImage decodedColour = PngCodec.decode(imageIo(colour, "jpeg"));
        assertEquals(3, decodedColour.channels());
        assertEquals(6, decodedColour.height());
        assertEquals(8, decodedColour.width());
        // JPEG is lossy: the flat colour comes back close, red first.
        assertTrue(Math.abs(decodedColour.sample(0, 3, 3) - 0xC0) <= 3);
        assertTrue(Math.abs(decodedColour.sample(1, 3, 3) - 0x20) <= 3);
        assertTrue(Math.abs(decodedColour.sample(2, 3, 3) - 0x40) <= 3);
    }

    @Test
    void sixteenBitGrayIsScaledToEightBits() throws IOException {
        BufferedImage gray16 = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 0x8080, 0xFFFF});
        DecodedImage decoded = PngCodec.decode(imageIo(gray16, "png"));
        assertEquals(1, decoded.channels());
        assertArrayEquals(new byte[] {0, (byte) 0x80, (byte) 0xFF}, decoded.pixels());
    }

    @Test
    void garbageAndTruncatedBytesAreBadInput() {
        BadInputException notImage = assertThrows(
                BadInputException.class, () -> PngCodec.decode("hello".getBytes(), "row x-1"));
        assertTrue(notImage.getMessage().contains("row x-1"), notImage.getMessage());
        assertTrue(notImage.getMessage().contains("not a PNG or JPEG"), notImage.getMessage());

        byte[] png = PngCodec.encode(randomPixels(100, 3), 1, 10, 10);
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        BadInputException truncated = assertThrows(BadInputException.class, () -> PngCodec.decode(cut, "cut.png"));
        assertTrue(truncated.getMessage().contains("cut.png"), truncated.getMessage());
        // The reader that failed is replaced: the next decode on this thread works.
        assertArrayEquals(PngCodec.decode(png).pixels(), PngCodec.decode(png).pixels());
    }

    @Test
    void wrongSizesAreRejectedWhenEncoding() {
        assertThrows(IllegalArgumentException.class, () -> PngCodec.encode(new byte[10], 1, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> PngCodec.encode(new byte[18], 2, 3, 3));
    }
}
