package io.attnspark.data;

import java.util.Locale;

/**
 * A rectangle of an image in pixels, as torchvision's {@code crop(img, top, left, height, width)}
 * takes it. It may reach outside the image (a centre crop larger than the image does): those pixels
 * read as zeros, as PIL's {@code Image.crop} gives them.
 *
 * @param top first row (may be negative)
 * @param left first column (may be negative)
 * @param height rows, positive
 * @param width columns, positive
 */
public record CropBox(int top, int left, int height, int width) {

    /**
     * Checks the size, so that an empty box fails here rather than as a zero-size image later.
     *
     * @throws IllegalArgumentException if the height or width is not positive
     */
    public CropBox {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "crop box (top %d, left %d, %dx%d) must have a positive height and width",
                    top, left, height, width));
        }
    }

    /**
     * Tells whether the box lies wholly inside an image.
     *
     * @param imageHeight the image's rows
     * @param imageWidth the image's columns
     * @return true if no pixel of the box is outside the image
     */
    public boolean inside(int imageHeight, int imageWidth) {
        return top >= 0 && left >= 0 && (long) top + height <= imageHeight && (long) left + width <= imageWidth;
    }
}
