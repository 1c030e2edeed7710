package io.attnspark.dist;

import io.attnspark.train.StepStats;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Sums replicas' results for {@code treeAggregate}: parameters and momentum weighted by the
 * samples each replica saw (in double, so that averaging known buffers is exact), plus loss,
 * accuracy and per-task timings. Starts empty and allocates on the first replica, so the zero
 * value shipped with every task is small.
 */
public final class RoundAccumulator implements Serializable {

    private static final long serialVersionUID = 1L;

    private double[] parameterSums;
    private double[] momentumSums;
    private StepStats stats = StepStats.EMPTY;
    private long replicas;
    private double[] taskSeconds = new double[0];
    private double[] loadSeconds = new double[0];
    private double[] computeSeconds = new double[0];
    private final java.util.TreeSet<String> devices = new java.util.TreeSet<>();

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
        double weight = replicaStats.samples();
        if (parameterSums == null) {
            parameterSums = new double[parameters.length];
            momentumSums = new double[momentum.length];
        }
        for (int i = 0; i < parameters.length; i++) {
            parameterSums[i] += weight * parameters[i];
        }
        for (int i = 0; i < momentum.length; i++) {
            momentumSums[i] += weight * momentum[i];
        }
        stats = stats.plus(replicaStats);
        replicas++;
        taskSeconds = append(taskSeconds, taskSecs);
        loadSeconds = append(loadSeconds, loadSecs);
        computeSeconds = append(computeSeconds, computeSecs);
        return this;
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
        if (other.parameterSums == null) {
            return this;
        }
        if (parameterSums == null) {
            parameterSums = other.parameterSums.clone();
            momentumSums = other.momentumSums.clone();
        } else {
            for (int i = 0; i < parameterSums.length; i++) {
                parameterSums[i] += other.parameterSums[i];
            }
            for (int i = 0; i < momentumSums.length; i++) {
                momentumSums[i] += other.momentumSums[i];
            }
        }
        stats = stats.plus(other.stats);
        replicas += other.replicas;
        taskSeconds = concat(taskSeconds, other.taskSeconds);
        loadSeconds = concat(loadSeconds, other.loadSeconds);
        computeSeconds = concat(computeSeconds, other.computeSeconds);
        return this;
    }

    /**
     * Returns the sample-weighted average of the parameters.
     *
     * @return the average
     * @throws IllegalStateException if no replica saw a sample
     */
    public float[] averageParameters() {
        return average(parameterSums);
    }

    /**
     * Returns the sample-weighted average of the momentum buffers.
     *
     * @return the average
     */
    public float[] averageMomentum() {
        return average(momentumSums);
    }

    private float[] average(double[] sums) {
        if (sums == null || stats.samples() == 0) {
            throw new IllegalStateException("no replica reported any trained samples this round");
        }
        float[] out = new float[sums.length];
        double total = stats.samples();
        for (int i = 0; i < sums.length; i++) {
            out[i] = (float) (sums[i] / total);
        }
        return out;
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
