package io.attnspark.report;

import static io.attnspark.report.Markup.coord;
import static io.attnspark.report.Markup.escape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Test accuracy against parameter overhead: one point per variant at its mean over seeds, with an error bar
 * of one standard deviation (none when there is a single run). Points at the same x value are spread a few
 * pixels apart, so equal overheads (an extra axis, a parameter-free module) do not hide one another.
 */
public final class ScatterChart {

    private static final double CAP = 5;
    /** Horizontal distance between points that share an x value (the baselines of an extra axis all sit at 0%). */
    private static final double DODGE = 9;

    /**
     * One variant's point.
     *
     * @param variant the variant
     * @param colour its colour
     * @param x the horizontal value (parameter overhead in %), finite
     * @param y the vertical value (mean accuracy in %), finite
     * @param yError the error bar's half-length (standard deviation in %), NaN for none
     * @param runs the runs behind the mean, for the tooltip
     */
    public record Point(String variant, String colour, double x, double y, double yError, int runs) {

        /** Rejects points that cannot be drawn. */
        public Point {
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                throw new IllegalArgumentException(
                        "point of variant '" + variant + "' must have finite coordinates, got (" + x + ", " + y + ")");
            }
        }
    }

    private ScatterChart() {}

    /**
     * Draws the chart.
     *
     * @param id the SVG element's id
     * @param title the title
     * @param xLabel the horizontal axis' label
     * @param yLabel the vertical axis' label
     * @param points one per variant
     * @return the SVG markup
     */
    public static String render(String id, String title, String xLabel, String yLabel, List<Point> points) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Point p : points) {
            xs.add(p.x());
            ys.add(p.y());
            if (Double.isFinite(p.yError())) {
                ys.add(p.y() - Math.abs(p.yError()));
                ys.add(p.y() + Math.abs(p.yError()));
            }
        }
        xs.add(0.0); // the baseline's place, so overheads read against it
        LinearScale x = LinearScale.fit(array(xs), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1,
                SvgChart.LEFT, SvgChart.RIGHT);
        LinearScale y = LinearScale.fit(array(ys), 0, 100, 1, SvgChart.BOTTOM, SvgChart.TOP);
        SvgChart chart = new SvgChart(id, title);
        chart.axes(x, y, xLabel, yLabel, t -> (t > 0 ? "+" : "") + Markup.tick(t, x.step()) + "%");
        StringBuilder svg = chart.body();
        if (points.isEmpty()) {
            chart.note("no variant to plot");
        }
        Map<Long, Integer> sharing = new HashMap<>();
        for (Point p : points) {
            sharing.merge(Math.round(x.pixel(p.x())), 1, Integer::sum);
        }
        Map<Long, Integer> placed = new HashMap<>();
        for (Point p : points) {
            chart.openSeries(p.variant(), p.colour());
            long column = Math.round(x.pixel(p.x()));
            int k = placed.merge(column, 1, Integer::sum) - 1;
            double px = x.pixel(p.x()) + (k - (sharing.get(column) - 1) / 2.0) * DODGE;
            double py = y.pixel(p.y());
            svg.append("<title>").append(escape(String.format(Locale.ROOT, "%s: %.2f%%%s at %+.1f%% parameters (%d run%s)",
                    p.variant(), p.y(), Double.isFinite(p.yError()) ? String.format(Locale.ROOT, " \u00b1 %.2f", p.yError()) : "",
                    p.x(), p.runs(), p.runs() == 1 ? "" : "s"))).append("</title>\n");
            if (Double.isFinite(p.yError()) && p.yError() != 0) {
                double lo = y.pixel(p.y() - Math.abs(p.yError()));
                double hi = y.pixel(p.y() + Math.abs(p.yError()));
                svg.append("<path class=\"error-bar\" fill=\"none\" stroke-width=\"1.5\" d=\"M").append(coord(px)).append(' ')
                        .append(coord(lo)).append('V').append(coord(hi)).append('M').append(coord(px - CAP)).append(' ')
                        .append(coord(lo)).append('H').append(coord(px + CAP)).append('M').append(coord(px - CAP))
                        .append(' ').append(coord(hi)).append('H').append(coord(px + CAP)).append("\"/>\n");
            }
            svg.append("<circle class=\"point\" cx=\"").append(coord(px)).append("\" cy=\"").append(coord(py))
                    .append("\" r=\"6\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n");
            chart.closeSeries();
        }
        chart.legend(points.stream().map(Point::variant).toList(), points.stream().map(Point::colour).toList());
        return chart.close();
    }

    private static double[] array(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
