package io.attnspark.distributed;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the tasks of the jobs that carry one job tag and reports the first of them that Spark
 * lost with its executor when that executor died in native code ({@link ExecutorExitCodes}).
 *
 * <p>It listens for task ends, not executor removals, so that it sees only executors that ran this
 * run's tasks: runs side by side do not see each other's crashes. A task lost with its executor
 * ends with {@link ExecutorLostFailure}, whose reason is the cluster manager's loss reason (with
 * the exit code when the manager reported one).
 */
final class ExecutorCrashListener extends SparkListener {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorCrashListener.class);

    /** The local property that carries a job's tags, comma-separated (SparkContext.SPARK_JOB_TAGS). */
    private static final String JOB_TAGS = "spark.job.tags";

    private final String tag;
    private final Consumer<LostExecutor> onNativeCrash;
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    private final AtomicReference<LostExecutor> crashed = new AtomicReference<>();

    /**
     * Creates a listener.
     *
     * @param tag the job tag of the watched jobs
     * @param onNativeCrash called once, on Spark's listener thread, with the first executor that died
     *     in native code
     */
    ExecutorCrashListener(String tag, Consumer<LostExecutor> onNativeCrash) {
        this.tag = tag;
        this.onNativeCrash = onNativeCrash;
    }

    /**
     * Returns the first executor that died in native code while running a watched task.
     *
     * @return the executor, or null
     */
    LostExecutor crashed() {
        return crashed.get();
    }

    /** {@inheritDoc} */
    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
        List<Integer> stageIds = new ArrayList<>();
        scala.jdk.javaapi.CollectionConverters.asJava(jobStart.stageIds()).forEach(id -> stageIds.add((Integer) id));
        jobStarted(jobStart.properties(), stageIds);
    }

    /** {@inheritDoc} */
    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (taskEnd.reason() instanceof ExecutorLostFailure lost) {
            taskLost(taskEnd.stageId(), taskEnd.taskInfo().taskId(), lost.execId(), taskEnd.taskInfo().host(),
                    lost.reason().isDefined() ? lost.reason().get() : "");
        }
    }

    /**
     * Notes the stages of a job if it carries the watched tag.
     *
     * @param properties the job's local properties (its tags among them), may be null
     * @param stageIds the job's stages
     */
    void jobStarted(Properties properties, Collection<Integer> stageIds) {
        if (hasTag(properties, tag)) {
            stages.addAll(stageIds);
        }
    }

    /**
     * Handles a task that Spark lost with its executor.
     *
     * @param stageId the task's stage
     * @param taskId the task
     * @param executorId the executor
     * @param host the executor's host
     * @param reason the loss reason
     */
    void taskLost(int stageId, long taskId, String executorId, String host, String reason) {
        if (!stages.contains(stageId)) {
            return;
        }
        OptionalInt exitCode = ExecutorExitCodes.parse(reason);
        LOG.info("executor {} on {} lost while running task {} of stage {}: {}", executorId, host, taskId, stageId,
                reason.strip());
        if (exitCode.isPresent() && ExecutorExitCodes.isNativeCrash(exitCode.getAsInt())) {
            LostExecutor executor = new LostExecutor(executorId, host, exitCode.getAsInt(), reason);
            if (crashed.compareAndSet(null, executor)) {
                onNativeCrash.accept(executor);
            }
        }
    }

    private static boolean hasTag(Properties properties, String tag) {
        if (properties == null) {
            return false;
        }
        String tags = properties.getProperty(JOB_TAGS);
        if (tags == null) {
            return false;
        }
        for (String t : tags.split(",")) {
            if (t.equals(tag)) {
                return true;
            }
        }
        return false;
    }
}
