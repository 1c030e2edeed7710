package io.attnspark.ablation;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The ablation's console while cells run side by side: one whole line per cell event (started, epoch
 * finished, finished, failed), prefixed with the cell, and a one-line overview of the grid. Lines from
 * the cells' driver threads take turns, so none is cut into by another.
 */
public final class CellProgress {

    private final PrintStream out;

    /**
     * Creates the console.
     *
     * @param out where the lines go
     */
    public CellProgress(PrintStream out) {
        this.out = out;
    }

    /**
     * Prints one line about a cell.
     *
     * @param cell the cell's label, e.g. {@code cell 3/10 se seed 1}
     * @param text what happened
     */
    public synchronized void cell(String cell, String text) {
        out.println(cell + ": " + text);
        out.flush();
    }

    /**
     * Prints the overview line, e.g. {@code cells 7/51 done, 4 running, ETA 1h12m}.
     *
     * @param done cells finished, failed or skipped
     * @param total cells in the plan
     * @param running cells running now
     * @param etaSeconds estimated time until the last cell ends, NaN when not known yet
     */
    public synchronized void overview(int done, int total, int running, double etaSeconds) {
        out.println(String.format(Locale.ROOT, "cells %d/%d done, %d running, ETA %s", done, total, running,
                Double.isFinite(etaSeconds) ? duration(etaSeconds) : "-"));
        out.flush();
    }

    /**
     * Formats seconds as {@code 1h12m} or {@code 4m05s}.
     *
     * @param seconds a duration
     * @return the text
     */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
