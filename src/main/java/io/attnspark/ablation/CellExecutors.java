package io.attnspark.ablation;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts the distinct executors each cell's tasks ran on (the {@code executors} column of the
 * {@code cells} table). A cell's driver thread marks its jobs with a local property, which Spark hands
 * to listeners with each job; stages are mapped to the cell when their job starts.
 */
final class CellExecutors extends SparkListener {

    /** The local property naming the cell (its run id) that submitted a job. */
    static final String PROPERTY = "attnspark.cell";

    private final Map<Integer, String> cellOfStage = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> executorsOfCell = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart job) {
        String cell = job.properties() == null ? null : job.properties().getProperty(PROPERTY);
        if (cell != null) {
            for (Object stage : scala.jdk.javaapi.CollectionConverters.asJava(job.stageIds())) {
                cellOfStage.put((Integer) stage, cell);
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd task) {
        String cell = cellOfStage.get(task.stageId());
        if (cell != null && task.taskInfo() != null) {
            executorsOfCell.computeIfAbsent(cell, c -> ConcurrentHashMap.newKeySet()).add(task.taskInfo().executorId());
        }
    }

    /**
     * Returns the number of executors a cell's tasks ran on so far.
     *
     * @param runId the cell's run id
     * @return distinct executors, 0 if none seen
     */
    int of(String runId) {
        Set<String> executors = executorsOfCell.get(runId);
        return executors == null ? 0 : executors.size();
    }
}
