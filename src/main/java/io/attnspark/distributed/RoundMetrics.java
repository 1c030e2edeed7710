package io.attnspark.distributed;

import java.io.Serializable;
import java.util.Objects;

/**
 * What one round did, for the progress line and the {@code rounds} table (one accessor per column).
 * Built from small records, one per kind of figure; kept flat in its fields because checkpoints
 * hold it in Java serialisation: its fields carry the names of the record it once was (whose
 * serialVersionUID was 0), so the rounds of checkpoints written before still read back.
 */
public final class RoundMetrics implements Serializable {

    private static final long serialVersionUID = 0L;

    /**
     * Where the round is in the run.
     *
     * @param round the round, from 0
     * @param epoch epochs completed at the end of the round (fractional)
     * @param firstStep the round's first global step
     * @param steps local steps each replica took
     * @param learningRate the learning rate of the round's last step
     */
    public record Progress(int round, double epoch, long firstStep, int steps, double learningRate) {}

    /**
     * Loss and accuracy over some images.
     *
     * @param loss mean loss
     * @param top1 top-1 accuracy
     * @param top5 top-5 accuracy (NaN where not measured)
     */
    public record Scores(double loss, double top1, double top5) {
        /** No evaluation this round. */
        public static final Scores NONE = new Scores(Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * Where the round's time went.
     *
     * @param round driver wall time of the round, evaluation excluded
     * @param compute slowest replica's local training time
     * @param load slowest replica's fetch of the averaged state and parameter load
     * @param aggregate job time not spent in the slowest task: result transfer, aggregation, scheduling
     * @param broadcast driver time to publish the round's broadcast
     * @param eval wall time of the evaluation after the round, 0 when none
     * @param checkpoint time to write the round's checkpoint, 0 when none
     */
    public record Timing(double round, double compute, double load, double aggregate, double broadcast, double eval,
            double checkpoint) {}

    /**
     * The spread of the training tasks' wall times.
     *
     * @param min fastest task
     * @param median median task
     * @param max slowest task
     */
    public record TaskSpread(double min, double median, double max) {}

    /**
     * Model-state traffic of the round.
     *
     * @param driver bytes the driver sent or received (0 for {@code sharded})
     * @param taskMax the most bytes one task wrote plus read
     */
    public record Traffic(long driver, long taskMax) {}

    // The field names are the serialised form (see the class comment): do not rename them.
    private final int round;
    private final double epoch;
    private final long firstStep;
    private final int steps;
    private final double learningRate;
    private final long samples;
    private final double loss;
    private final double trainAccuracy;
    private final double testLoss;
    private final double testAccuracy;
    private final double testTop5;
    private final double roundSeconds;
    private final double computeSeconds;
    private final double loadSeconds;
    private final double aggregateSeconds;
    private final double broadcastSeconds;
    private final double evalSeconds;
    private final double checkpointSeconds;
    private final double taskMinSeconds;
    private final double taskMedianSeconds;
    private final double taskMaxSeconds;
    private final long syncBytesDriver;
    private final long syncBytesTaskMax;

    /**
     * Describes a round.
     *
     * @param progress where the round is
     * @param samples images trained on, all replicas
     * @param train mean training loss and top-1 over the round's batches (top-5 unused)
     * @param test the evaluation after the round, or {@link Scores#NONE}
     * @param timing where the time went
     * @param tasks the training tasks' spread
     * @param traffic the model-state bytes moved
     */
    public RoundMetrics(Progress progress, long samples, Scores train, Scores test, Timing timing, TaskSpread tasks,
            Traffic traffic) {
        this.round = progress.round();
        this.epoch = progress.epoch();
        this.firstStep = progress.firstStep();
        this.steps = progress.steps();
        this.learningRate = progress.learningRate();
        this.samples = samples;
        this.loss = train.loss();
        this.trainAccuracy = train.top1();
        this.testLoss = test.loss();
        this.testAccuracy = test.top1();
        this.testTop5 = test.top5();
        this.roundSeconds = timing.round();
        this.computeSeconds = timing.compute();
        this.loadSeconds = timing.load();
        this.aggregateSeconds = timing.aggregate();
        this.broadcastSeconds = timing.broadcast();
        this.evalSeconds = timing.eval();
        this.checkpointSeconds = timing.checkpoint();
        this.taskMinSeconds = tasks.min();
        this.taskMedianSeconds = tasks.median();
        this.taskMaxSeconds = tasks.max();
        this.syncBytesDriver = traffic.driver();
        this.syncBytesTaskMax = traffic.taskMax();
    }

    /** @return where the round is */
    public Progress progress() {
        return new Progress(round, epoch, firstStep, steps, learningRate);
    }

    /** @return the evaluation after the round, or {@link Scores#NONE} */
    public Scores test() {
        return new Scores(testLoss, testAccuracy, testTop5);
    }

    /** @return where the time went */
    public Timing timing() {
        return new Timing(roundSeconds, computeSeconds, loadSeconds, aggregateSeconds, broadcastSeconds, evalSeconds,
                checkpointSeconds);
    }

    /**
     * Returns the same round with its checkpoint time.
     *
     * @param seconds time to write the checkpoint
     * @return the round
     */
    public RoundMetrics withCheckpointSeconds(double seconds) {
        Timing t = timing();
        return new RoundMetrics(progress(), samples, new Scores(loss, trainAccuracy, Double.NaN), test(),
                new Timing(t.round(), t.compute(), t.load(), t.aggregate(), t.broadcast(), t.eval(), seconds),
                new TaskSpread(taskMinSeconds, taskMedianSeconds, taskMaxSeconds),
                new Traffic(syncBytesDriver, syncBytesTaskMax));
    }

    /**
     * Returns whether the test split was evaluated after this round.
     *
     * @return true if the test columns hold values
     */
    public boolean evaluated() {
        return !Double.isNaN(testAccuracy);
    }

    /**
     * Returns the share of the round not spent in local steps.
     *
     * @return {@code 1 - compute / round}, at least 0
     */
    public double overheadShare() {
        return roundSeconds <= 0 ? 0 : Math.max(0, 1 - computeSeconds / roundSeconds);
    }

    /** @return the round, from 0 */
    public int round() {
        return round;
    }

    /** @return epochs completed at the end of the round */
    public double epoch() {
        return epoch;
    }

    /** @return the round's first global step */
    public long firstStep() {
        return firstStep;
    }

    /** @return local steps each replica took */
    public int steps() {
        return steps;
    }

    /** @return the learning rate of the round's last step */
    public double learningRate() {
        return learningRate;
    }

    /** @return images trained on, all replicas */
    public long samples() {
        return samples;
    }

    /** @return mean training loss */
    public double loss() {
        return loss;
    }

    /** @return training top-1 over the round's batches */
    public double trainAccuracy() {
        return trainAccuracy;
    }

    /** @return test loss, NaN when not evaluated */
    public double testLoss() {
        return testLoss;
    }

    /** @return test top-1, NaN when not evaluated */
    public double testAccuracy() {
        return testAccuracy;
    }

    /** @return test top-5, NaN when not evaluated */
    public double testTop5() {
        return testTop5;
    }

    /** @return driver wall time of the round */
    public double roundSeconds() {
        return roundSeconds;
    }

    /** @return slowest replica's local training time */
    public double computeSeconds() {
        return computeSeconds;
    }

    /** @return slowest replica's state fetch and load */
    public double loadSeconds() {
        return loadSeconds;
    }

    /** @return job time not spent in the slowest task */
    public double aggregateSeconds() {
        return aggregateSeconds;
    }

    /** @return driver time to publish the broadcast */
    public double broadcastSeconds() {
        return broadcastSeconds;
    }

    /** @return the evaluation's wall time */
    public double evalSeconds() {
        return evalSeconds;
    }

    /** @return the checkpoint's write time */
    public double checkpointSeconds() {
        return checkpointSeconds;
    }

    /** @return fastest task's wall time */
    public double taskMinSeconds() {
        return taskMinSeconds;
    }

    /** @return median task wall time */
    public double taskMedianSeconds() {
        return taskMedianSeconds;
    }

    /** @return slowest task's wall time */
    public double taskMaxSeconds() {
        return taskMaxSeconds;
    }

    /** @return model-state bytes the driver sent or received */
    public long syncBytesDriver() {
        return syncBytesDriver;
    }

    /** @return the most model-state bytes one task wrote plus read */
    public long syncBytesTaskMax() {
        return syncBytesTaskMax;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoundMetrics m && Objects.equals(progress(), m.progress()) && samples == m.samples
                && Double.compare(loss, m.loss) == 0 && Double.compare(trainAccuracy, m.trainAccuracy) == 0
                && Objects.equals(test(), m.test()) && Objects.equals(timing(), m.timing())
                && Double.compare(taskMinSeconds, m.taskMinSeconds) == 0
                && Double.compare(taskMedianSeconds, m.taskMedianSeconds) == 0
                && Double.compare(taskMaxSeconds, m.taskMaxSeconds) == 0 && syncBytesDriver == m.syncBytesDriver
                && syncBytesTaskMax == m.syncBytesTaskMax;
    }

    @Override
    public int hashCode() {
        return Objects.hash(progress(), samples, loss, trainAccuracy, test(), timing(), syncBytesDriver);
    }

    @Override
    public String toString() {
        return "RoundMetrics[" + progress() + ", samples=" + samples + ", loss=" + loss + ", top1=" + trainAccuracy
                + ", test=" + test() + ", " + timing() + ", tasks=" + taskMinSeconds + "/" + taskMedianSeconds + "/"
                + taskMaxSeconds + ", bytes=" + syncBytesDriver + "/" + syncBytesTaskMax + "]";
    }
}
