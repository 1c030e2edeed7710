package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void warmsUpLinearlyThenFollowsTheCosine() {
        LearningRateSchedule s = new LearningRateSchedule(0.1, 10, 110, 0.0);
        assertEquals(0.01, s.rate(0), 1e-12);
        assertEquals(0.05, s.rate(4), 1e-12);
        assertEquals(0.1, s.rate(10), 1e-12);
        assertEquals(0.05, s.rate(60), 1e-12); // half way through the cosine
        assertEquals(0.0, s.rate(110), 1e-12);
        for (long step = 11; step < 110; step++) {
            assertTrue(s.rate(step) < s.rate(step - 1), "decreasing at " + step);
        }
    }

    @Test
    void rejectsWarmupAsLongAsTheRun() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(0.1, 50, 50, 0));
        assertTrue(e.getMessage().contains("warm-up"), e.getMessage());
    }
}
