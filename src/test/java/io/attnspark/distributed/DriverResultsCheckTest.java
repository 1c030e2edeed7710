package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.data.BadInputException;
import org.junit.jupiter.api.Test;

/** A round whose results would exceed spark.driver.maxResultSize fails before it starts, naming the settings. */
class DriverResultsCheckTest {

    private static final long GIB = 1L << 30;
    private static final long RESNET50_STATE = 204_500_000L;

    @Test
    void resnet50OnSixtyFourExecutorsNeedsMoreThanTheDefault() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> TrainJob.checkDriverResults(GIB, RESNET50_STATE, SyncSchedule.every(10, 2), 64));
        assertTrue(e.getMessage().contains("8 partial averages of 204.5 MB")
                && e.getMessage().contains("spark.driver.maxResultSize = 1024 MB")
                && e.getMessage().contains("sync.tree-depth (now 2)"), e.getMessage());
    }

    @Test
    void deeperTreesLargerLimitsSmallModelsAndNoLimitPass() {
        assertDoesNotThrow(() -> TrainJob.checkDriverResults(GIB, RESNET50_STATE, SyncSchedule.every(10, 3), 64));
        assertDoesNotThrow(() -> TrainJob.checkDriverResults(4 * GIB, RESNET50_STATE, SyncSchedule.every(10, 2), 64));
        assertDoesNotThrow(() -> TrainJob.checkDriverResults(GIB, 2_200_000L, SyncSchedule.every(10, 2), 256));
        assertDoesNotThrow(() -> TrainJob.checkDriverResults(0, RESNET50_STATE, SyncSchedule.every(10, 2), 256));
    }
}
