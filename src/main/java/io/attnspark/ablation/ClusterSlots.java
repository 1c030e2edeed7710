package io.attnspark.ablation;

import org.apache.spark.SparkContext;

/**
 * The cluster's task slots: how many tasks Spark runs at once, per executor its cores over
 * {@code spark.task.cpus}, capped by its GPUs over {@code spark.task.resource.gpu.amount} where GPUs are
 * scheduled. Read again whenever a cell is to start, so executors that register late (or leave) count.
 */
public final class ClusterSlots {

    private ClusterSlots() {}

    /**
     * Returns the task slots of the executors registered now.
     *
     * @param sc the context
     * @return at least 1
     */
    public static int now(SparkContext sc) {
        try {
            // Spark's own count for the default resource profile (private[spark] in Scala, public in bytecode):
            // it knows each executor's cores and GPUs, which the driver's configuration may not say.
            return Math.max(1, sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile()));
        } catch (LinkageError e) {
            int taskCpus = Math.max(1, sc.getConf().getInt("spark.task.cpus", 1));
            return Math.max(1, sc.defaultParallelism() / taskCpus);
        }
    }
}
