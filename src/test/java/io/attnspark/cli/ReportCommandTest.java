package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.ablation.SummaryTable;
import io.attnspark.distributed.RunTables;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code attnspark report}'s bad input through the root command: one clear line and exit code 2, and no
 * report file. (The happy path, rendered in Chromium, is {@code io.attnspark.report.ReportBrowserTest}.)
 */
class ReportCommandTest {

    private static SparkSession spark;

    @TempDir Path dir;

    private record Run(int exitCode, String err) {}

    @BeforeAll
    static void startSpark() {
        spark = SparkSessions.getOrCreate("ReportCommandTest", "local[2]");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, err.toString());
    }

    private void emptyTable(Path path, StructType schema) {
        spark.createDataFrame(List.<Row>of(), schema).write().parquet(path.toString());
    }

    private Run report(Path results) {
        return run("report", "--results", results.toString(), "--out", dir.resolve("out/report.html").toString());
    }

    private void assertNoReport() throws IOException {
        Path out = dir.resolve("out");
        if (Files.exists(out)) {
            try (Stream<Path> files = Files.list(out)) {
                assertEquals(List.of(), files.toList(), "no report, not even a temporary file");
            }
        }
    }

    @Test
    void missingResultsFolder() throws IOException {
        Run r = report(dir.resolve("nowhere"));
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("results folder " + dir.resolve("nowhere") + " does not exist"), r.err());
        assertTrue(r.err().contains("attnspark ablate"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
        assertNoReport();
    }

    @Test
    void missingTableIsNamedWithTheJobThatWritesIt() throws IOException {
        Path results = dir.resolve("ablation");
        emptyTable(results.resolve("tables/runs"), RunTables.RUNS_SCHEMA);
        Run r = report(results);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("missing table " + results.resolve("tables/rounds")), r.err());
        assertTrue(r.err().contains("`attnspark ablate` writes it"), r.err());
        emptyTable(results.resolve("tables/rounds"), RunTables.ROUNDS_SCHEMA);
        r = report(results);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("missing table " + results.resolve("tables/summary")), r.err());
        assertNoReport();
    }

    @Test
    void emptyRunsTable() throws IOException {
        Path results = dir.resolve("ablation");
        emptyTable(results.resolve("tables/runs"), RunTables.RUNS_SCHEMA);
        emptyTable(results.resolve("tables/rounds"), RunTables.ROUNDS_SCHEMA);
        emptyTable(results.resolve("tables/summary"), SummaryTable.SCHEMA);
        Run r = report(results);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("table " + results.resolve("tables/runs") + " has no runs"), r.err());
        assertNoReport();
    }

    @Test
    void tableWithoutTheColumnsOfAResultTable() throws IOException {
        Path results = dir.resolve("ablation");
        emptyTable(results.resolve("tables/runs"), new StructType().add("id", DataTypes.StringType));
        emptyTable(results.resolve("tables/rounds"), RunTables.ROUNDS_SCHEMA);
        emptyTable(results.resolve("tables/summary"), SummaryTable.SCHEMA);
        Run r = report(results);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("lacks the column(s) [run_id, started_at"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertNoReport();
    }

    @Test
    void tableFolderWithoutParquetFiles() throws IOException {
        Path results = dir.resolve("ablation");
        Files.createDirectories(results.resolve("tables/runs"));
        Run r = report(results);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("cannot read table " + results.resolve("tables/runs")), r.err());
        assertNoReport();
    }
}
