package io.attnspark.report;

import static io.attnspark.report.Markup.coord;
import static io.attnspark.report.Markup.escape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The grid's timeline: one row per cell and a bar from its start to its end on wall time since the first
 * cell started, coloured by variant; a failed cell's bar is pale with a dashed outline. Shows how cells ran
 * side by side and where the cluster sat idle. Bars are grouped into one series per variant, like the other
 * charts, and each has a tooltip with the cell, its times and its executors.
 */
public final class TimelineChart {

    /** Rows shorter than this many pixels get no label (the tooltip still names the cell). */
    private static final double LABELLED_ROW = 9;
    /** Characters of a variant's name that fit left of the plot beside the seed. */
    private static final int LABEL_CHARS = 7;

    /**
     * One cell's bar.
     *
     * @param variant the variant, which names the series
     * @param seed the cell's seed
     * @param colour the variant's colour
     * @param startSeconds when the cell started, seconds since the first cell started (finite, at least 0)
     * @param endSeconds when it ended, at least {@code startSeconds}
     * @param failed whether the cell failed
     * @param executors executors the cell ran on, 0 when unknown
     */
    public record Span(String variant, long seed, String colour, double startSeconds, double endSeconds,
            boolean failed, int executors) {

        /** Rejects spans that cannot be drawn. */
        public Span {
            if (!Double.isFinite(startSeconds) || !Double.isFinite(endSeconds) || startSeconds < 0
                    || endSeconds < startSeconds) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "cell '%s' seed %d must start at a finite time >= 0 and end no earlier, got %s to %s", variant, seed,
                        startSeconds, endSeconds));
            }
        }
    }

    /** The time unit of the axis: whole-number ticks in the unit that suits the grid's length. */
    private record Unit(String name, double seconds) {
        static Unit fitting(double spanSeconds) {
            return spanSeconds > 3 * 3600 ? new Unit("h", 3600) : spanSeconds > 180 ? new Unit("min", 60)
                    : new Unit("s", 1);
        }
    }

    private TimelineChart() {}

    /**
     * Draws the chart.
     *
     * @param id the SVG element's id
     * @param title the title
     * @param spans one per cell, top to bottom
     * @return the SVG markup
     */
    public static String render(String id, String title, List<Span> spans) {
        double end = spans.stream().mapToDouble(Span::endSeconds).max().orElse(0);
        Unit unit = Unit.fitting(end);
        LinearScale x = LinearScale.fit(new double[] {0, end / unit.seconds()}, 0, Double.POSITIVE_INFINITY,
                SvgChart.LEFT, SvgChart.RIGHT);
        SvgChart chart = new SvgChart(id, title);
        chart.xAxis(x, "wall time since the first cell started (" + unit.name() + ")", t -> Markup.tick(t, x.step()));
        StringBuilder svg = chart.body();
        if (spans.isEmpty()) {
            chart.note("no cell with start and end times");
        }
        double row = (SvgChart.BOTTOM - SvgChart.TOP) / (double) Math.max(1, spans.size());
        double height = Math.max(1, row * 0.75);
        if (row >= LABELLED_ROW) {
            labels(svg, spans, row);
        }
        Map<String, List<Integer>> byVariant = new LinkedHashMap<>();
        for (int i = 0; i < spans.size(); i++) {
            byVariant.computeIfAbsent(spans.get(i).variant(), v -> new ArrayList<>()).add(i);
        }
        List<String> colours = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byVariant.entrySet()) {
            String colour = spans.get(e.getValue().get(0)).colour();
            colours.add(colour);
            chart.openSeries(e.getKey(), colour);
            for (int i : e.getValue()) {
                Span s = spans.get(i);
                double left = x.pixel(s.startSeconds() / unit.seconds());
                // A cell of a few seconds in an hour-long grid still shows as a sliver.
                double width = Math.max(1, x.pixel(s.endSeconds() / unit.seconds()) - left);
                svg.append("<rect class=\"").append(s.failed() ? "bar failed" : "bar").append("\" x=\"")
                        .append(coord(left)).append("\" y=\"").append(coord(SvgChart.TOP + i * row + (row - height) / 2))
                        .append("\" width=\"").append(coord(width)).append("\" height=\"").append(coord(height))
                        .append(s.failed() ? "\" fill-opacity=\"0.35\" stroke-dasharray=\"3 2\"" : "\" stroke=\"none\"")
                        .append("><title>").append(escape(tooltip(s))).append("</title></rect>\n");
            }
            chart.closeSeries();
        }
        chart.legend(List.copyOf(byVariant.keySet()), colours);
        return chart.close();
    }

    private static void labels(StringBuilder svg, List<Span> spans, double row) {
        double fontSize = Math.min(11, row - 1);
        svg.append("<g class=\"row-labels\" font-size=\"").append(coord(fontSize)).append("\" fill=\"#333333\">\n");
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            String name = s.variant().length() > LABEL_CHARS
                    ? s.variant().substring(0, LABEL_CHARS - 1) + "\u2026" : s.variant();
            String shown = name + " s" + s.seed();
            svg.append("<text x=\"").append(SvgChart.LEFT - 6).append("\" y=\"")
                    .append(coord(SvgChart.TOP + (i + 0.5) * row + fontSize * 0.35))
                    .append("\" text-anchor=\"end\"><title>").append(escape(name(s))).append("</title>")
                    .append(escape(shown)).append("</text>\n");
        }
        svg.append("</g>\n");
    }

    private static String name(Span s) {
        return s.variant() + " seed " + s.seed();
    }

    private static String tooltip(Span s) {
        return String.format(Locale.ROOT, "%s: %s to %s (%s)%s%s", name(s), clock(s.startSeconds()),
                clock(s.endSeconds()), clock(s.endSeconds() - s.startSeconds()),
                s.executors() > 0 ? String.format(Locale.ROOT, ", %d executor%s", s.executors(),
                        s.executors() == 1 ? "" : "s") : "",
                s.failed() ? ", failed" : "");
    }

    /** Seconds as h:mm:ss. */
    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
