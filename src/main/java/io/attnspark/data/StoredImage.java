package io.attnspark.data;

/**
 * An image as an image table stores it: the encoded bytes and the size they decode to.
 * As with any record holding an array, {@code equals} compares {@code bytes} by reference.
 *
 * @param bytes the encoded image (PNG or JPEG)
 * @param height rows of the stored image
 * @param width columns of the stored image
 * @param channels channels of the source: 1 (gray) or 3 (RGB)
 */
public record StoredImage(byte[] bytes, int height, int width, int channels) {}
