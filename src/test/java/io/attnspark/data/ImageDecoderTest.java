package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ImageDecoderTest {

    static Stream<String[]> vectors() {
        return ImageVectors.table("decode.tsv").stream();
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("vectors")
    void decodesAsPilConvertsToRgbAndGray(String file, String pilMode, String naturalChannels, String height,
            String width) {
        byte[] bytes = ImageVectors.bytes(file);
        int h = Integer.parseInt(height);
        int w = Integer.parseInt(width);
        DecodedImage rgb = ImageDecoder.decode(bytes, file, 3);
        DecodedImage gray = ImageDecoder.decode(bytes, file, 1);
        assertEquals(0, ImageVectors.maxDifference(ImageVectors.image(file + ".rgb", 3, h, w), rgb),
                file + " as RGB differs from PIL's convert('RGB')");
        assertEquals(0, ImageVectors.maxDifference(ImageVectors.image(file + ".l", 1, h, w), gray),
                file + " as gray differs from PIL's convert('L')");
        assertEquals(Integer.parseInt(naturalChannels), ImageDecoder.decode(bytes, file).channels(),
                file + " (PIL mode " + pilMode + ") keeps the wrong colour kind");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void imageIoAloneGivesPilsPixels(String file, String pilMode, String naturalChannels, String height,
            String width) {
        byte[] bytes = ImageVectors.bytes(file);
        DecodedImage image = ImageIoDecoder.decode(bytes, file);
        assertEquals(Integer.parseInt(naturalChannels), image.channels(), file + " keeps the wrong colour kind");
        int h = Integer.parseInt(height);
        int w = Integer.parseInt(width);
        assertEquals(0, ImageVectors.maxDifference(ImageVectors.image(file + ".rgb", 3, h, w),
                ImageDecoder.toChannels(image, 3)), file + " through ImageIO differs from PIL");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void turboJpegGivesPilsPixelsOrLeavesCmykToImageIo(String file, String pilMode, String naturalChannels,
            String height, String width) {
        assumeTrue(file.endsWith(".jpg"), "TurboJpeg reads JPEGs only");
        assumeTrue(TurboJpeg.available(), () -> "libturbojpeg is not installed: " + TurboJpeg.unavailableReason());
        DecodedImage image = TurboJpeg.decode(ImageVectors.bytes(file), file);
        if (pilMode.equals("CMYK")) {
            assertNull(image, file + ": CMYK and YCCK are ImageIO's, converted as PIL does");
            return;
        }
        assertEquals(Integer.parseInt(naturalChannels), image.channels(), file + " keeps the wrong colour kind");
        int h = Integer.parseInt(height);
        int w = Integer.parseInt(width);
        assertEquals(0, ImageVectors.maxDifference(ImageVectors.image(file + ".rgb", 3, h, w),
                ImageDecoder.toChannels(image, 3)), file + " through TurboJPEG differs from PIL");
    }

    @Test
    void bothJpegDecodersRefuseAFileMissingOnlyItsEndMarker() {
        // PIL: "image file is truncated" even when only EOI is missing; libjpeg merely warns.
        byte[] jpeg = ImageVectors.bytes("jpeg_progressive.jpg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length - 2);
        BadInputException imageIo = assertThrows(BadInputException.class, () -> ImageIoDecoder.decode(cut, "eoi.jpg"));
        assertTrue(imageIo.getMessage().contains("eoi.jpg") && imageIo.getMessage().contains("truncated"),
                imageIo.getMessage());
        assumeTrue(TurboJpeg.available(), () -> "libturbojpeg is not installed: " + TurboJpeg.unavailableReason());
        BadInputException turbo = assertThrows(BadInputException.class, () -> TurboJpeg.decode(cut, "eoi.jpg"));
        assertTrue(turbo.getMessage().contains("eoi.jpg") && turbo.getMessage().contains("truncated"),
                turbo.getMessage());
    }

    @Test
    void lumaIsPilsRoundedFixedPointFormula() {
        // Values checked on Pillow 12.3: convert('L') of single RGB pixels.
        assertEquals(76, PilColors.luma(255, 0, 0));
        assertEquals(150, PilColors.luma(0, 255, 0));
        assertEquals(29, PilColors.luma(0, 0, 255));
        assertEquals(128, PilColors.luma(128, 128, 127)); // 127.886: rounded, not truncated
        assertEquals(34, PilColors.luma(3, 7, 250)); // 33.506
        for (int v = 0; v < 256; v++) {
            assertEquals(v, PilColors.luma(v, v, v), "gray must stay gray");
        }
    }

    @Test
    void emptyBytesAreRejectedNamingTheImage() {
        BadInputException e = assertThrows(BadInputException.class, () -> ImageDecoder.decode(new byte[0], "a/empty.jpg"));
        assertTrue(e.getMessage().contains("a/empty.jpg") && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void randomBytesAreRejectedNamingTheImage() {
        byte[] noise = new byte[500];
        new java.util.SplittableRandom(3).nextBytes(noise);
        noise[0] = 0x12;
        BadInputException e = assertThrows(BadInputException.class, () -> ImageDecoder.decode(noise, "row 17"));
        assertTrue(e.getMessage().startsWith("row 17 is not a JPEG, PNG"), e.getMessage());
    }

    @Test
    void truncatedJpegIsRejectedNamingTheImage() {
        byte[] jpeg = ImageVectors.bytes("jpeg_baseline_420.jpg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length * 2 / 3);
        BadInputException e = assertThrows(BadInputException.class, () -> ImageDecoder.decode(cut, "cut.jpg"));
        assertTrue(e.getMessage().contains("cut.jpg") && e.getMessage().contains("truncated"), e.getMessage());
        BadInputException imageIo = assertThrows(BadInputException.class, () -> ImageIoDecoder.decode(cut, "cut.jpg"));
        assertTrue(imageIo.getMessage().contains("cut.jpg") && imageIo.getMessage().contains("truncated"),
                imageIo.getMessage());
    }

    @Test
    void webpWithoutAReaderIsRejectedNamingTheImageAndFormat() {
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        BadInputException e = assertThrows(BadInputException.class, () -> ImageDecoder.decode(webp, "x.webp"));
        assertTrue(e.getMessage().contains("x.webp") && e.getMessage().contains("WebP"), e.getMessage());
    }

    @Test
    void truncatedPngIsRejectedNamingTheImage() {
        byte[] png = ImageVectors.bytes("png_rgb.png");
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        BadInputException e = assertThrows(BadInputException.class, () -> ImageDecoder.decode(cut, "cut.png"));
        assertTrue(e.getMessage().contains("cut.png") && e.getMessage().contains("PNG"), e.getMessage());
    }

    @Test
    void jpegHeaderWithoutBodyIsRejected() {
        byte[] head = Arrays.copyOf(ImageVectors.bytes("jpeg_baseline_420.jpg"), 40);
        BadInputException e = assertThrows(BadInputException.class, () -> ImageDecoder.decode(head, "head.jpg"));
        assertTrue(e.getMessage().contains("head.jpg"), e.getMessage());
    }

    @Test
    void aBadImageDoesNotSpoilTheNextOnTheSameThread() {
        byte[] jpeg = ImageVectors.bytes("jpeg_baseline_420.jpg");
        DecodedImage before = ImageDecoder.decode(jpeg, "before");
        assertThrows(BadInputException.class, () -> ImageDecoder.decode(Arrays.copyOf(jpeg, 300), "cut"));
        assertEquals(0, ImageVectors.maxDifference(before, ImageDecoder.decode(jpeg, "after")));
    }

    @Test
    void channelsOtherThanOneOrThreeAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageDecoder.decode(ImageVectors.bytes("png_rgb.png"), "x.png", 4));
        assertTrue(e.getMessage().contains("got 4") && e.getMessage().contains("x.png"), e.getMessage());
    }
}
