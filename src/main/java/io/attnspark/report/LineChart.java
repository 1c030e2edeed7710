package io.attnspark.report;

import static io.attnspark.report.Markup.coord;
import static io.attnspark.report.Markup.escape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Curves of one value over another (test accuracy per epoch), one polyline with its points per variant. */
public final class LineChart {

    /**
     * One variant's curve.
     *
     * @param variant the variant
     * @param colour its colour
     * @param xs the horizontal values, ascending
     * @param ys the vertical values, as many; NaN values are left out
     */
    public record Series(String variant, String colour, double[] xs, double[] ys) {

        /** Rejects curves whose coordinates do not pair up. */
        public Series {
            if (xs.length != ys.length) {
                throw new IllegalArgumentException("series '" + variant + "' has " + xs.length + " x values but "
                        + ys.length + " y values");
            }
        }
    }

    private LineChart() {}

    /**
     * Draws the chart.
     *
     * @param id the SVG element's id
     * @param title the title
     * @param xLabel the horizontal axis' label
     * @param yLabel the vertical axis' label
     * @param yFloor the lowest sensible vertical value (0 for an accuracy)
     * @param yCeiling the highest sensible vertical value (100 for an accuracy in %)
     * @param series one per variant
     * @return the SVG markup
     */
    public static String render(String id, String title, String xLabel, String yLabel, double yFloor,
            double yCeiling, List<Series> series) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                if (Double.isFinite(s.xs()[i]) && Double.isFinite(s.ys()[i])) {
                    xs.add(s.xs()[i]);
                    ys.add(s.ys()[i]);
                }
            }
        }
        LinearScale x = LinearScale.fit(xs.stream().mapToDouble(Double::doubleValue).toArray(), 0,
                Double.POSITIVE_INFINITY, 1, SvgChart.LEFT, SvgChart.RIGHT);
        LinearScale y = LinearScale.fit(ys.stream().mapToDouble(Double::doubleValue).toArray(), yFloor, yCeiling, 1,
                SvgChart.BOTTOM, SvgChart.TOP);
        SvgChart chart = new SvgChart(id, title);
        chart.axes(x, y, xLabel, yLabel, t -> Markup.tick(t, x.step()));
        StringBuilder svg = chart.body();
        if (xs.isEmpty()) {
            chart.note("no evaluations to plot");
        }
        for (Series s : series) {
            chart.openSeries(s.variant(), s.colour());
            StringBuilder points = new StringBuilder();
            StringBuilder circles = new StringBuilder();
            for (int i = 0; i < s.xs().length; i++) {
                if (!Double.isFinite(s.xs()[i]) || !Double.isFinite(s.ys()[i])) {
                    continue;
                }
                String px = coord(x.pixel(s.xs()[i]));
                String py = coord(y.pixel(s.ys()[i]));
                points.append(points.length() == 0 ? "" : " ").append(px).append(',').append(py);
                circles.append("<circle class=\"point\" cx=\"").append(px).append("\" cy=\"").append(py)
                        .append("\" r=\"3.5\"><title>")
                        .append(escape(String.format(Locale.ROOT, "%s, epoch %s: %.2f%%", s.variant(),
                                Markup.tick(s.xs()[i], 0.01).replaceAll("\\.?0+$", ""), s.ys()[i])))
                        .append("</title></circle>\n");
            }
            svg.append("<polyline fill=\"none\" stroke-width=\"2\" points=\"").append(points).append("\"/>\n");
            svg.append(circles);
            chart.closeSeries();
        }
        chart.legend(series.stream().map(Series::variant).toList(), series.stream().map(Series::colour).toList());
        return chart.close();
    }
}
