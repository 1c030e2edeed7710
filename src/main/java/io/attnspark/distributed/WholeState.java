package io.attnspark.distributed;

import java.io.Serializable;
import java.util.Collections;
import org.apache.spark.Partition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import scala.Option;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The all-gather of the sharded exchange without a shuffle: an RDD of {@code receivers} partitions,
 * each reading every partition (slice) of the averaged state from the block manager, local or
 * remote, through narrow dependencies ({@code coalesce} to one partition without a shuffle, that
 * partition unioned {@code receivers} times). Compared with a shuffle keyed by receiver, it saves a
 * stage of P tasks and the N copies each of them would write to shuffle files. The coalesced
 * partition states no preferred location, so a task zipped with a cached shard still runs where the
 * shard is.
 */
final class WholeState {

    private WholeState() {}

    /**
     * Returns an RDD whose every partition yields all of {@code slices}' elements.
     *
     * @param jsc the context
     * @param slices the persisted slices
     * @param receivers how many partitions (replicas or evaluation shards)
     * @return the RDD
     */
    static JavaRDD<ShardedExchange.AveragedSlice> gathered(
            JavaSparkContext jsc, JavaRDD<ShardedExchange.AveragedSlice> slices, int receivers) {
        ClassTag<ShardedExchange.AveragedSlice> tag = ClassTag$.MODULE$.apply(ShardedExchange.AveragedSlice.class);
        RDD<ShardedExchange.AveragedSlice> one =
                slices.rdd().coalesce(1, false, Option.apply(new AllInOne()), null);
        JavaRDD<ShardedExchange.AveragedSlice> whole = new JavaRDD<>(one, tag);
        @SuppressWarnings("unchecked")
        JavaRDD<ShardedExchange.AveragedSlice>[] copies = Collections.nCopies(receivers, whole).toArray(new JavaRDD[0]);
        return jsc.union(copies);
    }

    /** One group holding every parent partition, with no preferred location. */
    private static final class AllInOne implements PartitionCoalescer, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
            PartitionGroup group = new PartitionGroup(Option.empty());
            for (Partition p : parent.partitions()) {
                group.partitions().$plus$eq(p);
            }
            return new PartitionGroup[] {group};
        }
    }
}
