package io.attnspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LinearScaleTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    private static void assertShows(LinearScale s, double... values) {
        for (double v : values) {
            assertTrue(s.domainFrom() < v && v < s.domainTo(),
                    v + " inside, not on the frame: [" + s.domainFrom() + ", " + s.domainTo() + "]");
        }
    }

    @Test
    void padsTheDataWithTicksInside() {
        LinearScale s = LinearScale.fit(new double[] {89.3, 91.3, 90.3}, 0, 100, 360, 44);
        assertShows(s, 89.3, 91.3);
        assertEquals(89.2, s.domainFrom(), 1e-9, "5% of the range below");
        assertEquals(91.4, s.domainTo(), 1e-9, "and above");
        assertEquals(List.of(89.5, 90.0, 90.5, 91.0), s.ticks());
        assertEquals(0.5, s.step(), 1e-12);
        assertEquals(360, s.pixel(s.domainFrom()), 1e-9, "low end at the bottom");
        assertEquals(44, s.pixel(s.domainTo()), 1e-9, "high end at the top");
        assertEquals(202, s.pixel((s.domainFrom() + s.domainTo()) / 2), 1e-9);
    }

    @Test
    void doesNotWasteASideOnWholeTicks() {
        LinearScale s = LinearScale.fit(new double[] {0, 47.5}, Double.NEGATIVE_INFINITY, INF, 72, 650);
        assertEquals(-2.375, s.domainFrom(), 1e-9);
        assertEquals(List.of(0.0, 10.0, 20.0, 30.0, 40.0), s.ticks());
    }

    @Test
    void niceSteps() {
        assertEquals(0.5, LinearScale.niceStep(0.7), 1e-12);
        assertEquals(1, LinearScale.niceStep(0.8), 1e-12);
        assertEquals(2, LinearScale.niceStep(1.5), 1e-12);
        assertEquals(2, LinearScale.niceStep(2.09), 1e-12);
        assertEquals(10, LinearScale.niceStep(10.45), 1e-12);
        assertEquals(0.05, LinearScale.niceStep(0.05), 1e-12);
        assertEquals(1, LinearScale.niceStep(Double.NaN), 1e-12);
    }

    @Test
    void staysWithinBoundsTheDataRespects() {
        LinearScale top = LinearScale.fit(new double[] {99.2, 100}, 0, 100, 360, 44);
        assertEquals(100, top.domainTo(), 1e-9, "an accuracy axis does not pass 100%");
        assertTrue(top.domainFrom() < 99.2);
        LinearScale bottom = LinearScale.fit(new double[] {0, 0.4}, 0, 100, 360, 44);
        assertEquals(0, bottom.domainFrom(), 1e-9);
    }

    @Test
    void oneValueOrEqualValuesGetARange() {
        LinearScale one = LinearScale.fit(new double[] {90}, 0, 100, 360, 44);
        assertShows(one, 90);
        LinearScale zero = LinearScale.fit(new double[] {0, 0, 0}, -INF, INF, 72, 650);
        assertShows(zero, 0);
        LinearScale epoch = LinearScale.fit(new double[] {1}, 0, INF, 1, 72, 650);
        assertShows(epoch, 1);
        assertTrue(epoch.domainTo() - epoch.domainFrom() >= 1, "the minimum span holds");
        assertTrue(epoch.ticks().size() >= 3 && epoch.ticks().size() <= 11, "a readable count of ticks: " + epoch.ticks());
    }

    @Test
    void noFiniteValuesGiveAUsableScale() {
        LinearScale s = LinearScale.fit(new double[] {Double.NaN, INF}, 0, 100, 360, 44);
        assertTrue(s.domainTo() > s.domainFrom());
        assertTrue(Double.isFinite(s.pixel(0.5)));
        assertTrue(LinearScale.fit(new double[0], 0, 100, 360, 44).ticks().size() >= 2);
    }

    @Test
    void ticksDoNotDrift() {
        LinearScale s = LinearScale.fit(new double[] {0.1, 0.7}, 0, 1, 0, 100);
        for (double t : s.ticks()) {
            assertEquals(Math.round(t / s.step()) * s.step(), t, 0, "tick " + t + " is a whole multiple of the step");
        }
    }
}
