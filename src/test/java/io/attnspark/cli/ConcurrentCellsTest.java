package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cells side by side (local[2], one replica per cell: two cells at once) against one at a time: the same
 * run ids, rows and parameters bit for bit; a kill and a resume; a failing cell among running ones.
 */
class ConcurrentCellsTest {

    /** Stands in for the JVM being killed: not an exception a cell's failure handling catches. */
    private static final class Killed extends Error {
        Killed() {
            super("killed for the test");
        }
    }

    private static final List<String> ROUNDS_TIMES = List.of("round_s", "compute_s", "load_s", "aggregate_s",
            "broadcast_s", "checkpoint_s", "eval_s", "task_min_s", "task_median_s", "task_max_s");

    private static List<String> args(String table, String out, String... more) {
        List<String> a = new ArrayList<>(List.of("data.table=\"" + table + "\"", "output.path=\"" + out + "\"",
                "model.depth=8", "train.epochs=2", "train.batch-size=16", "train.warmup-epochs=0.25",
                "train.eval-batch-size=64", "sync.shards=1", "sync.every=4", "checkpoint.every=1",
                "ablation.variants=[{name=baseline, model.attention=none},{name=se, model.attention=se}]",
                "ablation.seeds=[1,2]"));
        a.addAll(List.of(more));
        return a;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    @Test
    void cellsSideBySideWriteWhatOneAtATimeWritesAndResumeAfterAKill(@TempDir Path dir) throws IOException {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 130, 30, 10, 4);
        String sequential = dir.resolve("sequential").toString();
        String concurrent = dir.resolve("concurrent").toString();
        String killed = dir.resolve("killed").toString();
        JobConfig config = JobConfig.load(AblateCommand.DEFAULTS, null, args(table, sequential));
        AblationPlan plan = AblateCommand.plan(config);

        new AblationRunner(spark, sequential, 0, ParallelCells.atMost(1), quiet())
                .run(plan, AblateCommand.cells(plan, config.without("ablation"), sequential), () -> null);

        // Plan order is baseline 1, baseline 2, se 1, se 2; costs that put the last first change the order too.
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<AblationRunner.PlannedCell> concurrentCells = AblateCommand.cells(plan, config.without("ablation"), concurrent);
        AblationRunner.Outcome outcome = new AblationRunner(spark, concurrent, 0, ParallelCells.fitting(),
                new PrintStream(console, true, StandardCharsets.UTF_8))
                .run(plan, concurrentCells, c -> concurrentCells.indexOf(c), () -> null);
        assertEquals(List.of(AblationRunner.Status.FINISHED, AblationRunner.Status.FINISHED,
                AblationRunner.Status.FINISHED, AblationRunner.Status.FINISHED), outcome.statuses());
        String text = console.toString(StandardCharsets.UTF_8);
        assertTrue(text.lines().allMatch(l -> l.startsWith("cell ") || l.startsWith("cells ")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("cell 4/4 se seed 2: epoch 1\\.00: test top-1 .*")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("cells 4/4 done, 0 running, ETA .*")), text);
        assertTrue(text.indexOf("cell 4/4 se seed 2: started") < text.indexOf("cell 1/4 baseline seed 1: started"),
                "longest first: " + text);

        List<Row> cells = spark.read().parquet(concurrent + "/tables/cells").orderBy("run_id").collectAsList();
        assertEquals(4, cells.size());
        for (Row c : cells) {
            assertNotNull(c.getAs("started_at"));
            assertNotNull(c.getAs("finished_at"));
            assertEquals(1, (int) c.getAs("executors"), "local mode: the driver's executor");
        }
        assertTrue(overlapping(cells), "two cells ran at once: " + cells);

        assertSameResults(spark, sequential, concurrent);

        // Killed while two cells run: the job stops, the other cell is cancelled; the next start resumes both.
        List<AblationRunner.PlannedCell> killedCells = AblateCommand.cells(plan, config.without("ablation"), killed);
        AtomicInteger started = new AtomicInteger();
        Supplier<DistributedTrainer.RoundListener> killInSecondCell = () -> {
            boolean second = started.incrementAndGet() == 2;
            return (metrics, total, elapsed) -> {
                if (second && metrics.round() == 2) {
                    throw new Killed();
                }
            };
        };
        assertThrows(Killed.class, () -> new AblationRunner(spark, killed, 0, ParallelCells.fitting(), quiet())
                .run(plan, killedCells, killInSecondCell));
        assertFalse(Files.exists(Path.of(killed, "tables", "cells")), "a stopped job writes no cells table");
        AblationRunner.Outcome resumed = new AblationRunner(spark, killed, 0, ParallelCells.fitting(), quiet())
                .run(plan, killedCells, () -> null);
        assertFalse(resumed.statuses().contains(AblationRunner.Status.FAILED), resumed.statuses().toString());
        assertSameResults(spark, sequential, killed);
    }

    @Test
    void aFailingCellLeavesTheOthersRunningAndTheJobExitsWithOne(@TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 130, 30, 10, 4);
        String out = dir.resolve("ablation").toString();
        List<String> cli = new ArrayList<>(List.of("ablate"));
        cli.addAll(args(table, out, "ablation.variants=[{name=baseline, model.attention=none},"
                + "{name=huge-batch, model.attention=se, train.batch-size=500}]", "ablation.parallel-cells=auto"));
        assertEquals(AblateCommand.CELLS_FAILED, Main.run(cli.toArray(String[]::new)));
        assertEquals(2, spark.read().parquet(out + "/tables/failures").count(), "both seeds of huge-batch");
        assertEquals(2, spark.read().parquet(out + "/tables/runs").count(), "both seeds of baseline");
        List<Row> cells = spark.read().parquet(out + "/tables/cells").orderBy("variant", "seed").collectAsList();
        assertEquals(List.of("finished", "finished", "failed", "failed"),
                cells.stream().map(r -> r.getString(r.fieldIndex("status"))).toList());
        cells.forEach(r -> assertNotNull(r.getAs("started_at")));
    }

    /** Whether some two cells' [started_at, finished_at] intervals overlap. */
    private static boolean overlapping(List<Row> cells) {
        for (Row a : cells) {
            for (Row b : cells) {
                if (a != b && ((Timestamp) a.getAs("started_at")).before(b.getAs("finished_at"))
                        && ((Timestamp) b.getAs("started_at")).before(a.getAs("finished_at"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The tables and model parameters of two ablation folders agree, but for wall-clock columns and paths. */
    private static void assertSameResults(SparkSession spark, String expected, String actual) throws IOException {
        assertEquals(rows(spark, expected, "runs", List.of("started_at", "wall_s", "images_per_s"), "run_id"),
                rows(spark, actual, "runs", List.of("started_at", "wall_s", "images_per_s"), "run_id")
                        .replace(actual, expected), "runs");
        assertEquals(rows(spark, expected, "rounds", ROUNDS_TIMES, "run_id", "round"),
                rows(spark, actual, "rounds", ROUNDS_TIMES, "run_id", "round"), "rounds");
        assertEquals(rows(spark, expected, "summary", List.of("images_per_s"), "variant"),
                rows(spark, actual, "summary", List.of("images_per_s"), "variant"), "summary");
        assertEquals(rows(spark, expected, "cells", List.of("started_at", "finished_at", "executors"), "run_id"),
                rows(spark, actual, "cells", List.of("started_at", "finished_at", "executors"), "run_id"), "cells");
        List<Row> ids = spark.read().parquet(expected + "/tables/runs").select("run_id").collectAsList();
        assertEquals(4, ids.size());
        for (Row id : ids) {
            Path model = Path.of("cells", id.getString(0), "model", "parameters.bin");
            assertArrayEquals(Files.readAllBytes(Path.of(expected).resolve(model)),
                    Files.readAllBytes(Path.of(actual).resolve(model)), "parameters of " + id.getString(0));
        }
    }

    /** A table's rows without some columns, in a fixed order, as text (doubles printed exactly). */
    private static String rows(SparkSession spark, String folder, String table, List<String> drop, String... order) {
        StringBuilder text = new StringBuilder();
        spark.read().parquet(folder + "/tables/" + table).drop(drop.toArray(String[]::new))
                .orderBy(order[0], java.util.Arrays.copyOfRange(order, 1, order.length))
                .collectAsList().forEach(r -> text.append(r).append('\n'));
        return text.toString();
    }
}
