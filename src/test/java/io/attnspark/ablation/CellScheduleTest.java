package io.attnspark.ablation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** LPT list scheduling of cells on synthetic durations: order, packing, bounds, caps and wide cells. */
class CellScheduleTest {

    private static List<CellSchedule.Cell> cells(double... seconds) {
        List<CellSchedule.Cell> cells = new ArrayList<>();
        for (int i = 0; i < seconds.length; i++) {
            cells.add(new CellSchedule.Cell(i, seconds[i], 1));
        }
        return cells;
    }

    private static List<Integer> indices(List<CellSchedule.Placement> placements) {
        return placements.stream().map(p -> p.cell().index()).toList();
    }

    @Test
    void longestFirstKeepsPlanOrderAmongEqualCells() {
        List<CellSchedule.Cell> ordered = CellSchedule.longestFirst(cells(3, 9, 3, 5, 9));
        assertEquals(List.of(1, 4, 3, 0, 2), ordered.stream().map(CellSchedule.Cell::index).toList());
    }

    @Test
    void equalCellsRunInWavesOfTheSlotsTheyFill() {
        CellSchedule.Timeline t = CellSchedule.simulate(cells(10, 10, 10, 10, 10, 10, 10), 3, Integer.MAX_VALUE);
        assertEquals(30, t.makespan(), 1e-9, "7 cells on 3 slots: 3 waves");
        assertEquals(3, t.waves().size());
        assertEquals(List.of(0, 1, 2), indices(t.waves().get(0)));
        assertEquals(70.0 / 90.0, t.utilisation(), 1e-9);
    }

    @Test
    void longestFirstPacksBetterThanPlanOrder() {
        // Plan order on 2 slots: 1,1,1,1 | 4 -> 2 + 4 = 6; longest first: 4 | 1,1,1,1 -> 4 = total / slots.
        CellSchedule.Timeline t = CellSchedule.simulate(cells(1, 1, 1, 1, 4), 2, Integer.MAX_VALUE);
        assertEquals(4, t.makespan(), 1e-9);
        assertEquals(1.0, t.utilisation(), 1e-9);
        CellSchedule.Timeline planOrder = CellSchedule.simulate(List.of(), cells(1, 1, 1, 1, 4), 2, Integer.MAX_VALUE);
        assertEquals(6, planOrder.makespan(), 1e-9);
    }

    @Test
    void makespanStaysWithinGrahamsBoundsOfTotalOverSlots() {
        Random random = new Random(14);
        for (int trial = 0; trial < 500; trial++) {
            int slots = 1 + random.nextInt(64);
            double[] seconds = new double[1 + random.nextInt(200)];
            double total = 0;
            double longest = 0;
            for (int i = 0; i < seconds.length; i++) {
                // Ablation-like: most cells near the baseline, a few attention modules several times slower.
                seconds[i] = random.nextDouble() < 0.2 ? 2 + 6 * random.nextDouble() : 0.8 + 0.6 * random.nextDouble();
                total += seconds[i];
                longest = Math.max(longest, seconds[i]);
            }
            CellSchedule.Timeline t = CellSchedule.simulate(cells(seconds), slots, Integer.MAX_VALUE);
            double lowerBound = Math.max(total / slots, longest); // no schedule beats this
            String where = "trial " + trial + ": " + seconds.length + " cells on " + slots + " slots";
            assertTrue(t.makespan() >= lowerBound - 1e-9, where);
            assertTrue(t.makespan() <= total / slots + (1 - 1.0 / slots) * longest + 1e-9,
                    where + ": Graham's list-scheduling bound");
            assertEquals(total, t.busySlotSeconds(), 1e-6, where + ": every cell placed once");
            if (seconds.length >= 20 * slots) {
                assertTrue(t.makespan() <= 1.1 * total / slots, where + ": many cells approach total / slots");
            }
        }
    }

    @Test
    void aCapLimitsTheCellsRunningAtOnce() {
        CellSchedule.Timeline t = CellSchedule.simulate(cells(5, 5, 5, 5), 4, 2);
        assertEquals(10, t.makespan(), 1e-9);
        assertEquals(2, t.waves().get(0).size());
        CellSchedule.Timeline one = CellSchedule.simulate(cells(5, 5, 5, 5), 4, 1);
        assertEquals(20, one.makespan(), 1e-9, "one at a time");
    }

    @Test
    void wideCellsTakeTheirSlotsAndNarrowOnesFillTheGaps() {
        List<CellSchedule.Cell> cells = List.of(new CellSchedule.Cell(0, 10, 3), new CellSchedule.Cell(1, 8, 3),
                new CellSchedule.Cell(2, 4, 1), new CellSchedule.Cell(3, 4, 1));
        CellSchedule.Timeline t = CellSchedule.simulate(cells, 4, Integer.MAX_VALUE);
        // 0 (3 slots) and 2 (1 slot) start; 2 ends at 4, 3 takes its slot; 1 waits for 0's 3 slots.
        assertEquals(List.of(0, 2, 3, 1), indices(t.placements()));
        assertEquals(18, t.makespan(), 1e-9);
        CellSchedule.Timeline tooWide = CellSchedule.simulate(List.of(new CellSchedule.Cell(0, 7, 64)), 4, 3);
        assertEquals(7, tooWide.makespan(), 1e-9, "a cell wider than the cluster still runs, alone");
        assertEquals(1.0, tooWide.utilisation(), 1e-9);
    }

    @Test
    void runningCellsKeepTheirSlotsUntilTheyEnd() {
        CellSchedule.Timeline t = CellSchedule.simulate(List.of(new CellSchedule.Cell(0, 3, 1)), cells(6, 6), 2,
                Integer.MAX_VALUE);
        assertEquals(9, t.makespan(), 1e-9, "the second queued cell waits for the running one");
        assertEquals(-1, CellSchedule.pick(cells(1), 0, 2, 5));
        assertEquals(0, CellSchedule.pick(cells(1), -3, 0, 5), "nothing runs: start even if it does not fit");
    }
}
