package io.attnspark.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one median definition, against numpy.median. */
class MediansTest {

    @Test
    void oddCountIsTheMiddleValueAndEvenCountTheMeanOfTheTwoMiddleOnes() {
        assertEquals(2.0, Medians.of(new double[] {3, 1, 2}), 0);
        // numpy.median([4, 1, 3, 2]) = 2.5; numpy.median([1.0, 10.0]) = 5.5
        assertEquals(2.5, Medians.of(new double[] {4, 1, 3, 2}), 0);
        assertEquals(5.5, Medians.of(List.of(1.0, 10.0)), 0);
        assertEquals(7.0, Medians.of(new double[] {7}), 0);
    }

    @Test
    void noValuesHaveNoMedianAndTheInputIsNotReordered() {
        assertTrue(Double.isNaN(Medians.of(new double[0])));
        double[] values = {3, 1, 2};
        Medians.of(values);
        assertArrayEquals(new double[] {3, 1, 2}, values, 0);
    }
}
