package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InputViewsTest {

    private static final DecodedImage SRC = ImageVectors.image("rgb_37x53.raw", 3, 37, 53);

    @Test
    void trainViewIsTheSampledBoxResizedThenFlippedOnTheNextDraw() {
        RandomResizedCrop crop = RandomResizedCrop.standard();
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            DecodedImage view = InputViews.train(SRC, 16, 12, crop, true, random);

            SplittableRandom replay = new SplittableRandom(seed);
            CropBox box = crop.sample(SRC.height(), SRC.width(), replay);
            DecodedImage expected = Resampler.resizedCrop(SRC, box, 16, 12);
            if (replay.nextBoolean()) {
                expected = Resampler.flipHorizontal(expected);
            }
            assertArrayEquals(expected.pixels(), view.pixels(), "seed " + seed);
            assertEquals(random.nextLong(), replay.nextLong(), "the view must consume exactly crop + flip draws");
        }
    }

    @Test
    void flipsAboutHalfOfTheViews() {
        DecodedImage asymmetric = new DecodedImage(1, 1, 2, new byte[] {0, 100});
        RandomResizedCrop whole = new RandomResizedCrop(1, 1, 2, 2);
        SplittableRandom random = new SplittableRandom(9);
        int flipped = 0;
        for (int i = 0; i < 10_000; i++) {
            flipped += InputViews.train(asymmetric, 1, 2, whole, true, random).pixels()[0] != 0 ? 1 : 0;
        }
        assertEquals(5000, flipped, 200); // 4 standard deviations of a binomial(10000, 1/2)
    }

    @Test
    void noFlipMeansNoFlipDraw() {
        SplittableRandom random = new SplittableRandom(5);
        SplittableRandom replay = new SplittableRandom(5);
        InputViews.train(SRC, 8, 8, RandomResizedCrop.standard(), false, random);
        RandomResizedCrop.standard().sample(SRC.height(), SRC.width(), replay);
        assertEquals(replay.nextLong(), random.nextLong());
    }

    @Test
    void evalResizesTheShorterSideToSizeOverCropFractionThenCentreCrops() {
        DecodedImage src = new DecodedImage(1, 375, 500, new byte[375 * 500]);
        DecodedImage view = InputViews.eval(src, 224, 224);
        assertEquals(224, view.height());
        assertEquals(224, view.width());
        assertEquals(256, (int) Math.floor(224 / InputViews.CROP_FRACTION));
    }
}
