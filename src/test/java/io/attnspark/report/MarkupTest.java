package io.attnspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MarkupTest {

    @Test
    void escapesEverythingMarkupCouldMisread() {
        assertEquals("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;",
                Markup.escape("<script>alert(\"x\")</script> & 'y'"));
        assertEquals("a\uFFFDb\tc", Markup.escape("a\u0001b\tc"), "control characters are not valid in SVG");
        assertEquals("", Markup.escape(null));
        assertEquals("se reduction=8", Markup.escape("se reduction=8"));
    }

    @Test
    void coordinatesAreShortAndLocaleFree() {
        assertEquals("12.5", Markup.coord(12.5));
        assertEquals("12", Markup.coord(12.0));
        assertEquals("0", Markup.coord(-0.001));
        assertEquals("-3.14", Markup.coord(-3.14159));
        assertEquals("100", Markup.coord(100));
        assertThrows(IllegalArgumentException.class, () -> Markup.coord(Double.NaN));
    }

    @Test
    void ticksHaveTheDecimalsTheirStepNeeds() {
        assertEquals("90", Markup.tick(90, 5));
        assertEquals("0.5", Markup.tick(0.5, 0.5));
        assertEquals("0.25", Markup.tick(0.25, 0.25));
        assertEquals("1.20", Markup.tick(1.2, 0.05));
        assertEquals("0", Markup.tick(-0.0000001, 1));
    }

    @Test
    void tableNumbers() {
        assertEquals("+5.0%", Markup.signedPercent(0.05));
        assertEquals("-1.3%", Markup.signedPercent(-0.0125));
        assertEquals("+0.0%", Markup.signedPercent(-0.00001));
        assertEquals("\u2014", Markup.signedPercent(Double.NaN));
        assertEquals("272.5 k", Markup.count(272_474));
        assertEquals("41.00 M", Markup.count(41_000_000));
        assertEquals("4.12 G", Markup.count(4_120_000_000L));
        assertEquals("999", Markup.count(999));
        assertEquals("\u2014", Markup.fixed(Double.NaN, 2));
        assertEquals("3.14", Markup.fixed(3.14159, 2));
    }
}
