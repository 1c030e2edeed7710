package io.attnspark.report;

import static io.attnspark.report.Markup.coord;
import static io.attnspark.report.Markup.escape;

import java.util.List;
import java.util.function.DoubleFunction;

/**
 * The frame every chart shares: an inline {@code <svg>} of fixed size with a title, a plot area with grid
 * lines, ticks and axis labels, and a legend at the right. A chart writes its series after the constructor and
 * before {@link #close}, each as one {@code <g class="series" data-variant="...">}.
 */
final class SvgChart {

    static final int WIDTH = 900;
    static final int HEIGHT = 420;
    /** The plot area. */
    static final int LEFT = 72;
    static final int RIGHT = 650;
    static final int TOP = 44;
    static final int BOTTOM = 360;

    private static final int LEGEND_X = 672;
    private static final int LEGEND_ROW = 20;
    private static final int LEGEND_CHARS = 28;

    private final StringBuilder svg = new StringBuilder(8192);

    /**
     * Starts a chart.
     *
     * @param id the element id (also names the chart in tests)
     * @param title the title shown above the plot
     */
    SvgChart(String id, String title) {
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"").append(escape(id))
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.append("<title>").append(escape(title)).append("</title>\n");
        svg.append("<rect class=\"background\" x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT).append("\" fill=\"#ffffff\"/>\n");
        svg.append("<text class=\"chart-title\" x=\"").append(LEFT).append("\" y=\"24\" font-size=\"15\" font-weight=\"bold\">")
                .append(escape(title)).append("</text>\n");
    }

    /** The markup so far, for the chart's own elements. */
    StringBuilder body() {
        return svg;
    }

    /**
     * Draws the grid, both axes with ticks and labels.
     *
     * @param x the horizontal scale
     * @param y the vertical scale
     * @param xLabel the horizontal axis' label
     * @param yLabel the vertical axis' label
     * @param xTick formats a horizontal tick value
     */
    void axes(LinearScale x, LinearScale y, String xLabel, String yLabel, DoubleFunction<String> xTick) {
        svg.append("<g class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
        for (double t : y.ticks()) {
            String py = coord(y.pixel(t));
            svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(RIGHT).append("\" y1=\"").append(py)
                    .append("\" y2=\"").append(py).append("\"/>\n");
        }
        for (double t : x.ticks()) {
            String px = coord(x.pixel(t));
            svg.append("<line x1=\"").append(px).append("\" x2=\"").append(px).append("\" y1=\"").append(TOP)
                    .append("\" y2=\"").append(BOTTOM).append("\"/>\n");
        }
        svg.append("</g>\n");
        yAxis(y, yLabel);
        xAxisLine(x, xLabel, xTick);
    }

    /**
     * Draws the horizontal axis alone with its vertical grid lines (a timeline's rows are categories).
     *
     * @param x the horizontal scale
     * @param xLabel its label
     * @param xTick formats a tick value
     */
    void xAxis(LinearScale x, String xLabel, DoubleFunction<String> xTick) {
        svg.append("<g class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
        for (double t : x.ticks()) {
            String px = coord(x.pixel(t));
            svg.append("<line x1=\"").append(px).append("\" x2=\"").append(px).append("\" y1=\"").append(TOP)
                    .append("\" y2=\"").append(BOTTOM).append("\"/>\n");
        }
        svg.append("</g>\n");
        xAxisLine(x, xLabel, xTick);
    }

    private void xAxisLine(LinearScale x, String xLabel, DoubleFunction<String> xTick) {
        svg.append("<g class=\"axis x-axis\" font-size=\"11\" fill=\"#333333\">\n");
        svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(RIGHT).append("\" y1=\"").append(BOTTOM)
                .append("\" y2=\"").append(BOTTOM).append("\" stroke=\"#333333\"/>\n");
        for (double t : x.ticks()) {
            String px = coord(x.pixel(t));
            svg.append("<line x1=\"").append(px).append("\" x2=\"").append(px).append("\" y1=\"").append(BOTTOM)
                    .append("\" y2=\"").append(BOTTOM + 5).append("\" stroke=\"#333333\"/>\n");
            svg.append("<text x=\"").append(px).append("\" y=\"").append(BOTTOM + 19)
                    .append("\" text-anchor=\"middle\">").append(escape(xTick.apply(t))).append("</text>\n");
        }
        svg.append("<text class=\"axis-label\" x=\"").append(coord((LEFT + RIGHT) / 2.0)).append("\" y=\"")
                .append(BOTTOM + 44).append("\" text-anchor=\"middle\" font-size=\"12\">").append(escape(xLabel))
                .append("</text>\n</g>\n");
    }

    /**
     * Draws the vertical axis alone (a bar chart's horizontal axis is its value axis and categories go left).
     *
     * @param y the vertical scale
     * @param yLabel its label
     */
    void yAxis(LinearScale y, String yLabel) {
        svg.append("<g class=\"axis y-axis\" font-size=\"11\" fill=\"#333333\">\n");
        svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP)
                .append("\" y2=\"").append(BOTTOM).append("\" stroke=\"#333333\"/>\n");
        for (double t : y.ticks()) {
            String py = coord(y.pixel(t));
            svg.append("<line x1=\"").append(LEFT - 5).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(py)
                    .append("\" y2=\"").append(py).append("\" stroke=\"#333333\"/>\n");
            svg.append("<text x=\"").append(LEFT - 8).append("\" y=\"").append(coord(y.pixel(t) + 4))
                    .append("\" text-anchor=\"end\">").append(escape(Markup.tick(t, y.step()))).append("</text>\n");
        }
        double midY = (TOP + BOTTOM) / 2.0;
        svg.append("<text class=\"axis-label\" x=\"18\" y=\"").append(coord(midY))
                .append("\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 18 ").append(coord(midY))
                .append(")\">").append(escape(yLabel)).append("</text>\n</g>\n");
    }

    /**
     * Draws the legend: a swatch and the name of each variant, long names shortened (the full name in a
     * tooltip).
     *
     * @param variants the names, in series order
     * @param colours their colours
     */
    void legend(List<String> variants, List<String> colours) {
        // Rows shrink when many variants would run past the bottom (the full grid of modules is ~20).
        double row = Math.max(9, Math.min(LEGEND_ROW, (HEIGHT - TOP - 16.0) / Math.max(1, variants.size())));
        double fontSize = Math.min(12, row - 2);
        svg.append("<g class=\"legend\" font-size=\"").append(coord(fontSize)).append("\">\n");
        for (int i = 0; i < variants.size(); i++) {
            String y = coord(TOP + 8 + i * row);
            String swatchY = coord(TOP + 8 + i * row - fontSize * 0.75);
            String swatchH = coord(fontSize * 0.85);
            String name = variants.get(i);
            String shown = name.length() > LEGEND_CHARS ? name.substring(0, LEGEND_CHARS - 1) + "\u2026" : name;
            svg.append("<g class=\"legend-item\" data-variant=\"").append(escape(name)).append("\"><title>")
                    .append(escape(name)).append("</title>");
            svg.append("<rect x=\"").append(LEGEND_X).append("\" y=\"").append(swatchY).append("\" width=\"14\" height=\"")
                    .append(swatchH).append("\" fill=\"")
                    .append(colours.get(i)).append("\"/>");
            svg.append("<text x=\"").append(LEGEND_X + 20).append("\" y=\"").append(y).append("\">").append(escape(shown))
                    .append("</text></g>\n");
        }
        svg.append("</g>\n");
    }

    /**
     * Writes a note in the plot area (e.g. that there is nothing to plot).
     *
     * @param text the note
     */
    void note(String text) {
        svg.append("<text class=\"note\" x=\"").append(coord((LEFT + RIGHT) / 2.0)).append("\" y=\"")
                .append(coord((TOP + BOTTOM) / 2.0)).append("\" text-anchor=\"middle\" fill=\"#777777\">")
                .append(escape(text)).append("</text>\n");
    }

    /**
     * Opens one variant's series group.
     *
     * @param variant the variant
     * @param colour its colour
     */
    void openSeries(String variant, String colour) {
        svg.append("<g class=\"series\" data-variant=\"").append(escape(variant)).append("\" fill=\"").append(colour)
                .append("\" stroke=\"").append(colour).append("\">\n");
    }

    /** Closes a series group. */
    void closeSeries() {
        svg.append("</g>\n");
    }

    /**
     * Ends the chart.
     *
     * @return the SVG markup
     */
    String close() {
        svg.append("</svg>\n");
        return svg.toString();
    }
}
