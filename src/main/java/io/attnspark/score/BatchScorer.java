package io.attnspark.score;

import io.attnspark.data.BadInputException;
import io.attnspark.data.DecodedImage;
import io.attnspark.data.ImageDecoder;
import io.attnspark.data.InputViews;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.Replica;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One task's predictor: reads rows, decodes and normalises their images into a float batch, runs
 * the loaded network on each full batch and appends a prediction struct
 * ({@link PredictionsTable#PREDICTION}) to every row, in input order. A row that cannot be scored
 * (null, undecodable, or of another size than the model takes) gets a struct with only the error
 * set, so every input row comes out exactly once. Closing releases the task's hold on the network.
 *
 * <p>Not thread-safe: one per task.
 */
final class BatchScorer implements AutoCloseable {

    private final LoadedModels.Handle model;
    private final String modelId;
    private final ModelSpec spec;
    private final int topK;
    private final int batchSize;
    private final boolean resize;
    private final int imageFloats;
    private final float[] scale;
    private final float[] shift;
    private final float[] batch;
    private final String[] labelNames;

    /**
     * Creates a predictor.
     *
     * @param model the task's hold on the loaded network; closed with this predictor
     * @param modelId the model id written to every row
     * @param topK classes per row, 1..classes
     * @param batchSize images per forward pass
     * @param resize whether images are resized and centre-cropped to the model's input
     */
    BatchScorer(LoadedModels.Handle model, String modelId, int topK, int batchSize, boolean resize) {
        this.model = model;
        this.modelId = modelId;
        this.spec = model.replica().spec();
        if (topK < 1 || topK > spec.classes()) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "topK must be in 1..%d (the model's classes), got %d", spec.classes(), topK));
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.topK = topK;
        this.batchSize = batchSize;
        this.resize = resize;
        this.imageFloats = spec.inputChannels() * spec.imageHeight() * spec.imageWidth();
        this.batch = new float[batchSize * imageFloats];
        int channels = spec.inputChannels();
        this.scale = new float[channels];
        this.shift = new float[channels];
        for (int c = 0; c < channels; c++) { // (pixel / 255 - mean) / std, as in training
            scale[c] = 1f / (255f * spec.std()[c]);
            shift[c] = -spec.mean()[c] / spec.std()[c];
        }
        List<String> names = spec.classNames();
        this.labelNames = new String[names.size()];
        for (int i = 0; i < labelNames.length; i++) {
            String name = names.get(i);
            labelNames[i] = name == null || name.isBlank() ? Integer.toString(i) : name;
        }
    }

    /**
     * Scores a partition lazily, one batch at a time.
     *
     * @param rows the input rows
     * @param imageIndex the image column's position (binary: PNG or JPEG bytes)
     * @param idIndex the id column's position, for error messages; -1 for none
     * @return the input rows, each with the prediction struct appended
     */
    Iterator<Row> score(Iterator<Row> rows, int imageIndex, int idIndex) {
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            private long position;

            @Override
            public boolean hasNext() {
                if (ready.isEmpty() && rows.hasNext()) {
                    position = scoreBatch(rows, imageIndex, idIndex, position, ready);
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("no more rows in the partition");
                }
                return ready.poll();
            }
        };
    }

    private long scoreBatch(Iterator<Row> rows, int imageIndex, int idIndex, long position, ArrayDeque<Row> out) {
        Row[] inputs = new Row[batchSize];
        String[] errors = new String[batchSize];
        int[] slot = new int[batchSize];
        int n = 0;
        int images = 0;
        while (n < batchSize && rows.hasNext()) {
            Row row = rows.next();
            inputs[n] = row;
            String name = name(row, idIndex, position++);
            try {
                DecodedImage image = decode(row, imageIndex, name);
                normalise(image, images);
                slot[n] = images++;
            } catch (BadInputException e) {
                errors[n] = e.getMessage();
                slot[n] = -1;
            }
            n++;
        }
        Replica replica = model.replica();
        float[] probabilities = images > 0 ? replica.predict(batch, images) : new float[0];
        int classes = spec.classes();
        for (int i = 0; i < n; i++) {
            Row prediction = slot[i] < 0
                    ? RowFactory.create(null, null, null, modelId, errors[i])
                    : prediction(probabilities, slot[i], classes);
            out.add(append(inputs[i], prediction));
        }
        return position;
    }

    private DecodedImage decode(Row row, int imageIndex, String name) {
        if (row.isNullAt(imageIndex)) {
            throw new BadInputException(name + " has no image (null)");
        }
        byte[] bytes = (byte[]) row.get(imageIndex);
        if (resize) {
            return InputViews.eval(ImageDecoder.decode(bytes, name, spec.inputChannels()), spec.imageHeight(),
                    spec.imageWidth());
        }
        DecodedImage image = ImageDecoder.decode(bytes, name);
        if (image.channels() != spec.inputChannels() || image.height() != spec.imageHeight()
                || image.width() != spec.imageWidth()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s is a %dx%dx%d image (channels x height x width) but model %s takes %dx%dx%d"
                            + " (score with --input-size to resize and centre-crop images of other sizes)",
                    name, image.channels(), image.height(), image.width(), modelId,
                    spec.inputChannels(), spec.imageHeight(), spec.imageWidth()));
        }
        return image;
    }

    private void normalise(DecodedImage image, int slot) {
        byte[] pixels = image.pixels();
        int plane = image.height() * image.width();
        int base = slot * imageFloats;
        for (int c = 0; c < image.channels(); c++) {
            float s = scale[c];
            float t = shift[c];
            int offset = c * plane;
            for (int i = 0; i < plane; i++) {
                batch[base + offset + i] = (pixels[offset + i] & 0xFF) * s + t;
            }
        }
    }

    private Row prediction(float[] probabilities, int row, int classes) {
        int[] top = TopK.of(probabilities, row, classes, topK);
        String[] labels = new String[topK];
        Integer[] indices = new Integer[topK];
        Float[] values = new Float[topK];
        for (int j = 0; j < topK; j++) {
            labels[j] = labelNames[top[j]];
            indices[j] = top[j];
            values[j] = probabilities[row * classes + top[j]];
        }
        return RowFactory.create(labels, indices, values, modelId, null);
    }

    private static String name(Row row, int idIndex, long position) {
        if (idIndex >= 0 && !row.isNullAt(idIndex)) {
            return "row '" + row.get(idIndex) + "'";
        }
        return "row " + position + " of the partition";
    }

    private static Row append(Row row, Row prediction) {
        Object[] values = new Object[row.length() + 1];
        for (int i = 0; i < row.length(); i++) {
            values[i] = row.get(i);
        }
        values[row.length()] = prediction;
        return RowFactory.create(values);
    }

    /** Releases the network; idempotent. */
    @Override
    public void close() {
        model.close();
    }
}
