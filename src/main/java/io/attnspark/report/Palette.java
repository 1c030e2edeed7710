package io.attnspark.report;

/**
 * The fixed series colours, in order: Okabe and Ito's colour-blind-safe palette (black replaced by a grey)
 * followed by further distinct colours; beyond those they repeat. A variant keeps its colour in every chart
 * because colours are given by its position in the report's variant list.
 */
public final class Palette {

    private static final String[] COLOURS = {
        "#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#666666",
        "#8c564b", "#17becf", "#bcbd22", "#7f3c8d", "#11a579", "#3969ac", "#f2b701", "#e73f74",
        "#80ba5a", "#e68310", "#008695", "#cf1c90", "#4b4b8f", "#a5aa99",
    };

    private Palette() {}

    /**
     * The colour of the i-th series.
     *
     * @param i the series' index (from 0)
     * @return a CSS colour, {@code #rrggbb}
     */
    public static String colour(int i) {
        if (i < 0) {
            throw new IllegalArgumentException("a series index is >= 0, got " + i);
        }
        return COLOURS[i % COLOURS.length];
    }

    /**
     * How many distinct colours there are before they repeat.
     *
     * @return the count
     */
    public static int size() {
        return COLOURS.length;
    }
}
