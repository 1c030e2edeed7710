package io.attnspark.ablation;

import java.util.Locale;

/**
 * How many cells of an ablation may run at once ({@code ablation.parallel-cells}): {@code auto}, as many as
 * the cluster's task slots hold side by side, or at most a given number (never more than fit). One runs
 * the cells one after another in plan order.
 *
 * @param auto whether the cluster's slots alone decide
 * @param cap the most cells at once when not {@code auto}, at least 1
 */
public record ParallelCells(boolean auto, int cap) {

    /** The config value of {@link #auto()}. */
    public static final String AUTO = "auto";

    /**
     * Checks the cap.
     *
     * @param auto whether the cluster's slots alone decide
     * @param cap the most cells at once when not {@code auto}
     */
    public ParallelCells {
        if (!auto && cap < 1) {
            throw new IllegalArgumentException("parallel cells must be at least 1, got " + cap);
        }
    }

    /**
     * Returns {@code auto}.
     *
     * @return as many cells as fit
     */
    public static ParallelCells fitting() {
        return new ParallelCells(true, Integer.MAX_VALUE);
    }

    /**
     * Returns a cap.
     *
     * @param cells the most cells at once, at least 1
     * @return at most that many cells, as far as they fit
     */
    public static ParallelCells atMost(int cells) {
        return new ParallelCells(false, cells);
    }

    /**
     * Returns the cap on cells running at once.
     *
     * @return the cap, {@link Integer#MAX_VALUE} for {@code auto}
     */
    public int maxRunning() {
        return auto ? Integer.MAX_VALUE : cap;
    }

    /**
     * Returns whether the cells run one at a time, in plan order (as before cells ran side by side).
     *
     * @return true for a cap of 1
     */
    public boolean oneAtATime() {
        return !auto && cap == 1;
    }

    /**
     * Returns how many cells of a width run at once on a cluster.
     *
     * @param taskSlots the cluster's task slots
     * @param slotsPerCell the task slots one cell takes (its replicas)
     * @return at least 1
     */
    public int cellsAtOnce(int taskSlots, int slotsPerCell) {
        return Math.max(1, Math.min(maxRunning(), taskSlots / Math.max(1, slotsPerCell)));
    }

    @Override
    public String toString() {
        return auto ? AUTO : String.format(Locale.ROOT, "%d", cap);
    }
}
