package io.attnspark.distributed;

import io.attnspark.data.BadInputException;
import io.attnspark.data.EncodedShard;
import io.attnspark.data.ImageShard;
import io.attnspark.data.Normalization;
import io.attnspark.data.ShardData;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.RDDInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image table sharded and cached on the executors (decoded once, or encoded to be decoded per
 * epoch), with what the model needs to know about it (classes, input size, normalisation). Built once and trained on by one run or by every cell of an
 * ablation.
 *
 * @param key what the data was built from (table, limits, shards, shard seed)
 * @param trainShards the training shards (persisted)
 * @param testShards the test shards (persisted; empty when the table has no test split)
 * @param classNames the class names, indexed by label
 * @param normalization per-channel mean and std of the training images
 * @param imageShape the model's input: channels and size (the images' own size, or data.input-size)
 * @param counts how many shards and images
 * @param decodedOnce whether the shards hold decoded pixels ({@link ShardData}), else encoded images
 */
public record PreparedData(
        String key,
        JavaRDD<ImageShard> trainShards,
        JavaRDD<ImageShard> testShards,
        List<String> classNames,
        Normalization normalization,
        ShardSummary imageShape,
        Counts counts,
        boolean decodedOnce) {

    private static final Logger LOG = LoggerFactory.getLogger(PreparedData.class);

    // Images per shard whose evaluation views give the normalisation of a table decoded per epoch.
    private static final int NORMALIZATION_SAMPLE = 256;

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
        String key = String.format(Locale.ROOT, "table=%s train-limit=%d test-limit=%d shards=%d shard-seed=%d",
                data.table(), data.trainLimit(), data.testLimit(), shards, shardSeed);
        // Only settings that differ from the defaults are added, so keys written before they existed still match.
        if (!data.input().fromTable()) {
            key += String.format(Locale.ROOT, " input-size=%dx%d", data.input().height(), data.input().width());
        }
        if (data.cacheDecoded() != DataSettings.CacheDecoded.AUTO) {
            key += " cache-decoded=" + data.cacheDecoded().name().toLowerCase(Locale.ROOT);
        }
        return key;
    }

    /**
     * Reads, checks, shards and caches a table: decoded once when it has one image size and the
     * decoded shards fit the memory budget (or {@code data.cache-decoded = true}), else encoded, to be
     * decoded per epoch.
     *
     * @param spark the session
     * @param data the image table (Parquet, from {@code attnspark ingest}), how many of its images to use,
     *     the input size and how to hold the images
     * @param requestedShards shards (0: the master's default parallelism)
     * @param shardSeed the seed of the shuffle that deals images to shards
     * @return the prepared data
     * @throws BadInputException naming the table when it cannot be trained on, or the key to set
     */
    public static PreparedData prepare(
            SparkSession spark, DataSettings data, int requestedShards, long shardSeed) {
        String table = data.table();
        long trainLimit = data.trainLimit();
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
        Optional<TableSizes> sizes = TableSizes.of(rows);
        long shardBytes = sizes.map(x -> x.decodedBytesOf(usable) / shards).orElse(0L);
        boolean decodeOnce = decodeOnce(data, sizes, shardBytes, DecodedMemoryBudget.perShard(spark.sparkContext()));
        long started = System.nanoTime();
        PreparedData prepared = decodeOnce
                ? decoded(new Split(train, test, shards, shardSeed), data, classNames)
                : encoded(new Split(train, test, shards, shardSeed), data, classNames, sizes);
        LOG.info("Prepared {} training images in {} shards ({}) and {} test images in {} s: input {}",
                prepared.trainImages(), shards, decodeOnce ? "decoded once" : "encoded, decoded per epoch",
                prepared.testImages(), String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9),
                prepared.imageShape().sizeText());
        logStorage(jsc, prepared.trainShards().id());
        return prepared;
    }

    // Where the cached training shards ended up: a table larger than the executors' storage memory spills to disk.
    private static void logStorage(JavaSparkContext jsc, int rddId) {
        for (RDDInfo info : jsc.sc().getRDDStorageInfo()) {
            if (info.id() == rddId) {
                LOG.info("Training shards cached: {} of {} partitions, {} MiB in memory, {} MiB on disk",
                        info.numCachedPartitions(), info.numPartitions(), info.memSize() >> 20, info.diskSize() >> 20);
            }
        }
    }

    /** The table's rows to shard. */
    private record Split(Dataset<Row> train, Dataset<Row> test, int shards, long shardSeed) {}

    private static boolean decodeOnce(DataSettings data, Optional<TableSizes> sizes, long shardBytes, long budget) {
        String table = data.table();
        if (sizes.isPresent() && !sizes.get().oneSize() && data.input().fromTable()) {
            throw new BadInputException(String.format(Locale.ROOT, "table %s mixes image sizes (%s): set"
                    + " data.input-size = [H, W], the size the model sees", table, sizes.get().describe()));
        }
        boolean oneSize = sizes.map(TableSizes::oneSize).orElse(true);
        return switch (data.cacheDecoded()) {
            case TRUE -> {
                if (!oneSize) {
                    throw new BadInputException(String.format(Locale.ROOT, "data.cache-decoded = true needs one image"
                            + " size, but table %s has %s: use auto or false", table, sizes.get().describe()));
                }
                yield true;
            }
            case FALSE -> false;
            case AUTO -> {
                boolean fits = shardBytes <= budget;
                if (oneSize && !fits) {
                    LOG.info("Decoded, a training shard of {} would take {} MiB, more than the budget of {} MiB per"
                            + " shard: keeping the images encoded and decoding them per epoch", table,
                            shardBytes >> 20, budget >> 20);
                }
                yield oneSize && fits;
            }
        };
    }

    private static PreparedData decoded(Split split, DataSettings data, List<String> classNames) {
        String table = data.table();
        JavaRDD<ShardData> trainShards =
                ShardedTable.shuffled(split.train(), split.shards(), split.shardSeed(), data.trainLimit());
        List<ShardSummary> summaries = trainShards.map(ShardSummary::of).collect();
        long trainImages = summaries.stream().mapToLong(ShardSummary::images).sum();
        int smallest = summaries.stream().mapToInt(ShardSummary::images).min().orElse(0);
        ShardSummary first = summaries.stream().filter(x -> x.images() > 0).findFirst().orElseThrow();
        for (ShardSummary x : summaries) {
            if (x.images() > 0 && !x.sameSize(first)) {
                throw new BadInputException("table " + table + " mixes image sizes " + first.sizeText() + " and "
                        + x.sizeText() + ": set data.input-size = [H, W]");
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
        checkLabels(table, summaries.stream().mapToInt(ShardSummary::maxLabel).max().orElse(-1), classNames);
        JavaRDD<ShardData> testShards = ShardedTable.plain(split.test(), split.shards(), data.testLimit());
        long testImages = testShards.map(ShardData::size).reduce(Integer::sum);
        ShardSummary input = data.input().fromTable() ? first : new ShardSummary(first.images(), first.channels(),
                data.input().height(), data.input().width(), first.maxLabel(), first.moments());
        return new PreparedData(keyOf(data, split.shards(), split.shardSeed()),
                ShardedTable.asImageShards(trainShards), ShardedTable.asImageShards(testShards), classNames,
                normalization, input, new Counts(split.shards(), trainImages, testImages, smallest), true);
    }

    private static PreparedData encoded(
            Split split, DataSettings data, List<String> classNames, Optional<TableSizes> sizes) {
        String table = data.table();
        JavaRDD<EncodedShard> trainShards =
                ShardedTable.shuffledEncoded(split.train(), split.shards(), split.shardSeed(), data.trainLimit());
        // Without size columns (an older table), the first image of each shard tells the kind and size.
        StreamedShape sample = sizes.map(StreamedShape::of).orElseGet(() -> StreamedShape.firstImages(trainShards));
        if (data.input().fromTable() && !sample.oneSize()) {
            throw new BadInputException(String.format(Locale.ROOT, "table %s mixes image sizes (%s): set"
                    + " data.input-size = [H, W], the size the model sees", table, sample.describe()));
        }
        int channels = sample.channels();
        int height = data.input().fromTable() ? sample.height() : data.input().height();
        int width = data.input().fromTable() ? sample.width() : data.input().width();
        List<ShardSummary> summaries = trainShards
                .map(shard -> StreamedShape.summary(shard, channels, height, width, NORMALIZATION_SAMPLE))
                .collect();
        long trainImages = summaries.stream().mapToLong(ShardSummary::images).sum();
        int smallest = summaries.stream().mapToInt(ShardSummary::images).min().orElse(0);
        double[] moments = new double[2 * channels];
        long sampled = 0;
        for (ShardSummary x : summaries) {
            for (int i = 0; i < moments.length; i++) {
                moments[i] += x.moments()[i];
            }
            sampled += Math.min(x.images(), NORMALIZATION_SAMPLE);
        }
        Normalization normalization = Normalization.fromMoments(moments, sampled * height * width);
        checkLabels(table, summaries.stream().mapToInt(ShardSummary::maxLabel).max().orElse(-1), classNames);
        JavaRDD<EncodedShard> testShards = ShardedTable.plainEncoded(split.test(), split.shards(), data.testLimit());
        long testImages = testShards.map(EncodedShard::size).reduce(Integer::sum);
        ShardSummary input = new ShardSummary((int) Math.min(Integer.MAX_VALUE, trainImages), channels, height, width,
                classNames.size() - 1, moments);
        return new PreparedData(keyOf(data, split.shards(), split.shardSeed()),
                ShardedTable.asImageShards(trainShards), ShardedTable.asImageShards(testShards), classNames,
                normalization, input, new Counts(split.shards(), trainImages, testImages, smallest), false);
    }

    private static void checkLabels(String table, int maxLabel, List<String> classNames) {
        if (maxLabel >= classNames.size()) {
            throw new BadInputException("table " + table + " has label " + maxLabel + " but only "
                    + classNames.size() + " class names");
        }
    }

    /** Drops the cached shards from the executors. */
    public void release() {
        trainShards.unpersist(false);
        testShards.unpersist(false);
    }
}
