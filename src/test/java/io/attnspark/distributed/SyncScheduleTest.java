package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyncScheduleTest {

    @Test
    void warmupRoundsTakeOneStepThenKSteps() {
        SyncSchedule s = new SyncSchedule(10, 3, 0, 2);
        assertEquals(0, s.firstStep(0));
        assertEquals(2, s.firstStep(2));
        assertEquals(3, s.firstStep(3));
        assertEquals(13, s.firstStep(4));
        assertEquals(3 + 5, s.rounds(50)); // 3 warm-up rounds + ceil(47 / 10)
        assertEquals(50, s.endStep(7, 50));
        assertEquals(2, s.rounds(2));
    }

    @Test
    void invalidSettingsNameTheirKey() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SyncSchedule(0, 0, 0, 1))
                .getMessage().contains("sync.every"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SyncSchedule(1, 0, 1.0, 1))
                .getMessage().contains("sync.server-momentum"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SyncSchedule(1, -1, 0, 1))
                .getMessage().contains("sync.warmup-rounds"));
    }

    /** The same counts as Spark 4.2's RDD.treeAggregate (worked through its loop by hand). */
    @Test
    void driverResultsFollowSparksTreeAggregate() {
        SyncSchedule depth2 = SyncSchedule.every(10, 2);
        assertEquals(2, depth2.driverResults(2));
        assertEquals(2, depth2.driverResults(8));   // scale 3: 8 > 3 + 3 -> 8 / 3 = 2
        assertEquals(4, depth2.driverResults(16));  // scale 4: 16 > 4 + 4 -> 4
        assertEquals(5, depth2.driverResults(32));  // scale 6: 32 > 6 + 6 -> 5; 5 > 6 + 1 no
        assertEquals(16, depth2.driverResults(256));
        assertEquals(5, SyncSchedule.every(10, 3).driverResults(256)); // scale 7: 256 -> 36 -> 5
        assertEquals(64, SyncSchedule.every(10, 1).driverResults(64)); // scale 64: no level
    }
}
