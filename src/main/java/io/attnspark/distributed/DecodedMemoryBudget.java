package io.attnspark.distributed;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.network.util.JavaUtils;

/**
 * How many bytes of decoded pixels one training shard may hold when {@code data.cache-decoded = auto}:
 * a task slot's share of an executor's storage memory, Spark's unified memory
 * ({@code (heap - 300 MiB) * spark.memory.fraction}) times {@code spark.memory.storageFraction}, divided
 * by the task slots of an executor. Test shards are decoded too, so the rule leaves room by comparing
 * training pixels only against half of what the storage pool holds before it evicts.
 */
final class DecodedMemoryBudget {

    private static final long RESERVED = 300L << 20;

    private DecodedMemoryBudget() {}

    /**
     * Returns the budget for one shard.
     *
     * @param sc the Spark context
     * @return bytes
     */
    static long perShard(SparkContext sc) {
        SparkConf conf = sc.getConf();
        boolean local = sc.master().startsWith("local[") || sc.master().equals("local");
        // Local mode: every shard lives in this JVM. Elsewhere: Spark's default executor heap is 1g.
        long heap = local ? Runtime.getRuntime().maxMemory()
                : JavaUtils.byteStringAsBytes(conf.get("spark.executor.memory", "1g"));
        int slots = local ? sc.defaultParallelism()
                : Math.max(1, conf.getInt("spark.executor.cores", 1) / Math.max(1, conf.getInt("spark.task.cpus", 1)));
        double fraction = conf.getDouble("spark.memory.fraction", 0.6);
        double storage = conf.getDouble("spark.memory.storageFraction", 0.5);
        return perShard(heap, slots, fraction, storage);
    }

    /**
     * Returns the budget for one shard from the executor's settings.
     *
     * @param heap executor heap in bytes
     * @param slots task slots per executor
     * @param memoryFraction {@code spark.memory.fraction}
     * @param storageFraction {@code spark.memory.storageFraction}
     * @return bytes
     */
    static long perShard(long heap, int slots, double memoryFraction, double storageFraction) {
        double storagePool = Math.max(0, heap - RESERVED) * memoryFraction * storageFraction;
        return (long) (storagePool / 2 / Math.max(1, slots));
    }
}
