package io.attnspark.distributed;

import java.io.Serializable;

/**
 * What one round did, for the progress line and the {@code rounds} table.
 *
 * @param round the round, from 0
 * @param epoch epochs completed at the end of the round (fractional)
 * @param firstStep the round's first global step
 * @param steps local steps each replica took
 * @param learningRate the learning rate of the round's last step
 * @param samples images trained on, all replicas
 * @param loss mean training loss
 * @param trainAccuracy training top-1 accuracy over the round's batches
 * @param testLoss test loss after the round, NaN when not evaluated
 * @param testAccuracy test top-1 after the round, NaN when not evaluated
 * @param testTop5 test top-5 after the round, NaN when not evaluated
 * @param roundSeconds driver wall time of the round, evaluation excluded
 * @param computeSeconds slowest replica's local training time
 * @param loadSeconds slowest replica's broadcast fetch and parameter load
 * @param aggregateSeconds job time not spent in the slowest task: result transfer, tree
 *     aggregation, scheduling
 * @param broadcastSeconds driver time to publish the round's broadcast
 * @param evalSeconds wall time of the evaluation after the round, 0 when none
 * @param checkpointSeconds time to write the round's checkpoint, 0 when none
 * @param taskMinSeconds fastest task's wall time
 * @param taskMedianSeconds median task wall time
 * @param taskMaxSeconds slowest task's wall time
 * @param syncBytesDriver model-state bytes the driver sent or received in the round (0 for {@code sharded})
 * @param syncBytesTaskMax the most model-state bytes one task of the round wrote plus read
 */
public record RoundMetrics(
        int round,
        double epoch,
        long firstStep,
        int steps,
        double learningRate,
        long samples,
        double loss,
        double trainAccuracy,
        double testLoss,
        double testAccuracy,
        double testTop5,
        double roundSeconds,
        double computeSeconds,
        double loadSeconds,
        double aggregateSeconds,
        double broadcastSeconds,
        double evalSeconds,
        double checkpointSeconds,
        double taskMinSeconds,
        double taskMedianSeconds,
        double taskMaxSeconds,
        long syncBytesDriver,
        long syncBytesTaskMax)
        implements Serializable {

    /**
     * Returns whether the test set was evaluated after this round.
     *
     * @return true if evaluated
     */
    public boolean evaluated() {
        return !Double.isNaN(testAccuracy);
    }

    /**
     * Returns these metrics with the checkpoint time set.
     *
     * @param seconds time to write the round's checkpoint
     * @return the metrics
     */
    public RoundMetrics withCheckpointSeconds(double seconds) {
        return new RoundMetrics(round, epoch, firstStep, steps, learningRate, samples, loss, trainAccuracy, testLoss,
                testAccuracy, testTop5, roundSeconds, computeSeconds, loadSeconds, aggregateSeconds, broadcastSeconds, evalSeconds,
                seconds, taskMinSeconds, taskMedianSeconds, taskMaxSeconds, syncBytesDriver, syncBytesTaskMax);
    }

    /**
     * Returns the share of the round spent outside the slowest replica's local compute.
     *
     * @return a fraction in [0, 1]
     */
    public double overheadShare() {
        return roundSeconds <= 0 ? 0 : Math.max(0, 1 - computeSeconds / roundSeconds);
    }
}
