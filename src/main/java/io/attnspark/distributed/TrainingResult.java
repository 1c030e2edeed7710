package io.attnspark.distributed;

import java.util.List;

/**
 * The outcome of a distributed training run.
 *
 * @param parameters the final averaged parameters
 * @param rounds one entry per round
 * @param wallSeconds wall time of the training loop, data preparation excluded
 * @param trainedSamples images trained on, all replicas and epochs
 * @param devices what the replicas of the last round ran on, e.g. {@code cpu x1} or {@code gpu 0 -> cuda:0}
 */
public record TrainingResult(
        float[] parameters, List<RoundMetrics> rounds, double wallSeconds, long trainedSamples, List<String> devices) {

    /**
     * Returns the last evaluated round.
     *
     * @return the metrics of the last round with a test evaluation
     */
    public RoundMetrics lastEvaluated() {
        for (int i = rounds.size() - 1; i >= 0; i--) {
            if (rounds.get(i).evaluated()) {
                return rounds.get(i);
            }
        }
        throw new IllegalStateException("no round was evaluated");
    }

    /**
     * Returns the best test accuracy over the evaluated rounds.
     *
     * @return the best top-1
     */
    public double bestTestAccuracy() {
        return rounds.stream().filter(RoundMetrics::evaluated).mapToDouble(RoundMetrics::testAccuracy).max().orElse(Double.NaN);
    }

    /**
     * Returns the training throughput over the whole loop, evaluation included.
     *
     * @return images per second
     */
    public double imagesPerSecond() {
        return wallSeconds <= 0 ? 0 : trainedSamples / wallSeconds;
    }
}
