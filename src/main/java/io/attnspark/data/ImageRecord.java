package io.attnspark.data;

/**
 * One row of an image table: a stable id, the class index, the image as PNG bytes and the split it
 * belongs to. Kept free of Spark so that readers can produce records without a session.
 * As with any record holding an array, {@code equals} compares {@code png} by reference.
 *
 * @param id a stable id, unique within the table, such as {@code train-000123}
 * @param label the class index, 0-based, into the table's class names
 * @param png the image encoded as PNG
 * @param split the split name, such as {@code train} or {@code test}
 */
public record ImageRecord(String id, int label, byte[] png, String split) {}
