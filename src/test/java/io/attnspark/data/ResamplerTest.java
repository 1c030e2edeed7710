package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ResamplerTest {

    static Stream<String[]> vectors() {
        return ImageVectors.table("resample.tsv").stream();
    }

    @ParameterizedTest(name = "{0} {1} {5}")
    @MethodSource("vectors")
    void matchesTorchvisionOnPil(String op, String input, String channels, String height, String width,
            String arguments, String outHeight, String outWidth, String expectedFile) {
        DecodedImage src = ImageVectors.image(input, Integer.parseInt(channels), Integer.parseInt(height),
                Integer.parseInt(width));
        int[] args = Arrays.stream(arguments.split(" ")).mapToInt(Integer::parseInt).toArray();
        DecodedImage actual = switch (op) {
            case "resized_crop" -> Resampler.resizedCrop(src, new CropBox(args[0], args[1], args[2], args[3]),
                    args[4], args[5]);
            case "resize" -> Resampler.resizeShorter(src, args[0]);
            case "center_crop" -> Resampler.crop(src,
                    Resampler.centerCrop(src.height(), src.width(), args[0], args[1]));
            case "eval" -> InputViews.eval(src, args[0], args[1]);
            default -> throw new AssertionError("unknown op " + op);
        };
        DecodedImage expected = ImageVectors.image(expectedFile, src.channels(), Integer.parseInt(outHeight),
                Integer.parseInt(outWidth));
        assertEquals(0, ImageVectors.maxDifference(expected, actual), op + " " + arguments + " differs from torchvision");
    }

    @Test
    void halvingAveragesPairsByHand() {
        // 1x4 -> 1x2: scale 2, the filter spans 2 source pixels each side of the centre (1.0, 3.0).
        // Output 0, centre 1.0: taps x=0,1,2 at distances 0.5,0.5,1.5 (in filter units 0.25,0.25,0.75)
        // -> weights 0.75,0.75,0.25 normalised to 3/7,3/7,1/7: (10*3 + 20*3 + 30) / 7 = 17.14 -> 17.
        // Output 1, centre 3.0: taps x=1,2,3 -> (20 + 30*3 + 40*3) / 7 = 32.86 -> 33.
        DecodedImage src = new DecodedImage(1, 1, 4, new byte[] {10, 20, 30, 40});
        DecodedImage out = Resampler.resizedCrop(src, new CropBox(0, 0, 1, 4), 1, 2);
        assertArrayEquals(new byte[] {17, 33}, out.pixels());
    }

    @Test
    void doublingInterpolatesBetweenNeighboursByHand() {
        // 1x2 -> 1x4: scale 0.5, support 1; centres 0.25, 0.75, 1.25, 1.75 in source pixels whose centres
        // are 0.5 and 1.5: 0 -> all of pixel 0 (its only neighbour within reach is itself and 1 at 1.25 away);
        // 0.75 -> 0.75*a + 0.25*b = 0.75*100 + 0.25*200 = 125; 1.25 -> 175; 1.75 -> 200.
        DecodedImage src = new DecodedImage(1, 1, 2, new byte[] {100, (byte) 200});
        DecodedImage out = Resampler.resizedCrop(src, new CropBox(0, 0, 1, 2), 1, 4);
        assertArrayEquals(new int[] {100, 125, 175, 200}, unsigned(out.pixels()));
    }

    @Test
    void cropOutsideTheImageReadsZeros() {
        DecodedImage src = new DecodedImage(1, 2, 2, new byte[] {1, 2, 3, 4});
        DecodedImage out = Resampler.crop(src, new CropBox(-1, 1, 3, 2));
        assertArrayEquals(new byte[] {0, 0, 2, 0, 4, 0}, out.pixels());
    }

    @Test
    void centerCropRoundsHalvesToEvenLikePython() {
        assertEquals(new CropBox(0, 0, 36, 52), Resampler.centerCrop(37, 53, 36, 52)); // round(0.5) = 0
        assertEquals(new CropBox(2, 2, 34, 50), Resampler.centerCrop(37, 53, 34, 50)); // round(1.5) = 2
        assertEquals(new CropBox(16, 16, 224, 224), Resampler.centerCrop(256, 256, 224, 224));
        assertEquals(new CropBox(0, -2, 20, 24), Resampler.centerCrop(20, 20, 20, 24)); // padded 2 each side
    }

    @Test
    void resizeShorterKeepsTorchvisionsTruncatedLongSide() {
        DecodedImage src = new DecodedImage(1, 375, 500, new byte[375 * 500]);
        DecodedImage out = Resampler.resizeShorter(src, 256);
        assertEquals(256, out.height());
        assertEquals(341, out.width()); // int(256 * 500 / 375) = int(341.33)
        assertSame(src, Resampler.resizeShorter(src, 375));
    }

    @Test
    void flipMirrorsEveryRowOfEveryChannel() {
        DecodedImage src = new DecodedImage(3, 1, 3, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertArrayEquals(new byte[] {3, 2, 1, 6, 5, 4, 9, 8, 7}, Resampler.flipHorizontal(src).pixels());
    }

    @Test
    void emptyBoxesAndOutputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CropBox(0, 0, 0, 5));
        DecodedImage src = new DecodedImage(1, 2, 2, new byte[4]);
        assertThrows(IllegalArgumentException.class, () -> Resampler.resizedCrop(src, new CropBox(0, 0, 2, 2), 0, 3));
        assertThrows(IllegalArgumentException.class, () -> Resampler.resizeShorter(src, 0));
    }

    private static int[] unsigned(byte[] bytes) {
        int[] values = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            values[i] = bytes[i] & 0xFF;
        }
        return values;
    }
}
