package io.attnspark.cli;

import io.attnspark.data.DecodedImage;
import io.attnspark.distributed.ImageTable;
import io.attnspark.data.PngCodec;
import io.attnspark.distributed.TrainJob;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * What the ablation's estimates need to know of an image table without sharding it: its classes, split
 * sizes and image shape (from the first image).
 *
 * @param table the table's path
 * @param classes the class names
 * @param trainImages rows with split = train
 * @param testImages rows with split = test
 * @param image the first image (its shape)
 */
record TableFacts(String table, List<String> classes, long trainImages, long testImages, DecodedImage image) {

    /**
     * Reads the facts of a table.
     *
     * @param spark the session
     * @param table the image table
     * @return its facts
     */
    static TableFacts read(SparkSession spark, String table) {
        Dataset<Row> rows = ImageTable.read(spark, table);
        long train = rows.filter(functions.col(ImageTable.SPLIT).equalTo("train")).count();
        long test = rows.filter(functions.col(ImageTable.SPLIT).equalTo("test")).count();
        Row one = rows.select(ImageTable.IMAGE).first();
        return new TableFacts(table, ImageTable.classNames(rows), train, test, PngCodec.decode((byte[]) one.get(0), table));
    }

    /**
     * Returns the training images a run uses.
     *
     * @param s the run's settings
     * @return its limit, or the whole split
     */
    long trainImages(TrainJob.Settings s) {
        return s.data().trainLimit() > 0 ? Math.min(s.data().trainLimit(), trainImages) : trainImages;
    }

    /**
     * Returns the test images a run evaluates.
     *
     * @param s the run's settings
     * @return its limit, or the whole split
     */
    long testImages(TrainJob.Settings s) {
        return s.data().testLimit() > 0 ? Math.min(s.data().testLimit(), testImages) : testImages;
    }

    /**
     * Returns a run's model on this table (identity normalisation: enough for sizes, costs and speed).
     *
     * @param s the run's settings
     * @return the model
     */
    ModelSpec spec(TrainJob.Settings s) {
        Architecture m = s.model();
        return new ModelSpec(m,
                new ModelSpec.Input(image.channels(), image.height(), image.width(), classes,
                        filled(image.channels(), 0f), filled(image.channels(), 1f)));
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }
}
