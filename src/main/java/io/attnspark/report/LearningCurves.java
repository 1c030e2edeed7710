package io.attnspark.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test accuracy per epoch, averaged over each variant's runs (seeds). A run evaluated twice at the same
 * epoch counts once (its evaluations there are averaged first), so a run cannot outweigh the others.
 */
public final class LearningCurves {

    /**
     * One point of a curve.
     *
     * @param epoch the epoch
     * @param meanTop1 mean test top-1 (fraction) over the runs evaluated at that epoch
     * @param runs how many runs were evaluated at that epoch
     */
    public record Point(double epoch, double meanTop1, int runs) {}

    private LearningCurves() {}

    /**
     * The curves of every variant with at least one evaluation, in {@link ReportData#variants()} order.
     *
     * @param data the report's data
     * @return variant to its points by epoch
     */
    public static Map<String, List<Point>> of(ReportData data) {
        Map<String, String> variantOfRun = new HashMap<>();
        data.shownRuns().forEach(r -> variantOfRun.put(r.runId(), r.variant()));
        // variant -> epoch -> run -> (sum, count)
        Map<String, TreeMap<Double, Map<String, double[]>>> sums = new HashMap<>();
        for (ReportData.Evaluation e : data.evaluations()) {
            String variant = variantOfRun.get(e.runId());
            if (variant == null || !Double.isFinite(e.top1()) || !Double.isFinite(e.epoch())) {
                continue; // a round of a run that never finished or is not shown, or a broken value
            }
            // Epochs computed as step / steps-per-epoch may differ in the last bits.
            double epoch = Math.round(e.epoch() * 1e6) / 1e6;
            double[] sum = sums.computeIfAbsent(variant, v -> new TreeMap<>())
                    .computeIfAbsent(epoch, x -> new HashMap<>())
                    .computeIfAbsent(e.runId(), r -> new double[2]);
            sum[0] += e.top1();
            sum[1]++;
        }
        Map<String, List<Point>> curves = new LinkedHashMap<>();
        for (String variant : data.variants()) {
            TreeMap<Double, Map<String, double[]>> byEpoch = sums.get(variant);
            if (byEpoch == null) {
                continue;
            }
            List<Point> points = new ArrayList<>();
            byEpoch.forEach((epoch, byRun) -> {
                double total = 0;
                for (double[] s : byRun.values()) {
                    total += s[0] / s[1];
                }
                points.add(new Point(epoch, total / byRun.size(), byRun.size()));
            });
            curves.put(variant, points);
        }
        return curves;
    }
}
