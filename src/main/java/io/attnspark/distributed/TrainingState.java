package io.attnspark.distributed;

import java.io.Serializable;
import java.util.List;

/**
 * Where a training run stands between two rounds: enough to continue it exactly.
 *
 * @param nextRound the next round to run, from 0
 * @param parameters the averaged parameters after round {@code nextRound - 1}
 * @param momentum the averaged momentum buffers
 * @param rounds the metrics of the rounds done so far
 * @param trainedSamples images trained on so far, all replicas
 * @param elapsedSeconds training-loop wall time so far
 * @param serverVelocity the driver's momentum on averaged updates (see {@link SyncSchedule}), or
 *     null when not used
 * @param slices where the state is when it was written slice by slice ({@code sync.method =
 *     sharded}; then {@code parameters}, {@code momentum} and {@code serverVelocity} are null), or
 *     null when the arrays hold it (checkpoints from before this field read back with null)
 */
public record TrainingState(
        int nextRound,
        float[] parameters,
        float[] momentum,
        List<RoundMetrics> rounds,
        long trainedSamples,
        double elapsedSeconds,
        float[] serverVelocity,
        SlicedState slices)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * The state before the first round.
     *
     * @param parameters the initial parameters
     * @param trainableSize floats of momentum (zeroed)
     * @return the state
     */
    public static TrainingState initial(float[] parameters, int trainableSize) {
        return new TrainingState(0, parameters, new float[trainableSize], List.of(), 0, 0, null, null);
    }

    /**
     * Returns this state with its arrays: read from its slice files on the driver when it was
     * written slice by slice (to resume under {@code sync.method = tree}).
     *
     * @param conf the Hadoop configuration
     * @return the state with parameters and momentum
     */
    public TrainingState withArrays(org.apache.hadoop.conf.Configuration conf) {
        if (slices == null) {
            return this;
        }
        float[][] all = slices.readAll(conf);
        return new TrainingState(nextRound, all[0], all[1], rounds, trainedSamples, elapsedSeconds, all[2], null);
    }
}
