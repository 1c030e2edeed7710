package io.attnspark.cli;

import io.attnspark.distributed.DistributedTrainer;
import io.attnspark.distributed.RoundMetrics;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints one progress line per round that evaluated or every {@code everySeconds}: epoch, round,
 * loss, train and test accuracy, throughput and the estimated time left.
 */
final class ProgressPrinter implements DistributedTrainer.RoundListener {

    private final PrintStream out;
    private final double everySeconds;
    private double lastPrinted = Double.NEGATIVE_INFINITY;
    private long samples;

    ProgressPrinter(PrintStream out, double everySeconds) {
        this.out = out;
        this.everySeconds = everySeconds;
    }

    @Override
    public void roundFinished(RoundMetrics m, int totalRounds, double elapsed) {
        samples += m.samples();
        boolean last = m.round() + 1 == totalRounds;
        if (!m.evaluated() && !last && elapsed - lastPrinted < everySeconds) {
            return;
        }
        lastPrinted = elapsed;
        double eta = elapsed / (m.round() + 1) * (totalRounds - m.round() - 1);
        out.println(String.format(
                Locale.ROOT,
                "epoch %5.2f  round %4d/%d  loss %.4f  train %.4f  test %s  %6.0f img/s  overhead %4.1f%%  ETA %s",
                m.epoch(),
                m.round() + 1,
                totalRounds,
                m.loss(),
                m.trainAccuracy(),
                m.evaluated() ? String.format(Locale.ROOT, "%.4f", m.testAccuracy()) : "  -   ",
                samples / elapsed,
                100 * m.overheadShare(),
                duration(eta)));
        out.flush();
    }

    static String duration(double seconds) {
        return io.attnspark.ablation.CellProgress.duration(seconds);
    }
}
