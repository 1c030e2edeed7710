package io.attnspark.data;

import java.io.Serializable;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Draws the crop boxes of torchvision's {@code RandomResizedCrop}: a box covering a random share
 * of the image's area with a random aspect ratio, drawn log-uniformly.
 *
 * <p>{@link #sample} follows {@code RandomResizedCrop.get_params} (torchvision 0.28) step by step:
 * up to 10 attempts, each drawing the area share uniformly from [minScale, maxScale) and the
 * aspect ratio as {@code exp} of a uniform draw from [log minRatio, log maxRatio), then
 * {@code w = round(sqrt(area * ratio))}, {@code h = round(sqrt(area / ratio))} (Python's round:
 * half to even); the first box that fits gets a uniform top and left. If none fits, the central
 * fallback: the whole image, narrowed to the nearest allowed aspect ratio if it is outside the
 * range. Only the random generator differs from torchvision's, so the boxes have the same
 * distribution, not the same values for a seed.
 */
public final class RandomResizedCrop implements Serializable {

    private static final long serialVersionUID = 1L;

    /** torchvision's number of attempts before the central fallback. */
    private static final int ATTEMPTS = 10;

    private final double minScale;
    private final double maxScale;
    private final double minRatio;
    private final double maxRatio;

    /**
     * Creates the sampler.
     *
     * @param minScale smallest share of the image's area, in (0, 1]
     * @param maxScale largest share of the image's area, in [minScale, 1]
     * @param minRatio smallest width/height ratio, positive
     * @param maxRatio largest width/height ratio, at least minRatio
     * @throws IllegalArgumentException naming the argument that is out of range
     */
    public RandomResizedCrop(double minScale, double maxScale, double minRatio, double maxRatio) {
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "random-resized-crop scale must satisfy 0 < min <= max <= 1, got [%s, %s]",
                    minScale, maxScale));
        }
        if (!(minRatio > 0 && minRatio <= maxRatio && Double.isFinite(maxRatio))) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "random-resized-crop ratio must satisfy 0 < min <= max < infinity, got [%s, %s]",
                    minRatio, maxRatio));
        }
        this.minScale = minScale;
        this.maxScale = maxScale;
        this.minRatio = minRatio;
        this.maxRatio = maxRatio;
    }

    /**
     * torchvision's defaults: scale [0.08, 1], ratio [3/4, 4/3].
     *
     * @return the standard ImageNet training crop
     */
    public static RandomResizedCrop standard() {
        return new RandomResizedCrop(0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    /**
     * Draws one crop box for an image. Consumes, per attempt, two doubles (scale, then ratio), and
     * for the attempt that fits two ints (top, then left); the fallback consumes nothing more.
     *
     * @param height the image's rows, positive
     * @param width the image's columns, positive
     * @param random the generator to draw from
     * @return a box inside the image
     * @throws IllegalArgumentException if a size is not positive
     */
    public CropBox sample(int height, int width, SplittableRandom random) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "image size must be positive to crop it, got %dx%d", height, width));
        }
        double area = (double) height * width;
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(random, minScale, maxScale);
            double ratio = Math.exp(uniform(random, logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * ratio));
            int h = (int) Math.rint(Math.sqrt(targetArea / ratio));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                return new CropBox(top, left, h, w);
            }
        }
        return centralFallback(height, width);
    }

    /** torchvision's fallback: the whole image, or its centre at the nearest allowed ratio. */
    private CropBox centralFallback(int height, int width) {
        double inRatio = (double) width / height;
        int w = width;
        int h = height;
        if (inRatio < minRatio) {
            h = (int) Math.rint(w / minRatio);
        } else if (inRatio > maxRatio) {
            w = (int) Math.rint(h * maxRatio);
        }
        // Rounding can only reach 0 for absurd ratios on 1-pixel images; keep the box non-empty.
        h = Math.max(1, h);
        w = Math.max(1, w);
        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    /** Uniform in [low, high), also when low == high (SplittableRandom's bounded draw rejects that). */
    private static double uniform(SplittableRandom random, double low, double high) {
        return low + (high - low) * random.nextDouble();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RandomResizedCrop(scale [%s, %s], ratio [%s, %s])",
                minScale, maxScale, minRatio, maxRatio);
    }
}
