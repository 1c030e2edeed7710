package io.attnspark.data;

/**
 * One row of an image table: a stable id, the class index, the encoded image, the split it belongs
 * to and the image's size. Kept free of Spark so that readers can produce records without a session.
 * As with any record holding an array, {@code equals} compares {@code png} by reference.
 *
 * @param id a stable id, unique within the table, such as {@code train-000123}
 * @param label the class index, 0-based, into the table's class names
 * @param png the encoded image (the driver-side readers write PNG)
 * @param split the split name, such as {@code train} or {@code test}
 * @param height the image's rows
 * @param width the image's columns
 * @param channels 1 (gray) or 3 (RGB)
 */
public record ImageRecord(String id, int label, byte[] png, String split, int height, int width, int channels) {

    /**
     * A record whose size is read from the image itself (it is decoded once): for tests and small
     * data; readers that know the size pass it.
     *
     * @param id a stable id
     * @param label the class index
     * @param png the encoded image, PNG or JPEG
     * @param split the split name
     * @throws BadInputException if the image does not decode
     */
    public ImageRecord(String id, int label, byte[] png, String split) {
        this(id, label, png, split, ImageDecoder.decode(png, id));
    }

    private ImageRecord(String id, int label, byte[] png, String split, DecodedImage decoded) {
        this(id, label, png, split, decoded.height(), decoded.width(), decoded.channels());
    }
}
