package io.attnspark.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionsTableTest {

    private static Dataset<Row> table(SparkSession spark, long rows, String modelId) {
        return spark.range(rows).select(
                functions.col("id").cast("string").as(PredictionsTable.ID),
                functions.array(functions.lit("a")).as(PredictionsTable.LABELS),
                functions.array(functions.lit(0)).as(PredictionsTable.INDICES),
                functions.array(functions.lit(1f)).as(PredictionsTable.PROBABILITIES),
                functions.lit(modelId).as(PredictionsTable.MODEL_ID),
                functions.when(functions.col("id").equalTo(3), functions.lit("bad")).as(PredictionsTable.ERROR));
    }

    private static List<String> siblings(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aRerunReplacesTheTableAndCountsItsRows(@TempDir Path dir) throws Exception {
        SparkSession spark = TestSpark.session();
        String out = dir.resolve("predictions").toString();
        PredictionsTable.Counts first = PredictionsTable.write(spark, table(spark, 10, "m1"), out, 10);
        assertEquals(List.of(10L, 9L, 1L), List.of(first.rows(), first.scored(), first.errors()));
        PredictionsTable.Counts second = PredictionsTable.write(spark, table(spark, 7, "m2"), out, 7);
        assertEquals(List.of(7L, 6L, 1L), List.of(second.rows(), second.scored(), second.errors()));
        assertTrue(second.writeSeconds() > 0);
        Dataset<Row> written = spark.read().parquet(out);
        assertEquals(7, written.count(), "replaced, not appended");
        assertEquals(List.of("m2"), written.select(PredictionsTable.MODEL_ID).distinct().as(Encoders.STRING()).collectAsList());
        assertEquals(List.of("predictions"), siblings(dir));
    }

    @Test
    void aFailureMidWriteLeavesNoPartialTableAndKeepsTheOldOne(@TempDir Path dir) throws Exception {
        SparkSession spark = TestSpark.session();
        String out = dir.resolve("predictions").toString();
        PredictionsTable.write(spark, table(spark, 10, "old"), out, 10);
        Dataset<Row> failing = table(spark, 500, "new").repartition(4).map((MapFunction<Row, Row>) r -> {
            if (r.getString(0).equals("321")) {
                throw new IllegalStateException("injected failure at row 321");
            }
            return r;
        }, Encoders.row(table(spark, 1, "x").schema()));
        Exception e = assertThrows(Exception.class, () -> PredictionsTable.write(spark, failing, out, 500));
        assertTrue(String.valueOf(e.getMessage()).contains("injected failure") || causeChain(e).contains("injected failure"),
                causeChain(e));
        assertEquals(List.of("predictions"), siblings(dir), "no temporary table left");
        assertEquals(List.of("old"), spark.read().parquet(out).select(PredictionsTable.MODEL_ID).distinct()
                .as(Encoders.STRING()).collectAsList());
        assertEquals(10, spark.read().parquet(out).count());
    }

    @Test
    void rowsOutDifferentFromRowsInFailLoudlyAndWriteNothing(@TempDir Path dir) throws Exception {
        SparkSession spark = TestSpark.session();
        String out = dir.resolve("predictions").toString();
        PredictionsTable.write(spark, table(spark, 10, "old"), out, 10);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PredictionsTable.write(spark, table(spark, 9, "new"), out, 10));
        assertTrue(e.getMessage().contains("rows out != rows in") && e.getMessage().contains("9 rows")
                && e.getMessage().contains("input 10"), e.getMessage());
        assertEquals(List.of("predictions"), siblings(dir));
        assertEquals(10, spark.read().parquet(out).count());
    }

    @Test
    void theFooterCountsMatchSparksCountAcrossFilesWithAndWithoutErrors(@TempDir Path dir) throws Exception {
        SparkSession spark = TestSpark.session();
        String out = dir.resolve("predictions").toString();
        // 4 files: one holds the error row, the others only scored rows (an all-null error column)
        PredictionsTable.Counts c = PredictionsTable.write(spark, table(spark, 1000, "m").repartition(4), out, 1000);
        Dataset<Row> written = spark.read().parquet(out);
        assertEquals(4, written.inputFiles().length);
        assertEquals(PredictionsTable.count(written), new PredictionsTable.Counts(c.rows(), c.scored(), c.errors(), 0));
        assertEquals(List.of(1000L, 999L, 1L), List.of(c.rows(), c.scored(), c.errors()));
        PredictionsTable.Counts none = PredictionsTable.write(spark,
                table(spark, 3, "m").filter(functions.col(PredictionsTable.ERROR).isNull()), out, 3);
        assertEquals(List.of(3L, 3L, 0L), List.of(none.rows(), none.scored(), none.errors()));
    }

    private static String causeChain(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            s.append(t).append(" <- ");
        }
        return s.toString();
    }
}
