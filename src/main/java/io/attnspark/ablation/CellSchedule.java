package io.attnspark.ablation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which cells of an ablation run together: list scheduling, longest processing time first (Graham's LPT),
 * on the cluster's task slots. A cell takes as many slots as it has replicas; whenever cells end, the
 * longest queued cells that fit in the free slots start, up to a cap on the cells running at once; a cell
 * wider than the whole cluster still starts when nothing else runs (Spark queues its tasks). With equal
 * widths the makespan is at most {@code total / m + longest} and at most 4/3 of the optimum. The job
 * ({@link AblationRunner}) and the dry run's estimate use the same rule ({@link #pick}).
 */
public final class CellSchedule {

    private CellSchedule() {}

    /**
     * A cell to place.
     *
     * @param index its position in the plan
     * @param seconds its estimated duration (any unit proportional to time will do for ordering)
     * @param slots the task slots it takes: its replicas
     */
    public record Cell(int index, double seconds, int slots) {}

    /**
     * A placed cell.
     *
     * @param cell the cell
     * @param start when it starts
     * @param end when it ends
     */
    public record Placement(Cell cell, double start, double end) {}

    /**
     * A simulated run of the cells.
     *
     * @param placements every cell in the order they start
     * @param slots the cluster's task slots
     * @param makespan when the last cell ends
     */
    public record Timeline(List<Placement> placements, int slots, double makespan) {

        /**
         * Returns the slot-seconds the cells keep busy (a cell wider than the cluster counts the whole cluster).
         *
         * @return busy slot-seconds
         */
        public double busySlotSeconds() {
            return placements.stream()
                    .mapToDouble(p -> (p.end() - p.start()) * Math.min(slots, p.cell().slots()))
                    .sum();
        }

        /**
         * Returns the share of the slots' time the cells keep busy.
         *
         * @return busy slot-seconds / (slots x makespan), 0 for an empty timeline
         */
        public double utilisation() {
            return makespan > 0 ? busySlotSeconds() / (slots * makespan) : 0;
        }

        /**
         * Cuts the start order into waves the size of the first one (the cells that start together at
         * time 0): which cells run side by side.
         *
         * @return the waves, each in start order
         */
        public List<List<Placement>> waves() {
            int size = (int) Math.max(1, placements.stream().filter(p -> p.start() == 0).count());
            List<List<Placement>> waves = new ArrayList<>();
            for (int i = 0; i < placements.size(); i += size) {
                waves.add(placements.subList(i, Math.min(placements.size(), i + size)));
            }
            return waves;
        }
    }

    /**
     * Orders cells longest first; cells of equal length keep their plan order.
     *
     * @param cells the cells
     * @return a new list, longest first
     */
    public static List<Cell> longestFirst(List<Cell> cells) {
        List<Cell> ordered = new ArrayList<>(cells);
        ordered.sort(Comparator.comparingDouble(Cell::seconds).reversed().thenComparingInt(Cell::index));
        return ordered;
    }

    /**
     * Chooses the next queued cell to start: the first that fits in the free slots while fewer than
     * {@code maxRunning} cells run, or the first of the queue when nothing runs.
     *
     * @param queue the queued cells, in the order they should start
     * @param freeSlots task slots not taken by running cells (may be negative)
     * @param running cells running now
     * @param maxRunning the cap on cells running at once, at least 1
     * @return the position in {@code queue} of the cell to start, or -1 to wait for a running cell to end
     */
    public static int pick(List<Cell> queue, int freeSlots, int running, int maxRunning) {
        if (queue.isEmpty()) {
            return -1;
        }
        if (running == 0) {
            return 0;
        }
        if (running >= maxRunning) {
            return -1;
        }
        for (int i = 0; i < queue.size(); i++) {
            if (queue.get(i).slots() <= freeSlots) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Simulates the schedule of cells that all start queued, longest first.
     *
     * @param cells the cells
     * @param slots the cluster's task slots, at least 1
     * @param maxRunning the cap on cells running at once, at least 1
     * @return the timeline
     */
    public static Timeline simulate(List<Cell> cells, int slots, int maxRunning) {
        return simulate(List.of(), longestFirst(cells), slots, maxRunning);
    }

    /**
     * Simulates the rest of a schedule: cells already running (with their remaining time) from time 0,
     * then the queued ones in the given order.
     *
     * @param running cells running now, {@code seconds} being what is left of them
     * @param queued cells not started, in the order they should start
     * @param slots the cluster's task slots, at least 1
     * @param maxRunning the cap on cells running at once, at least 1
     * @return the timeline (running cells first)
     */
    public static Timeline simulate(List<Cell> running, List<Cell> queued, int slots, int maxRunning) {
        if (slots < 1 || maxRunning < 1) {
            throw new IllegalArgumentException("slots and maxRunning must be at least 1, got " + slots + " and "
                    + maxRunning);
        }
        List<Placement> placements = new ArrayList<>();
        List<Placement> busy = new ArrayList<>();
        for (Cell c : running) {
            Placement p = new Placement(c, 0, c.seconds());
            placements.add(p);
            busy.add(p);
        }
        List<Cell> queue = new ArrayList<>(queued);
        double now = 0;
        double makespan = busy.stream().mapToDouble(Placement::end).max().orElse(0);
        while (!queue.isEmpty()) {
            int used = busy.stream().mapToInt(p -> p.cell().slots()).sum();
            int next = pick(queue, slots - used, busy.size(), maxRunning);
            if (next >= 0) {
                Cell c = queue.remove(next);
                Placement p = new Placement(c, now, now + c.seconds());
                placements.add(p);
                busy.add(p);
                makespan = Math.max(makespan, p.end());
                continue;
            }
            now = busy.stream().mapToDouble(Placement::end).min().orElseThrow();
            double t = now;
            busy.removeIf(p -> p.end() <= t);
        }
        return new Timeline(List.copyOf(placements), slots, makespan);
    }
}
