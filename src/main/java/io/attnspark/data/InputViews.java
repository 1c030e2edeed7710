package io.attnspark.data;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The two views a network sees of an image of any size: torchvision's standard ImageNet training
 * view ({@code RandomResizedCrop} then {@code RandomHorizontalFlip}) and its evaluation view
 * ({@code Resize(floor(size / 0.875))} then {@code CenterCrop(size)}), both bilinear on PIL's terms
 * (see {@link Resampler}). Normalisation is left to the caller, which owns the mean and deviation.
 */
public final class InputViews {

    /** The share of the resized image that the evaluation view keeps (224 of 256). */
    public static final double CROP_FRACTION = 0.875;

    private InputViews() {}

    /**
     * The training view: a random-resized crop to the output size, then, if {@code flip}, a
     * horizontal flip with probability 1/2. Draw order, for reproducible batches: the crop's draws
     * first (see {@link RandomResizedCrop#sample}), then one {@code nextBoolean} for the flip (only
     * when {@code flip}).
     *
     * @param src the decoded image
     * @param outHeight output rows, positive
     * @param outWidth output columns, positive
     * @param crop the crop sampler
     * @param flip whether to flip half of the images
     * @param random the generator to draw from
     * @return the view
     */
    public static DecodedImage train(DecodedImage src, int outHeight, int outWidth, RandomResizedCrop crop,
            boolean flip, SplittableRandom random) {
        CropBox box = crop.sample(src.height(), src.width(), random);
        DecodedImage view = Resampler.resizedCrop(src, box, outHeight, outWidth);
        if (flip && random.nextBoolean()) {
            view = Resampler.flipHorizontal(view);
        }
        return view;
    }

    /**
     * The evaluation view: the shorter side resized to {@code floor(min(outHeight, outWidth) / 0.875)},
     * then the centre {@code outHeight x outWidth} (zero-padded if the image is narrower, as
     * torchvision pads).
     *
     * @param src the decoded image
     * @param outHeight output rows, positive
     * @param outWidth output columns, positive
     * @return the view
     * @throws IllegalArgumentException if an output size is not positive
     */
    public static DecodedImage eval(DecodedImage src, int outHeight, int outWidth) {
        if (outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "output size must be positive, got %dx%d", outHeight, outWidth));
        }
        int shorter = (int) Math.floor(Math.min(outHeight, outWidth) / CROP_FRACTION);
        DecodedImage resized = Resampler.resizeShorter(src, shorter);
        return Resampler.crop(resized, Resampler.centerCrop(resized.height(), resized.width(), outHeight, outWidth));
    }
}
