package io.attnspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.TestSpark;
import io.attnspark.ablation.AblationRunner;
import io.attnspark.ablation.SummaryTable;
import io.attnspark.data.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReportTables} on the optional {@code cells} table, its times, and summary columns added later (the other
 * tables: ReportCommandTest, ReportBrowserTest).
 */
class ReportTablesTest {

    @TempDir Path dir;

    /** Writes a cells table as jobs wrote it before its timeline columns (which the report does not need). */
    private static void writeCells(SparkSession spark, Path results, List<Row> cells) {
        StructType before = new StructType(java.util.Arrays.copyOf(AblationRunner.CELLS_SCHEMA.fields(), 5));
        spark.createDataFrame(cells, before).coalesce(1).write()
                .parquet(results.resolve("tables/cells").toString());
    }

    @Test
    void withoutACellsTableEveryRunIsShown() {
        SparkSession spark = TestSpark.session();
        ResultTablesFixture.write(spark, dir, List.of("baseline", "se"), 2, 1);
        ReportData data = ReportTables.read(spark, dir.toString());
        assertEquals(List.of(), data.cells());
        assertEquals(4, data.shownRuns().size());
    }

    @Test
    void cellsTableSelectsTheRunsAndNamesFailures() {
        SparkSession spark = TestSpark.session();
        ResultTablesFixture.write(spark, dir, List.of("baseline", "se"), 2, 1);
        // run-1-2 (se, seed 2) is from an earlier plan; se seed 3 failed in the last job.
        writeCells(spark, dir, List.of(
                RowFactory.create("run-0-1", "baseline", 1L, AblationRunner.CELL_FINISHED, null),
                RowFactory.create("run-0-2", "baseline", 2L, AblationRunner.CELL_FINISHED, null),
                RowFactory.create("run-1-1", "se", 1L, AblationRunner.CELL_FINISHED, null),
                RowFactory.create("run-1-3", "se", 3L, AblationRunner.CELL_FAILED, "out of memory")));
        ReportData data = ReportTables.read(spark, dir.toString());
        assertEquals(List.of("run-0-1", "run-0-2", "run-1-1"),
                data.shownRuns().stream().map(ReportData.Run::runId).sorted().toList());
        assertEquals(1, data.runsOutsidePlan());
        assertEquals(List.of(new ReportData.Cell("run-1-3", "se", 3, true, "out of memory")), data.failedCells());
    }

    @Test
    void unknownStatusIsNamedWithTheTableAndCell() {
        SparkSession spark = TestSpark.session();
        ResultTablesFixture.write(spark, dir, List.of("baseline"), 1, 1);
        writeCells(spark, dir, List.<Row>of(RowFactory.create("run-0-1", "baseline", 1L, "pending", null)));
        BadInputException e = assertThrows(BadInputException.class, () -> ReportTables.read(spark, dir.toString()));
        assertTrue(e.getMessage().contains(dir.resolve("tables/cells") + ": cell run-0-1 has status 'pending'"),
                e.getMessage());
    }

    @Test
    void summaryWrittenBeforeTheAddedStatisticsReadsThemAsAbsent() throws Exception {
        SparkSession spark = TestSpark.session();
        ResultTablesFixture.write(spark, dir, List.of("baseline", "se"), 2, 1);
        Path summary = dir.resolve("tables/summary");
        Path old = dir.resolve("old-summary");
        spark.read().parquet(summary.toString()).drop(SummaryTable.ADDED_COLUMNS.toArray(String[]::new))
                .coalesce(1).write().parquet(old.toString());
        try (Stream<Path> files = Files.walk(summary)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        Files.move(old, summary);

        ReportData.VariantSummary se = ReportTables.read(spark, dir.toString()).summaryOf("se").orElseThrow();
        assertEquals(0.01, se.unpaired().pValue(), 1e-12, "the old columns are read");
        assertTrue(Double.isNaN(se.unpaired().pValueHolm()));
        assertTrue(Double.isNaN(se.unpaired().minimalDetectableDifference()));
        assertEquals(ReportData.Difference.NONE, se.paired());
        assertEquals(0, se.pairedSeeds());
    }

    @Test
    void summaryStatisticsAndCellTimesAreRead() {
        SparkSession spark = TestSpark.session();
        ResultTablesFixture.write(spark, dir, List.of("baseline", "se"), 2, 1);
        ResultTablesFixture.writeCells(spark, dir, List.of("baseline", "se"), 2);
        ReportData data = ReportTables.read(spark, dir.toString());
        ReportData.VariantSummary se = data.summaryOf("se").orElseThrow();
        assertEquals(0.01, se.unpaired().pValueHolm(), 1e-12, "one comparison: adjusted = raw");
        assertEquals(0.012, se.unpaired().minimalDetectableDifference(), 1e-12);
        assertEquals(2, se.pairedSeeds());
        assertEquals(0.002, se.paired().pValueHolm(), 1e-12);
        assertEquals(4, data.cells().size());
        ReportData.Cell first = data.cells().stream().filter(c -> c.runId().equals("run-0-1")).findFirst().orElseThrow();
        assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), first.startedAt());
        assertEquals(Instant.ofEpochMilli(1_700_000_600_000L), first.finishedAt());
        assertEquals(2, first.executors());
        assertTrue(first.timed());
    }
}
