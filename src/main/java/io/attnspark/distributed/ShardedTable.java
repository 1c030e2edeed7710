package io.attnspark.distributed;

import io.attnspark.data.BadInputException;
import io.attnspark.data.Seeds;
import io.attnspark.data.EncodedShard;
import io.attnspark.data.ImageShard;
import io.attnspark.data.ShardData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Splits an image table into shards, one Spark partition each, cached: a partition holds exactly one
 * shard, decoded once ({@link ShardData}) or kept encoded ({@link EncodedShard}). Training shards are a seeded shuffle dealt out
 * round-robin, so their sizes differ by at most one image.
 */
public final class ShardedTable {

    private ShardedTable() {}

    /**
     * Deals the rows into {@code shards} seeded-shuffled shards and decodes them.
     *
     * @param rows rows with {@code id} (string), {@code label} (int), {@code image} (binary)
     * @param shards the number of shards
     * @param seed the shuffle seed
     * @param limit keep only the first {@code limit} rows of the shuffle (0: all)
     * @return the cached shards, partition i = shard i
     */
    public static JavaRDD<ShardData> shuffled(Dataset<Row> rows, int shards, long seed, long limit) {
        return deal(rows, shards, seed, limit)
                .mapPartitions(it -> List.of(decode(ranked(it))).iterator(), true)
                .setName("training shards (decoded)")
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * Deals the rows into shards as {@link #shuffled} does, keeping the images encoded: the shards
     * cost their encoded size and spill to disk when the executors' memory is short.
     *
     * @param rows rows with {@code id} (string), {@code label} (int), {@code image} (binary)
     * @param shards the number of shards
     * @param seed the shuffle seed
     * @param limit keep only the first {@code limit} rows of the shuffle (0: all)
     * @return the cached shards, partition i = shard i
     */
    public static JavaRDD<EncodedShard> shuffledEncoded(Dataset<Row> rows, int shards, long seed, long limit) {
        return deal(rows, shards, seed, limit)
                .mapPartitions(it -> List.of(encoded(ranked(it))).iterator(), true)
                .setName("training shards (encoded)")
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    private static JavaPairRDD<Integer, Tuple2<Long, Row>> deal(Dataset<Row> rows, int shards, long seed, long limit) {
        JavaPairRDD<Long, Row> keyed =
                rows.select("id", "label", "image")
                        .javaRDD()
                        .mapToPair(r -> new Tuple2<>(Seeds.shuffleKey(seed, r.getString(0)), r));
        JavaPairRDD<Tuple2<Long, Row>, Long> ranked = keyed.sortByKey().zipWithIndex();
        return ranked.filter(t -> limit <= 0 || t._2() < limit)
                .mapToPair(t -> new Tuple2<>((int) (t._2() % shards), new Tuple2<>(t._2(), t._1()._2())))
                .partitionBy(new HashPartitioner(shards));
    }

    /**
     * Splits rows into {@code parts} partitions without shuffling and decodes them (for evaluation).
     *
     * @param rows rows with {@code id}, {@code label}, {@code image}
     * @param parts the number of partitions
     * @param limit keep only about the first {@code limit} rows (0: all)
     * @return the cached shards
     */
    public static JavaRDD<ShardData> plain(Dataset<Row> rows, int parts, long limit) {
        return split(rows, parts, limit)
                .mapPartitions(it -> List.of(decode(collect(it))).iterator(), true)
                .setName("evaluation shards (decoded)")
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * Splits rows as {@link #plain} does, keeping the images encoded.
     *
     * @param rows rows with {@code id}, {@code label}, {@code image}
     * @param parts the number of partitions
     * @param limit keep only about the first {@code limit} rows (0: all)
     * @return the cached shards
     */
    public static JavaRDD<EncodedShard> plainEncoded(Dataset<Row> rows, int parts, long limit) {
        return split(rows, parts, limit)
                .mapPartitions(it -> List.of(encoded(collect(it))).iterator(), true)
                .setName("evaluation shards (encoded)")
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    private static JavaRDD<Row> split(Dataset<Row> rows, int parts, long limit) {
        Dataset<Row> selected = rows.select("id", "label", "image");
        if (limit > 0) {
            selected = selected.orderBy("id").limit(Math.toIntExact(limit));
        }
        return selected.javaRDD().repartition(parts);
    }

    /**
     * Views shards of either kind as image shards, for code that takes any kind.
     *
     * @param shards the shards
     * @return the same RDD
     */
    @SuppressWarnings("unchecked")
    public static JavaRDD<ImageShard> asImageShards(JavaRDD<? extends ImageShard> shards) {
        return (JavaRDD<ImageShard>) shards; // RDDs are read-only, so the wider element type is safe
    }

    private static List<Row> ranked(Iterator<Tuple2<Integer, Tuple2<Long, Row>>> it) {
        List<Tuple2<Long, Row>> ranked = new ArrayList<>();
        it.forEachRemaining(t -> ranked.add(t._2()));
        ranked.sort(Comparator.comparing(Tuple2::_1));
        List<Row> rows = new ArrayList<>(ranked.size());
        ranked.forEach(t -> rows.add(t._2()));
        return rows;
    }

    private static List<Row> collect(Iterator<Row> it) {
        List<Row> rows = new ArrayList<>();
        it.forEachRemaining(rows::add);
        return rows;
    }

    private static EncodedShard encoded(List<Row> rows) {
        Columns c = Columns.of(rows);
        return new EncodedShard(c.ids(), c.images(), c.labels());
    }

    private static ShardData decode(List<Row> rows) {
        Columns c = Columns.of(rows);
        return ShardData.decode(c.ids(), c.images(), c.labels());
    }

    /** A shard's rows as arrays. */
    private record Columns(String[] ids, byte[][] images, int[] labels) {
        static Columns of(List<Row> rows) {
            String[] ids = new String[rows.size()];
            byte[][] images = new byte[rows.size()][];
            int[] labels = new int[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                ids[i] = r.getString(0);
                if (r.isNullAt(1) || r.isNullAt(2)) {
                    throw new BadInputException("row " + ids[i] + " has no label or no image");
                }
                labels[i] = r.getInt(1);
                images[i] = (byte[]) r.get(2);
            }
            return new Columns(ids, images, labels);
        }
    }
}
