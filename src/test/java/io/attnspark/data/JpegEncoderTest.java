package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JpegEncoderTest {

    /** A smooth gradient, which JPEG keeps within a few levels. */
    private static DecodedImage gradient(int channels, int height, int width) {
        byte[] pixels = new byte[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    pixels[(c * height + y) * width + x] = (byte) ((x * 4 + y * 2 + c * 60) % 256);
                }
            }
        }
        return new DecodedImage(channels, height, width, pixels);
    }

    private static double meanAbsoluteError(DecodedImage a, DecodedImage b) {
        double sum = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            sum += Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF));
        }
        return sum / a.pixels().length;
    }

    @Test
    void grayStaysGrayAndColourStaysColourCloseToTheSource() {
        for (int channels : new int[] {1, 3}) {
            DecodedImage source = gradient(channels, 24, 40);
            byte[] jpeg = JpegEncoder.encode(source, 95);
            assertEquals(0xFF, jpeg[0] & 0xFF);
            assertEquals(0xD8, jpeg[1] & 0xFF);
            DecodedImage back = PngCodec.decode(jpeg, "round trip");
            assertEquals(channels, back.channels());
            assertEquals(24, back.height());
            assertEquals(40, back.width());
            double error = meanAbsoluteError(source, back);
            // Colour loses a little more: chroma is stored at half resolution (4:2:0).
            assertTrue(error < (channels == 1 ? 2 : 5), channels + " channels: mean absolute error " + error);
        }
    }

    @Test
    void lowerQualityGivesFewerBytesAndQualityIsChecked() {
        DecodedImage source = gradient(3, 64, 64);
        assertTrue(JpegEncoder.encode(source, 30).length < JpegEncoder.encode(source, 95).length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JpegEncoder.encode(source, 0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JpegEncoder.encode(source, 101));
    }
}
