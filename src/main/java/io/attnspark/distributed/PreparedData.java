package io.attnspark.distributed;

import io.attnspark.data.BadInputException;
import io.attnspark.data.Normalization;
import io.attnspark.data.ShardData;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image table sharded, decoded and cached on the executors, with what the model needs to know about
 * it (classes, image size, normalisation). Built once and trained on by one run or by every cell of an
 * ablation.
 *
 * @param key what the data was built from (table, limits, shards, shard seed)
 * @param trainShards the training shards (decoded, persisted)
 * @param testShards the test shards (decoded, persisted; empty when the table has no test split)
 * @param classNames the class names, indexed by label
 * @param normalization per-channel mean and std of the training images
 * @param imageShape channels and size of the images (the first non-empty shard's summary)
 * @param counts how many shards and images
 */
public record PreparedData(
        String key,
        JavaRDD<ShardData> trainShards,
        JavaRDD<ShardData> testShards,
        List<String> classNames,
        Normalization normalization,
        ShardSummary imageShape,
        Counts counts) {

    private static final Logger LOG = LoggerFactory.getLogger(PreparedData.class);

    /**
     * How many shards and images the data has.
     *
     * @param shards the number of shards
     * @param trainImages training images over all shards
     * @param testImages test images
     * @param smallestShard images in the smallest training shard
     */
    public record Counts(int shards, long trainImages, long testImages, int smallestShard) {}

    /**
     * Returns the number of shards.
     *
     * @return the shards
     */
    public int shards() {
        return counts.shards();
    }

    /**
     * Returns the training images over all shards.
     *
     * @return the count
     */
    public long trainImages() {
        return counts.trainImages();
    }

    /**
     * Returns the test images.
     *
     * @return the count
     */
    public long testImages() {
        return counts.testImages();
    }

    /**
     * Returns the images in the smallest training shard.
     *
     * @return the count
     */
    public int smallestShard() {
        return counts.smallestShard();
    }

    /**
     * Returns the key that {@link #prepare} would give these arguments, to tell whether prepared data can
     * be reused.
     *
     * @param data the table and its limits
     * @param shards shards (0: the default parallelism)
     * @param shardSeed the seed of the shuffle that deals images to shards
     * @return the key
     */
    public static String keyOf(DataSettings data, int shards, long shardSeed) {
        return String.format(Locale.ROOT, "table=%s train-limit=%d test-limit=%d shards=%d shard-seed=%d",
                data.table(), data.trainLimit(), data.testLimit(), shards, shardSeed);
    }

    /**
     * Reads, checks, shards, decodes and caches a table.
     *
     * @param spark the session
     * @param data the image table (Parquet, from {@code attnspark ingest}) and how many of its images to use
     * @param requestedShards shards (0: the master's default parallelism)
     * @param shardSeed the seed of the shuffle that deals images to shards
     * @return the prepared data
     * @throws BadInputException naming the table when it cannot be trained on
     */
    public static PreparedData prepare(
            SparkSession spark, DataSettings data, int requestedShards, long shardSeed) {
        String table = data.table();
        long trainLimit = data.trainLimit();
        long testLimit = data.testLimit();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int shards = requestedShards > 0 ? requestedShards : jsc.defaultParallelism();
        Dataset<Row> rows = ImageTable.read(spark, table);
        List<String> classNames = ImageTable.classNames(rows);
        Dataset<Row> train = rows.filter(functions.col(ImageTable.SPLIT).equalTo("train"));
        Dataset<Row> test = rows.filter(functions.col(ImageTable.SPLIT).equalTo("test"));

        long available = train.count();
        long usable = trainLimit > 0 ? Math.min(trainLimit, available) : available;
        if (available == 0) {
            throw new BadInputException("table " + table + " has no rows with split = 'train'");
        }
        if (usable < shards) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "table %s has %d training images, fewer than the %d shards (sync.shards)", table, usable, shards));
        }
        long started = System.nanoTime();
        JavaRDD<ShardData> trainShards = ShardedTable.shuffled(train, shards, shardSeed, trainLimit);
        List<ShardSummary> summaries = trainShards.map(ShardSummary::of).collect();
        long trainImages = summaries.stream().mapToLong(ShardSummary::images).sum();
        int smallest = summaries.stream().mapToInt(ShardSummary::images).min().orElse(0);
        ShardSummary first = summaries.stream().filter(x -> x.images() > 0).findFirst().orElseThrow();
        for (ShardSummary x : summaries) {
            if (x.images() > 0 && !x.sameSize(first)) {
                throw new BadInputException("table " + table + " mixes image sizes " + first.sizeText() + " and "
                        + x.sizeText() + ": re-ingest with one size");
            }
        }
        double[] moments = new double[2 * first.channels()];
        for (ShardSummary x : summaries) {
            for (int i = 0; i < moments.length && x.images() > 0; i++) {
                moments[i] += x.moments()[i];
            }
        }
        Normalization normalization =
                Normalization.fromMoments(moments, trainImages * first.height() * first.width());
        for (int label : summaries.stream().mapToInt(ShardSummary::maxLabel).toArray()) {
            if (label >= classNames.size()) {
                throw new BadInputException("table " + table + " has label " + label + " but only "
                        + classNames.size() + " class names");
            }
        }
        JavaRDD<ShardData> testShards = ShardedTable.plain(test, shards, testLimit);
        long testImages = testShards.map(ShardData::size).reduce(Integer::sum);
        LOG.info("Decoded {} training images into {} shards and {} test images in {} s", trainImages, shards,
                testImages, String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
        return new PreparedData(keyOf(data, requestedShards, shardSeed), trainShards, testShards, classNames,
                normalization, first, new Counts(shards, trainImages, testImages, smallest));
    }

    /** Drops the cached shards from the executors. */
    public void release() {
        trainShards.unpersist(false);
        testShards.unpersist(false);
    }
}
