package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.TestImages;
import io.attnspark.TestSpark;
import io.attnspark.ablation.AblationPlan;
import io.attnspark.ablation.AblationRunner;
import io.attnspark.ablation.ParallelCells;
import io.attnspark.distributed.DistributedTrainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small ablations end to end on a synthetic table: tables, summary, resume after a kill, a failed cell. */
class AblateJobTest {

    /** Stands in for the JVM being killed: not an exception a cell's failure handling catches. */
    private static final class Killed extends Error {
        Killed() {
            super("killed for the test");
        }
    }

    private static List<String> args(String table, String out, String... more) {
        List<String> a = new ArrayList<>(List.of("data.table=\"" + table + "\"", "output.path=\"" + out + "\"",
                "model.depth=8", "train.epochs=2", "train.batch-size=16", "train.warmup-epochs=0.25",
                "train.eval-batch-size=64", "sync.shards=2", "sync.every=2", "checkpoint.every=1",
                "ablation.variants=[{name=baseline, model.attention=none},{name=se, model.attention=se}]",
                "ablation.seeds=[1]"));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void twoCellAblationWritesRunsRoundsAndSummary(@TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 130, 30, 10, 4);
        String out = dir.resolve("ablation").toString();
        List<String> cli = new ArrayList<>(List.of("ablate"));
        cli.addAll(args(table, out));
        assertEquals(0, Main.run(cli.toArray(String[]::new)));

        List<Row> runs = spark.read().parquet(out + "/tables/runs").orderBy("variant").collectAsList();
        assertEquals(2, runs.size());
        assertEquals("baseline", runs.get(0).getString(runs.get(0).fieldIndex("variant")));
        assertEquals("se", runs.get(1).getString(runs.get(1).fieldIndex("variant")));
        assertNull(runs.get(0).get(runs.get(0).fieldIndex("final_test_top5")), "3 classes: no top-5");
        // 65 images per shard / 16 = 4 steps per epoch, 8 steps, K = 2: 4 rounds per run.
        assertEquals(8, spark.read().parquet(out + "/tables/rounds").count());

        List<Row> summary = spark.read().parquet(out + "/tables/summary").collectAsList();
        assertEquals(2, summary.size());
        Map<String, Row> byVariant = new TreeMap<>();
        summary.forEach(r -> byVariant.put(r.getString(0), r));
        Row se = byVariant.get("se");
        double baseTop1 = runs.get(0).getDouble(runs.get(0).fieldIndex("final_test_top1"));
        double seTop1 = runs.get(1).getDouble(runs.get(1).fieldIndex("final_test_top1"));
        assertEquals(seTop1 - baseTop1, se.getDouble(se.fieldIndex("diff_top1")), 1e-12);
        assertTrue(se.isNullAt(se.fieldIndex("p_value")), "one seed: no test");
        assertTrue(se.isNullAt(se.fieldIndex("p_value_holm")));
        assertEquals(1, se.getInt(se.fieldIndex("paired_seeds")), "the seed is shared with the baseline");
        assertTrue(se.isNullAt(se.fieldIndex("paired_diff_top1")), "one shared seed: nothing paired");
        assertTrue(se.getDouble(se.fieldIndex("params_overhead")) > 0, "SE adds parameters");
        assertTrue(byVariant.get("baseline").isNullAt(se.fieldIndex("diff_top1")));
        String html = assertDoesNotThrow(() -> java.nio.file.Files.readString(Path.of(out, "report.html")));
        assertTrue(html.contains("data-variant=\"se\"") && html.contains("data-variant=\"baseline\""),
                "the job writes its report");
    }

    @Test
    void killedJobResumesToTheSameTablesAsAnUninterruptedOne(@TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 130, 30, 10, 4);
        String whole = dir.resolve("whole").toString();
        String killed = dir.resolve("killed").toString();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        JobConfig config = JobConfig.load(AblateCommand.DEFAULTS, null, args(table, whole));
        AblationPlan plan = AblateCommand.plan(config);
        List<AblationRunner.PlannedCell> wholeCells = AblateCommand.cells(plan, config.without("ablation"), whole);
        List<AblationRunner.PlannedCell> killedCells = AblateCommand.cells(plan, config.without("ablation"), killed);
        new AblationRunner(spark, whole, 0, ParallelCells.atMost(1), quiet).run(plan, wholeCells, () -> null);

        AtomicInteger cellsStarted = new AtomicInteger();
        Supplier<DistributedTrainer.RoundListener> killInSecondCell = () -> {
            boolean second = cellsStarted.incrementAndGet() == 2;
            return (metrics, total, elapsed) -> {
                if (second && metrics.round() == 2) {
                    throw new Killed();
                }
            };
        };
        ParallelCells one = ParallelCells.atMost(1);
        assertThrows(Killed.class, () -> new AblationRunner(spark, killed, 0, one, quiet).run(plan, killedCells,
                killInSecondCell));
        AblationRunner.Outcome resumed = new AblationRunner(spark, killed, 0, one, quiet).run(plan, killedCells, () -> null);
        assertEquals(List.of(AblationRunner.Status.SKIPPED, AblationRunner.Status.FINISHED), resumed.statuses());

        for (String t : List.of("runs", "rounds")) {
            assertEquals(spark.read().parquet(whole + "/tables/" + t).count(),
                    spark.read().parquet(killed + "/tables/" + t).count(), t + ": no duplicate rows");
        }
        assertClose(values(spark, whole + "/tables/runs", "final_test_top1", "run_id"),
                values(spark, killed + "/tables/runs", "final_test_top1", "run_id"));
        assertClose(values(spark, whole + "/tables/rounds", "train_loss", "run_id", "round"),
                values(spark, killed + "/tables/rounds", "train_loss", "run_id", "round"));
        assertClose(values(spark, whole + "/tables/summary", "test_top1_mean", "variant"),
                values(spark, killed + "/tables/summary", "test_top1_mean", "variant"));
        assertEquals(spark.read().parquet(whole + "/tables/runs").select("run_id").orderBy("run_id").collectAsList(),
                spark.read().parquet(killed + "/tables/runs").select("run_id").orderBy("run_id").collectAsList());
    }

    @Test
    void failedCellIsRecordedAndTheOthersFinish(@TempDir Path dir) throws IOException {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 130, 30, 10, 4);
        String out = dir.resolve("ablation").toString();
        List<String> cli = new ArrayList<>(List.of("ablate"));
        cli.addAll(args(table, out, "ablation.variants=[{name=baseline, model.attention=none},"
                + "{name=huge-batch, model.attention=se, train.batch-size=500}]"));
        assertEquals(AblateCommand.CELLS_FAILED, Main.run(cli.toArray(String[]::new)));

        List<Row> failures = spark.read().parquet(out + "/tables/failures").collectAsList();
        assertEquals(1, failures.size());
        assertEquals("huge-batch", failures.get(0).getString(1));
        assertTrue(failures.get(0).getString(4).contains("train.batch-size = 500"), failures.get(0).getString(4));
        assertEquals(1, spark.read().parquet(out + "/tables/runs").count());
        assertEquals(1, spark.read().parquet(out + "/tables/summary").count(), "the finished variant is summarised");
        List<Row> cells = spark.read().parquet(out + "/tables/cells").orderBy("variant").collectAsList();
        assertEquals(2, cells.size(), "one row per cell of the plan");
        assertEquals(List.of("baseline", AblationRunner.CELL_FINISHED),
                List.of(cells.get(0).getString(1), cells.get(0).getString(3)));
        assertTrue(cells.get(0).isNullAt(4));
        assertEquals(List.of("huge-batch", AblationRunner.CELL_FAILED, failures.get(0).getString(0)),
                List.of(cells.get(1).getString(1), cells.get(1).getString(3), cells.get(1).getString(0)));
        assertEquals(failures.get(0).getString(4), cells.get(1).getString(4));
        String html = Files.readString(Path.of(out, "report.html"));
        assertTrue(html.contains("<h2>Failed cells</h2>") && html.contains(failures.get(0).getString(0)),
                "the report lists the failed cell");
    }

    @Test
    void dryRunPrintsThePlanWithParametersMacsAndAnEstimate(@TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 130, 30, 10, 4);
        String out = dir.resolve("ablation").toString();
        List<String> cli = new ArrayList<>(List.of("ablate", "--dry-run"));
        cli.addAll(args(table, out, "ablation.seeds=[1,2]"));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run(cli.toArray(String[]::new)));
        } finally {
            System.setOut(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("130 training and 30 test images, 1x10x10, 3 classes"), text);
        assertEquals(4, text.lines().filter(l -> l.matches("^[1-4] .*")).count(), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("3 ") && l.contains(" se ") && l.contains("train.seed=1")),
                text);
        assertTrue(text.contains("estimated time of the cells left"), text);
        assertTrue(java.nio.file.Files.notExists(Path.of(out, "tables")), "a dry run trains nothing");
    }

    @Test
    void dryRunForAClusterPrintsTheWavesAndKeepsTheEstimates(@TempDir Path dir) throws IOException {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 130, 30, 10, 4);
        String out = dir.resolve("ablation").toString();
        List<String> cli = new ArrayList<>(List.of("ablate", "--dry-run", "--executors", "3"));
        cli.addAll(args(table, out, "ablation.seeds=[1,2,3]", "sync.shards=1"));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run(cli.toArray(String[]::new)));
        } finally {
            System.setOut(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("schedule on 3 executors x 1 cores: 3 task slots"), text);
        // 6 cells of one replica on 3 slots: 2 waves of 3.
        assertEquals(2, text.lines().filter(l -> l.startsWith("wave ")).count(), text);
        String first = text.lines().filter(l -> l.startsWith("wave   1 ")).findFirst().orElseThrow();
        assertEquals(3, first.split(", ").length, first);
        assertTrue(text.contains("estimated time of the cells left"), text);
        List<String> estimates = Files.readAllLines(Path.of(out, "estimates.tsv"));
        assertEquals(6, estimates.size(), estimates.toString());
        assertTrue(Files.notExists(Path.of(out, "tables")), "a dry run trains nothing");
    }

    private static double[] values(SparkSession spark, String path, String column, String... order) {
        return spark.read().parquet(path).orderBy(order[0], java.util.Arrays.copyOfRange(order, 1, order.length))
                .select(column).collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
    }

    private static void assertClose(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, "row " + i);
        }
    }
}
