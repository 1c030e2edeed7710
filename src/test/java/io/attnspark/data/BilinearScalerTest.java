package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BilinearScalerTest {

    @Test
    void upscalingOneRowInterpolatesBetweenPixelCentres() {
        // 2 pixels (0, 100) to 4: output centres at 0.25, 0.75, 1.25, 1.75 source pixels; the outer ones
        // lie beyond the first and last centre and keep the edge value (weights renormalised). As PIL.
        DecodedImage row = new DecodedImage(1, 1, 2, new byte[] {0, 100});
        DecodedImage wide = BilinearScaler.resize(row, 1, 4);
        assertArrayEquals(new byte[] {0, 25, 75, 100}, wide.pixels());
    }

    @Test
    void shrinkingWidensTheTriangle() {
        // Halving: the triangle spans 2 source pixels each side; output 0 (centre 1.0) weighs pixels
        // 0, 1, 2 by 0.75, 0.75, 0.25: (75 + 50) / 1.75 = 71. PIL 12.3's resize((2, 1), BILINEAR) gives [71, 194].
        DecodedImage row = new DecodedImage(1, 1, 4, new byte[] {0, 100, (byte) 200, (byte) 220});
        DecodedImage half = BilinearScaler.resize(row, 1, 2);
        assertArrayEquals(new byte[] {71, (byte) 194}, half.pixels());
    }

    @Test
    void matchesPilOnAnImageShrunkOneWayAndStretchedTheOther() {
        // Image.frombytes('L', (5, 4), px).resize((3, 7), Image.BILINEAR) with PIL 12.3.
        int[] source = {121, 66, 189, 242, 33, 6, 240, 132, 119, 98, 240, 243, 203, 77, 118, 77, 199, 7, 32, 81};
        int[] pil = {97, 173, 123, 100, 166, 117, 105, 154, 108, 174, 169, 104, 233, 175, 97, 169, 101, 74, 129, 55,
            60};
        byte[] pixels = new byte[source.length];
        for (int i = 0; i < source.length; i++) {
            pixels[i] = (byte) source[i];
        }
        DecodedImage out = BilinearScaler.resize(new DecodedImage(1, 4, 5, pixels), 7, 3);
        for (int i = 0; i < pil.length; i++) {
            assertEquals(pil[i], out.pixels()[i] & 0xFF, "pixel " + i);
        }
    }

    @Test
    void keepsChannelsSizesAndConstantImages() {
        byte[] pixels = new byte[3 * 7 * 5];
        for (int c = 0; c < 3; c++) {
            java.util.Arrays.fill(pixels, c * 35, (c + 1) * 35, (byte) (40 + 80 * c));
        }
        DecodedImage out = BilinearScaler.resize(new DecodedImage(3, 7, 5, pixels), 19, 2);
        assertEquals(3, out.channels());
        assertEquals(19, out.height());
        assertEquals(2, out.width());
        for (int c = 0; c < 3; c++) {
            assertEquals(40 + 80 * c, out.sample(c, 18, 1));
            assertEquals(40 + 80 * c, out.sample(c, 0, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> BilinearScaler.resize(out, 0, 3));
    }
}
