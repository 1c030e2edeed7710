package io.attnspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.TestSpark;
import io.attnspark.ablation.AblationRunner;
import io.attnspark.data.BadInputException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ReportTables} on the optional {@code cells} table (the other tables: ReportCommandTest, ReportBrowserTest). */
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
}
