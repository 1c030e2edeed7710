package io.attnspark.distributed;

import io.attnspark.train.StepStats;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Combines replicas' results for {@code treeAggregate}: the running sample-weighted mean of
 * parameters and momentum, plus loss, accuracy and per-task timings. Each merge computes
 * {@code (n1 a + n2 b) / (n1 + n2)} in double and stores float, so partial results travel at the
 * size of one replica's state (not twice that, as double sums would) and one replica's state comes
 * back bit for bit. Starts empty and allocates on the first replica, so the zero value shipped
 * with every task is small.
 */
public final class RoundAccumulator implements Serializable {

    private static final long serialVersionUID = 1L;

    private float[] parameterMean;
    private float[] momentumMean;
    private StepStats stats = StepStats.EMPTY;
    private long replicas;
    private double[] taskSeconds = new double[0];
    private double[] loadSeconds = new double[0];
    private double[] computeSeconds = new double[0];
    private final java.util.TreeSet<String> devices = new java.util.TreeSet<>();
    private long taskBytesMax;

    /**
     * Adds one replica's state after its steps.
     *
     * @param parameters its flat parameters
     * @param momentum its flat momentum buffers
     * @param replicaStats its sums over the round's steps
     * @param taskSecs the task's wall time
     * @param loadSecs time to fetch the broadcast and load it into the replica
     * @param computeSecs time in local training steps
     * @return this
     */
    public RoundAccumulator add(
            float[] parameters,
            float[] momentum,
            StepStats replicaStats,
            double taskSecs,
            double loadSecs,
            double computeSecs) {
        if (parameterMean == null && replicas > 0) {
            throw new IllegalStateException("an accumulator holds states or reports, not both");
        }
        blend(parameters.clone(), momentum.clone(), replicaStats.samples());
        return count(replicaStats, taskSecs, loadSecs, computeSecs);
    }

    /**
     * Adds one replica's statistics and timings without its state: the sharded exchange averages
     * states slice by slice elsewhere.
     *
     * @param replicaStats its sums over the round's steps
     * @param taskSecs the task's wall time
     * @param loadSecs time to fetch the averaged state and load it into the replica
     * @param computeSecs time in local training steps
     * @return this
     * @throws IllegalStateException if states were added too
     */
    public RoundAccumulator report(StepStats replicaStats, double taskSecs, double loadSecs, double computeSecs) {
        if (parameterMean != null) {
            throw new IllegalStateException("an accumulator holds states or reports, not both");
        }
        return count(replicaStats, taskSecs, loadSecs, computeSecs);
    }

    private RoundAccumulator count(StepStats replicaStats, double taskSecs, double loadSecs, double computeSecs) {
        stats = stats.plus(replicaStats);
        replicas++;
        taskSeconds = append(taskSeconds, taskSecs);
        loadSeconds = append(loadSeconds, loadSecs);
        computeSeconds = append(computeSeconds, computeSecs);
        return this;
    }

    /**
     * Records the model-state bytes one task wrote plus read; the maximum over tasks is kept.
     *
     * @param bytes the task's bytes
     * @return this
     */
    public RoundAccumulator taskBytes(long bytes) {
        taskBytesMax = Math.max(taskBytesMax, bytes);
        return this;
    }

    /**
     * Returns the most model-state bytes one task wrote plus read.
     *
     * @return bytes
     */
    public long taskBytesMax() {
        return taskBytesMax;
    }

    /**
     * Records the device a replica ran on.
     *
     * @param description as from {@link DeviceAssignment#describe}
     * @return this
     */
    public RoundAccumulator device(String description) {
        devices.add(description);
        return this;
    }

    /**
     * Returns the distinct devices the replicas ran on.
     *
     * @return sorted descriptions
     */
    public java.util.SortedSet<String> devices() {
        return java.util.Collections.unmodifiableSortedSet(devices);
    }

    /**
     * Merges another partial sum into this one.
     *
     * @param other the other sum
     * @return this
     */
    public RoundAccumulator merge(RoundAccumulator other) {
        devices.addAll(other.devices);
        taskBytesMax = Math.max(taskBytesMax, other.taskBytesMax);
        if (other.parameterMean != null) {
            // Never share the other side's arrays: later merges write into ours.
            boolean adopt = parameterMean == null;
            blend(adopt ? other.parameterMean.clone() : other.parameterMean,
                    adopt ? other.momentumMean.clone() : other.momentumMean, other.stats.samples());
        } else if (other.replicas == 0) {
            return this;
        }
        stats = stats.plus(other.stats);
        replicas += other.replicas;
        taskSeconds = concat(taskSeconds, other.taskSeconds);
        loadSeconds = concat(loadSeconds, other.loadSeconds);
        computeSeconds = concat(computeSeconds, other.computeSeconds);
        return this;
    }

    /** Folds a weighted mean into this one; the arrays may be adopted, so callers pass copies. */
    private void blend(float[] parameters, float[] momentum, long weight) {
        long mine = stats.samples();
        if (parameterMean == null) {
            parameterMean = parameters;
            momentumMean = momentum;
            return;
        }
        if (parameters.length != parameterMean.length || momentum.length != momentumMean.length) {
            throw new IllegalStateException("replicas returned states of different sizes: "
                    + parameters.length + " vs " + parameterMean.length + " parameters");
        }
        double total = (double) mine + weight;
        if (total == 0) {
            return;
        }
        for (int i = 0; i < parameterMean.length; i++) {
            parameterMean[i] = (float) ((mine * (double) parameterMean[i] + weight * (double) parameters[i]) / total);
        }
        for (int i = 0; i < momentumMean.length; i++) {
            momentumMean[i] = (float) ((mine * (double) momentumMean[i] + weight * (double) momentum[i]) / total);
        }
    }

    /**
     * Returns the sample-weighted average of the parameters.
     *
     * @return the average
     * @throws IllegalStateException if no replica saw a sample
     */
    public float[] averageParameters() {
        return average(parameterMean);
    }

    /**
     * Returns the sample-weighted average of the momentum buffers.
     *
     * @return the average
     */
    public float[] averageMomentum() {
        return average(momentumMean);
    }

    private float[] average(float[] mean) {
        if (mean == null || stats.samples() == 0) {
            throw new IllegalStateException("no replica reported any trained samples this round");
        }
        return mean;
    }

    /**
     * Returns the summed training statistics.
     *
     * @return the sums over all replicas
     */
    public StepStats stats() {
        return stats;
    }

    /**
     * Returns how many replicas were added.
     *
     * @return the count
     */
    public long replicas() {
        return replicas;
    }

    /**
     * Returns each task's wall time, sorted.
     *
     * @return seconds
     */
    public double[] taskSeconds() {
        return sorted(taskSeconds);
    }

    /**
     * Returns each task's broadcast fetch and load time, sorted.
     *
     * @return seconds
     */
    public double[] loadSeconds() {
        return sorted(loadSeconds);
    }

    /**
     * Returns each task's local compute time, sorted.
     *
     * @return seconds
     */
    public double[] computeSeconds() {
        return sorted(computeSeconds);
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static double[] append(double[] values, double value) {
        double[] out = Arrays.copyOf(values, values.length + 1);
        out[values.length] = value;
        return out;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
