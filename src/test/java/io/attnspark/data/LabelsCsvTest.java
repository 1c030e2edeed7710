package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsCsvTest {

    private static LabelsCsv parse(String text) {
        return LabelsCsv.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "labels.csv");
    }

    private static void assertRowError(String text, int row, String part) {
        BadInputException e = assertThrows(BadInputException.class, () -> parse(text), text);
        assertTrue(e.getMessage().contains("labels.csv, row " + row + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void readsRowsWithHeaderQuotesBlankLinesAndByteOrderMark() {
        LabelsCsv csv = parse("\uFEFFpath,label\nval/a.JPEG,n01440764\n\n\"val/b, c.png\",\"tench \"\"fish\"\"\"\r\n"
                + "./val/d.jpg , cat \n");
        assertEquals(List.of(
                new LabelsCsv.Row(2, "val/a.JPEG", "n01440764"),
                new LabelsCsv.Row(4, "val/b, c.png", "tench \"fish\""),
                new LabelsCsv.Row(5, "val/d.jpg", "cat")), csv.rows());
        assertEquals("labels.csv", csv.name());
        assertEquals(List.of(new LabelsCsv.Row(1, "a.png", "x")), parse("a.png,x").rows());
    }

    @Test
    void malformedRowsAreErrorsNamingTheRow() {
        assertRowError("a.png,x\nb.png\n", 2, "expected 2 fields");
        assertRowError("a.png,x\nb.png,y,z\n", 2, "found 3");
        assertRowError("a.png,\n", 1, "empty label");
        assertRowError(",x\n", 1, "empty path");
        assertRowError("\"a.png,x\n", 1, "not closed");
        assertRowError("/abs/a.png,x\n", 1, "relative to --root");
        assertRowError("s3a://b/a.png,x\n", 1, "relative to --root");
        assertRowError("a\\b.png,x\n", 1, "'/' separators");
        assertRowError("val/../a.png,x\n", 1, "'..'");
        assertRowError("val//a.png,x\n", 1, "'//'");
        assertRowError("path,label\na.png,x\nb.png,y\na.png,z\n", 4, "a.png is listed again (first on row 2)");
    }
}
