package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IngestEncodingTest {

    private static byte[] png(int channels, int height, int width) {
        return PngCodec.encode(new DecodedImage(channels, height, width, new byte[channels * height * width]));
    }

    @Test
    void originalKeepsTheBytesAndReportsTheSize() {
        byte[] bytes = png(3, 30, 50);
        StoredImage stored = IngestEncoding.ORIGINAL.apply(bytes, "a.png");
        assertSame(bytes, stored.bytes());
        assertEquals(30, stored.height());
        assertEquals(50, stored.width());
        assertEquals(3, stored.channels());
    }

    @Test
    void resizeShrinksTheShorterSideToJpegAndNeverUpscales() {
        IngestEncoding shrink = new IngestEncoding(20, 90);
        StoredImage wide = shrink.apply(png(3, 30, 50), "wide.png"); // 20 x int(20 * 50 / 30) = 20 x 33
        assertEquals(20, wide.height());
        assertEquals(33, wide.width());
        DecodedImage decoded = PngCodec.decode(wide.bytes(), "wide");
        assertEquals(33, decoded.width());
        assertEquals(0xFF, wide.bytes()[0] & 0xFF); // JPEG
        StoredImage tall = shrink.apply(png(1, 61, 21), "tall.png"); // int(20 * 61 / 21) = 58
        assertEquals(58, tall.height());
        assertEquals(20, tall.width());
        assertEquals(1, tall.channels());
        assertEquals(1, PngCodec.decode(tall.bytes(), "tall").channels());

        byte[] small = png(1, 20, 90);
        assertArrayEquals(small, shrink.apply(small, "small.png").bytes());
    }

    @Test
    void badBytesAndBadSettingsAreNamed() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> IngestEncoding.ORIGINAL.apply(new byte[] {1, 2, 3}, "x/broken.jpg"));
        assertTrue(e.getMessage().contains("x/broken.jpg"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IngestEncoding(-1, 90));
        IllegalArgumentException q = assertThrows(IllegalArgumentException.class, () -> new IngestEncoding(64, 0));
        assertTrue(q.getMessage().contains("quality"), q.getMessage());
    }
}
