package io.attnspark.data;

import java.io.Serializable;
import java.util.Locale;

/**
 * How ingest stores an image: its original bytes (the default), or, with a shorter-side target,
 * resized so that its shorter side is that many pixels and re-encoded as JPEG. Either way the image
 * is decoded once, so a file that would fail in training fails here, naming it.
 *
 * <p>Decoding is {@link ImageDecoder}'s (what training decodes with); resizing is torchvision's
 * {@code Resize(shorter)} on PIL ({@link Resampler#resizeShorter}). Images are only ever shrunk, as
 * the usual fast-ImageNet preprocessing does: an image whose shorter side is already at or below
 * the target keeps its original bytes (no upscaling, and no second round of JPEG loss). Gray
 * sources stay gray.
 *
 * @param resizeShorter the shorter side to shrink to, or 0 to keep every image as it is
 * @param quality the JPEG quality of re-encoded images, 1..100
 */
public record IngestEncoding(int resizeShorter, int quality) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The default JPEG quality of re-encoded images. */
    public static final int DEFAULT_QUALITY = 90;

    /** Keep the original bytes of every image. */
    public static final IngestEncoding ORIGINAL = new IngestEncoding(0, DEFAULT_QUALITY);

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public IngestEncoding {
        if (resizeShorter < 0) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "the shorter side to resize to must be positive (or 0: keep sizes), got %d",
                    resizeShorter));
        }
        JpegEncoder.checkQuality(quality);
    }

    /**
     * Decodes an image (checking it) and returns what the table stores.
     *
     * @param bytes the file's bytes
     * @param name the file, for error messages
     * @return the stored bytes and their size; {@code channels} is the source's
     * @throws BadInputException naming the file if it is not a readable image
     */
    public StoredImage apply(byte[] bytes, String name) {
        DecodedImage image = decode(bytes, name);
        int shorter = Math.min(image.height(), image.width());
        if (resizeShorter == 0 || shorter <= resizeShorter) {
            return new StoredImage(bytes, image.height(), image.width(), image.channels());
        }
        DecodedImage resized = resizeShorterSide(image, resizeShorter);
        return new StoredImage(JpegEncoder.encode(resized, quality), resized.height(), resized.width(),
                image.channels());
    }

    private static DecodedImage decode(byte[] bytes, String name) {
        return ImageDecoder.decode(bytes, name);
    }

    private static DecodedImage resizeShorterSide(DecodedImage image, int shorter) {
        return Resampler.resizeShorter(image, shorter);
    }
}
