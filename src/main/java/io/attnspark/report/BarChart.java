package io.attnspark.report;

import static io.attnspark.report.Markup.coord;
import static io.attnspark.report.Markup.escape;

import java.util.List;
import java.util.Locale;

/** One bar per variant from zero (training throughput), named by the legend and labelled with its value. */
public final class BarChart {

    /**
     * One variant's bar.
     *
     * @param variant the variant
     * @param colour its colour
     * @param value the bar's height (finite, at least 0)
     */
    public record Bar(String variant, String colour, double value) {

        /** Rejects bars that cannot be drawn from zero. */
        public Bar {
            if (!Double.isFinite(value) || value < 0) {
                throw new IllegalArgumentException("bar of variant '" + variant + "' must be finite and >= 0, got " + value);
            }
        }
    }

    private BarChart() {}

    /**
     * Draws the chart.
     *
     * @param id the SVG element's id
     * @param title the title
     * @param yLabel the value axis' label
     * @param bars one per variant, left to right
     * @return the SVG markup
     */
    public static String render(String id, String title, String yLabel, List<Bar> bars) {
        double[] values = new double[bars.size() + 1]; // and 0: bars start there
        for (int i = 0; i < bars.size(); i++) {
            values[i] = bars.get(i).value();
        }
        LinearScale y = LinearScale.fit(values, 0, Double.POSITIVE_INFINITY, SvgChart.BOTTOM, SvgChart.TOP);
        SvgChart chart = new SvgChart(id, title);
        chart.yAxis(y, yLabel);
        StringBuilder svg = chart.body();
        svg.append("<line class=\"zero\" x1=\"").append(SvgChart.LEFT).append("\" x2=\"").append(SvgChart.RIGHT)
                .append("\" y1=\"").append(coord(y.pixel(0))).append("\" y2=\"").append(coord(y.pixel(0)))
                .append("\" stroke=\"#333333\"/>\n");
        if (bars.isEmpty()) {
            chart.note("no variant to plot");
        }
        double slot = (SvgChart.RIGHT - SvgChart.LEFT) / (double) Math.max(1, bars.size());
        double width = Math.min(60, slot * 0.7);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double cx = SvgChart.LEFT + slot * (i + 0.5);
            double top = y.pixel(b.value());
            chart.openSeries(b.variant(), b.colour());
            svg.append("<title>").append(escape(String.format(Locale.ROOT, "%s: %.1f", b.variant(), b.value())))
                    .append("</title>\n");
            svg.append("<rect class=\"bar\" x=\"").append(coord(cx - width / 2)).append("\" y=\"").append(coord(top))
                    .append("\" width=\"").append(coord(width)).append("\" height=\"")
                    .append(coord(y.pixel(0) - top)).append("\" stroke=\"none\"/>\n");
            svg.append("<text x=\"").append(coord(cx)).append("\" y=\"").append(coord(top - 5))
                    .append("\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333333\" stroke=\"none\">")
                    .append(escape(String.format(Locale.ROOT, "%.0f", b.value()))).append("</text>\n");
            chart.closeSeries();
        }
        chart.legend(bars.stream().map(Bar::variant).toList(), bars.stream().map(Bar::colour).toList());
        return chart.close();
    }
}
