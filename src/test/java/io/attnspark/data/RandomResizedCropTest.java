package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RandomResizedCropTest {

    private static final int DRAWS = 100_000;

    static Stream<String[]> torchvisionStatistics() {
        return ImageVectors.table("rrc.tsv").stream();
    }

    /**
     * The Java sampler against torchvision's, over 100,000 draws each: means and spreads of the area
     * share and the log aspect ratio, where the top edge falls, and how often the whole image comes
     * back. Tolerances are about five standard errors of a difference of two such means (scale std
     * 0.22 / sqrt(1e5) = 0.0007 per side).
     */
    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("torchvisionStatistics")
    void drawsAreDistributedAsTorchvisionDraws(String height, String width, String draws, String scaleMean,
            String scaleStd, String logRatioMean, String logRatioStd, String topShare, String wholeShare) {
        int h = Integer.parseInt(height);
        int w = Integer.parseInt(width);
        RandomResizedCrop crop = RandomResizedCrop.standard();
        SplittableRandom random = new SplittableRandom(h * 1000L + w);
        double[] scale = new double[DRAWS];
        double[] logRatio = new double[DRAWS];
        double top = 0;
        int whole = 0;
        for (int i = 0; i < DRAWS; i++) {
            CropBox box = crop.sample(h, w, random);
            assertTrue(box.inside(h, w), () -> box + " is not inside " + h + "x" + w);
            scale[i] = (double) box.height() * box.width() / ((double) h * w);
            logRatio[i] = Math.log((double) box.width() / box.height());
            top += (double) box.top() / Math.max(1, h - box.height());
            whole += box.height() == h && box.width() == w ? 1 : 0;
        }
        assertEquals(Double.parseDouble(scaleMean), mean(scale), 0.004, "area share mean");
        assertEquals(Double.parseDouble(scaleStd), std(scale), 0.004, "area share spread");
        assertEquals(Double.parseDouble(logRatioMean), mean(logRatio), 0.004, "log aspect ratio mean");
        assertEquals(Double.parseDouble(logRatioStd), std(logRatio), 0.004, "log aspect ratio spread");
        assertEquals(Double.parseDouble(topShare), top / DRAWS, 0.006, "top offset share");
        assertEquals(Double.parseDouble(wholeShare), (double) whole / DRAWS, 0.001, "whole-image share");
    }

    @Test
    void elongatedImagesFallBackToTheCentreAtTheNearestAllowedRatio() {
        RandomResizedCrop crop = RandomResizedCrop.standard();
        SplittableRandom random = new SplittableRandom(1);
        // No box of ratio 3/4..4/3 and >= 8% of a 10x400 image fits in 10 rows: all attempts fail.
        assertEquals(new CropBox(0, 193, 10, 13), crop.sample(10, 400, random)); // w = round(10 * 4/3)
        assertEquals(new CropBox(193, 0, 13, 10), crop.sample(400, 10, random)); // h = round(10 / (3/4))
    }

    @Test
    void fallbackKeepsTheWholeImageWhenItsRatioIsAllowed() {
        // Scale [1, 1] with ratio [2, 2] never fits a square; the square's ratio 1 is outside [2, 2], so
        // the fallback narrows it: h = round(6 / 2) = 3, centred.
        assertEquals(new CropBox(1, 0, 3, 6), new RandomResizedCrop(1, 1, 2, 2).sample(6, 6, new SplittableRandom(4)));
        // Scale [1, 1], ratio [1, 1] on a square: the first attempt is the whole image.
        assertEquals(new CropBox(0, 0, 6, 6), new RandomResizedCrop(1, 1, 1, 1).sample(6, 6, new SplittableRandom(4)));
    }

    @Test
    void sameSeedGivesSameBoxes() {
        RandomResizedCrop crop = RandomResizedCrop.standard();
        SplittableRandom a = new SplittableRandom(42);
        SplittableRandom b = new SplittableRandom(42);
        for (int i = 0; i < 1000; i++) {
            assertEquals(crop.sample(375, 500, a), crop.sample(375, 500, b));
        }
    }

    @Test
    void argumentsOutOfRangeAreRefusedByName() {
        IllegalArgumentException scale = assertThrows(IllegalArgumentException.class,
                () -> new RandomResizedCrop(0.5, 0.2, 0.75, 1.33));
        assertTrue(scale.getMessage().contains("scale") && scale.getMessage().contains("0.5"), scale.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(0, 1, 0.75, 1.33));
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(0.08, 1.5, 0.75, 1.33));
        IllegalArgumentException ratio = assertThrows(IllegalArgumentException.class,
                () -> new RandomResizedCrop(0.08, 1, 0, 1.33));
        assertTrue(ratio.getMessage().contains("ratio"), ratio.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(0.08, 1, 1.5, 1.2));
        assertThrows(IllegalArgumentException.class, () -> RandomResizedCrop.standard().sample(0, 5, new SplittableRandom()));
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double std(double[] values) {
        double m = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - m) * (v - m);
        }
        return Math.sqrt(sum / values.length);
    }
}
