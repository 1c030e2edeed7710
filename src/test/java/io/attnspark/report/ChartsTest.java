package io.attnspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The SVG charts as strings: one series per variant, escaped names, finite coordinates, odd inputs. */
class ChartsTest {

    private static final Pattern SERIES = Pattern.compile("<g class=\"series\" data-variant=\"([^\"]*)\"");
    private static final Pattern NUMBER_ATTRIBUTE = Pattern.compile(" (?:x|y|x1|x2|y1|y2|cx|cy|width|height)=\"([^\"]*)\"");

    static List<String> series(String svg) {
        List<String> names = new ArrayList<>();
        Matcher m = SERIES.matcher(svg);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static void assertWellFormedNumbers(String svg) {
        assertFalse(svg.contains("NaN") || svg.contains("Infinity"), "no NaN or infinity reaches the SVG");
        Matcher m = NUMBER_ATTRIBUTE.matcher(svg);
        while (m.find()) {
            Double.parseDouble(m.group(1)); // throws on anything but a plain number
        }
    }

    @Test
    void scatterHasOneSeriesPerVariantWithErrorBarsWhereThereIsASpread() {
        String svg = ScatterChart.render("acc", "Accuracy", "overhead", "top-1 (%)", List.of(
                new ScatterChart.Point("baseline", "#0072b2", 0, 91.2, 0.3, 2),
                new ScatterChart.Point("se", "#e69f00", 5.2, 91.8, Double.NaN, 1),
                new ScatterChart.Point("<b>&", "#009e73", 12, 90.1, 0.1, 3)));
        assertEquals(List.of("baseline", "se", "&lt;b&gt;&amp;"), series(svg));
        assertEquals(2, svg.split("class=\"error-bar\"", -1).length - 1, "no error bar for a single run (NaN std)");
        assertEquals(3, svg.split("<circle", -1).length - 1);
        assertFalse(svg.contains("<b>"), "names are escaped");
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"acc\""));
        assertTrue(svg.contains("+5%") || svg.contains("+4%") || svg.contains("+6%"), "overhead ticks are signed percentages");
        assertWellFormedNumbers(svg);
    }

    @Test
    void scatterSpreadsPointsThatShareAnXValue() {
        String svg = ScatterChart.render("acc", "t", "x", "y", List.of(
                new ScatterChart.Point("baseline a=1", "#0072b2", 0, 90, Double.NaN, 1),
                new ScatterChart.Point("baseline a=2", "#e69f00", 0, 90, Double.NaN, 1),
                new ScatterChart.Point("se", "#009e73", 3, 91, Double.NaN, 1)));
        Matcher m = Pattern.compile("<circle class=\"point\" cx=\"([^\"]*)\"").matcher(svg);
        List<Double> cx = new ArrayList<>();
        while (m.find()) {
            cx.add(Double.parseDouble(m.group(1)));
        }
        assertEquals(3, cx.size());
        assertTrue(Math.abs(cx.get(0) - cx.get(1)) >= 8, "equal points are side by side: " + cx);
    }

    @Test
    void scatterWithOneVariantOrNoneStillDraws() {
        String one = ScatterChart.render("acc", "t", "x", "y", List.of(new ScatterChart.Point("baseline", "#0072b2", 0, 90, 0, 1)));
        assertEquals(List.of("baseline"), series(one));
        assertWellFormedNumbers(one);
        String none = ScatterChart.render("acc", "t", "x", "y", List.of());
        assertTrue(series(none).isEmpty());
        assertTrue(none.contains("no variant to plot"));
        assertWellFormedNumbers(none);
        assertThrows(IllegalArgumentException.class, () -> new ScatterChart.Point("v", "#000000", Double.NaN, 1, 0, 1));
    }

    @Test
    void lineChartHasAPolylineAndPointsPerVariant() {
        String svg = LineChart.render("curves", "Curves", "epoch", "top-1 (%)", 0, 100, List.of(
                new LineChart.Series("baseline", "#0072b2", new double[] {1, 2, 3}, new double[] {80, 85, 88}),
                new LineChart.Series("se", "#e69f00", new double[] {1, 2, 3}, new double[] {81, Double.NaN, 89})));
        assertEquals(List.of("baseline", "se"), series(svg));
        assertEquals(2, svg.split("<polyline", -1).length - 1);
        assertEquals(5, svg.split("<circle", -1).length - 1, "a NaN value is left out, not drawn at 0");
        assertWellFormedNumbers(svg);
    }

    @Test
    void lineChartWithOneEpochAndEqualValues() {
        String svg = LineChart.render("curves", "Curves", "epoch", "top-1 (%)", 0, 100, List.of(
                new LineChart.Series("baseline", "#0072b2", new double[] {1}, new double[] {90}),
                new LineChart.Series("se", "#e69f00", new double[] {1}, new double[] {90})));
        assertEquals(List.of("baseline", "se"), series(svg));
        assertEquals(2, svg.split("<circle", -1).length - 1);
        assertWellFormedNumbers(svg);
        assertThrows(IllegalArgumentException.class,
                () -> new LineChart.Series("v", "#000000", new double[] {1, 2}, new double[] {1}));
    }

    @Test
    void barChartHasOneBarPerVariant() {
        String svg = BarChart.render("speed", "Throughput", "images / s", List.of(
                new BarChart.Bar("baseline", "#0072b2", 900), new BarChart.Bar("se", "#e69f00", 850)));
        assertEquals(List.of("baseline", "se"), series(svg));
        assertEquals(2, svg.split("class=\"bar\"", -1).length - 1);
        assertWellFormedNumbers(svg);
        assertWellFormedNumbers(BarChart.render("speed", "t", "y", List.of(new BarChart.Bar("zero", "#000000", 0))));
    }

    @Test
    void timelineHasABarPerCellInItsRowGroupedByVariant() {
        String svg = TimelineChart.render("timeline", "Cells", List.of(
                new TimelineChart.Span("baseline", 1, "#0072b2", 0, 50, false, 2),
                new TimelineChart.Span("se <r8> wide", 1, "#e69f00", 10, 70, false, 0),
                new TimelineChart.Span("baseline", 2, "#0072b2", 50, 100, true, 1)));
        assertEquals(List.of("baseline", "se &lt;r8&gt; wide"), series(svg));
        Matcher m = Pattern.compile("<rect class=\"(bar(?: failed)?)\" x=\"([^\"]*)\" y=\"([^\"]*)\" width=\"([^\"]*)\"")
                .matcher(svg);
        List<double[]> bars = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        while (m.find()) {
            classes.add(m.group(1));
            bars.add(new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                Double.parseDouble(m.group(4))});
        }
        assertEquals(List.of("bar", "bar failed", "bar"), classes, "grouped by variant; the failed cell marked");
        // Rows in the given order: baseline 1, se 1, baseline 2; x from 0 s, the 100 s grid in seconds.
        double[] base1 = bars.get(0);
        double[] base2 = bars.get(1);
        double[] se1 = bars.get(2);
        assertTrue(base1[1] < se1[1] && se1[1] < base2[1], "one row per cell, top to bottom");
        assertEquals(base1[0] + base1[2], base2[0], 0.02, "the second cell starts where the first ended");
        assertEquals(base1[2], base2[2], 0.02, "equal durations, equal widths");
        assertEquals(SvgChart.LEFT, base1[0], 0.02, "the first start is at the left of the plot");
        assertTrue(svg.contains("(s)</text>"), "a 100 s grid is in seconds");
        assertTrue(svg.contains("baseline seed 1: 0:00:00 to 0:00:50 (0:00:50), 2 executors"));
        assertTrue(svg.contains("baseline seed 2: 0:00:50 to 0:01:40 (0:00:50), 1 executor, failed"));
        assertTrue(svg.contains(">se &lt;r8… s1</text>"), "row labels keep the seed, names shortened");
        assertFalse(svg.contains("<r8>"), "names are escaped");
        assertWellFormedNumbers(svg);
    }

    @Test
    void timelineOfLongGridsIsInHoursAndEmptyOnesSayWhy() {
        String hours = TimelineChart.render("t", "Cells", List.of(new TimelineChart.Span("a", 1, "#0072b2", 0, 5 * 3600, false, 0),
                new TimelineChart.Span("a", 2, "#0072b2", 0, 0, false, 0)));
        assertTrue(hours.contains("(h)</text>"));
        assertEquals(2, hours.split("class=\"bar\"", -1).length - 1, "a zero-length cell still shows");
        assertWellFormedNumbers(hours);
        String none = TimelineChart.render("t", "Cells", List.of());
        assertTrue(none.contains("no cell with start and end times"));
        assertWellFormedNumbers(none);
        assertThrows(IllegalArgumentException.class, () -> new TimelineChart.Span("a", 1, "#000000", 5, 4, false, 0));
    }

    @Test
    void paletteRepeatsAfterItsColours() {
        assertEquals(Palette.colour(0), Palette.colour(Palette.size()));
        assertTrue(Palette.colour(1).matches("#[0-9a-f]{6}"));
        assertThrows(IllegalArgumentException.class, () -> Palette.colour(-1));
    }
}
