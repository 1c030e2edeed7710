package io.attnspark.report;

import io.attnspark.ablation.AblationRunner;
import io.attnspark.ablation.SummaryTable;
import io.attnspark.distributed.RunRow;
import io.attnspark.distributed.RunTables;
import io.attnspark.distributed.StoredConfig;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Synthetic ablation result tables with the real schemas (runs rows made by the training job's {@link RunRow}):
 * variants x seeds x epochs, accuracies that rise with the epoch and differ by variant, the baseline and an
 * attention variant with a name that needs escaping.
 */
public final class ResultTablesFixture {

    /** The variants written, in the summary's (the plan's) order, which the report keeps. */
    public static final List<String> VARIANTS = List.of("baseline", "se reduction=8", "cbam <k=7> & \"x\"");

    private ResultTablesFixture() {}

    /**
     * Writes {@code runs}, {@code rounds} and {@code summary} under {@code dir/tables}.
     *
     * @param spark the session
     * @param dir the ablation's output folder
     * @param variants the variant labels
     * @param seeds seeds per variant
     * @param epochs epochs per run
     */
    public static void write(SparkSession spark, Path dir, List<String> variants, int seeds, int epochs) {
        List<Row> runs = new ArrayList<>();
        List<Row> rounds = new ArrayList<>();
        List<Row> summary = new ArrayList<>();
        long baseParams = 272_474;
        long baseMacs = 41_000_000;
        for (int v = 0; v < variants.size(); v++) {
            String variant = variants.get(v);
            long params = baseParams + v * 13_000L;
            long macs = baseMacs + v * 200_000L;
            double sum = 0;
            double sumSq = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                String runId = "run-" + v + "-" + seed;
                double finalTop1 = 0;
                for (int e = 1; e <= epochs; e++) {
                    double top1 = 0.80 + 0.03 * e + 0.01 * v + 0.002 * seed;
                    finalTop1 = top1;
                    // A training-only round between evaluations: test columns null.
                    rounds.add(round(runId, 2 * e - 1, e - 0.5, null));
                    rounds.add(round(runId, 2 * e, e, top1));
                }
                sum += finalTop1;
                sumSq += finalTop1 * finalTop1;
                runs.add(new RunRow(
                        new RunRow.Identity(runId, Instant.ofEpochMilli(1_700_000_000_000L), variant, seed),
                        new RunRow.Model("resnet-cifar-20", params, macs),
                        new RunRow.Schedule(2, 10, epochs, 2 * epochs, 60_000L, 10_000L),
                        new RunRow.Scores(0.3, finalTop1, finalTop1, 0.35, 0.99),
                        new RunRow.Throughput(120.0, 900.0 - 50 * v, 1, "cpu,cpu"),
                        new RunRow.Provenance("/tmp/model-" + runId, "4.1.0", "0.35.1",
                                new StoredConfig("{}", Map.of("model.attention", variant)))).toRow());
            }
            double mean = sum / seeds;
            Double std = seeds > 1 ? Math.sqrt(Math.max(0, (sumSq - seeds * mean * mean) / (seeds - 1))) : null;
            boolean baseline = variant.equals(SummaryTable.BASELINE);
            double baseMean = 0.80 + 0.03 * epochs + 0.002 * (seeds + 1) / 2.0;
            // The seeds are shared with the baseline and every seed gains the same: the paired spread is 0.
            double diff = mean - baseMean;
            summary.add(RowFactory.create(variant, baseline ? "none" : "se", seeds, mean, std, 0.99, 0.001, params,
                    (double) params / baseParams - 1, macs, (double) macs / baseMacs - 1, 900.0 - 50 * v,
                    baseline ? null : diff, baseline ? null : diff - 0.004, baseline ? null : diff + 0.004,
                    baseline ? null : 0.01 * v, baseline ? null : Math.min(1, 0.01 * v * (variants.size() - 1)),
                    baseline ? null : 0.012, baseline ? null : seeds, baseline ? null : diff,
                    baseline ? null : diff - 0.001, baseline ? null : diff + 0.001, baseline ? null : 0.001 * v,
                    baseline ? null : 0.002 * v, baseline ? null : 0.003));
        }
        String tables = dir.resolve("tables").toString();
        spark.createDataFrame(runs, RunTables.RUNS_SCHEMA).coalesce(1).write().parquet(tables + "/runs");
        spark.createDataFrame(rounds, RunTables.ROUNDS_SCHEMA).coalesce(1).write().parquet(tables + "/rounds");
        spark.createDataFrame(summary, SummaryTable.SCHEMA).coalesce(1).write().parquet(tables + "/summary");
    }

    /**
     * Writes a {@code cells} table with the start, end and executors of each cell: every variant x seed, run two
     * at a time in plan order, each 10 minutes long on 2 executors, the last cell failed.
     *
     * @param spark the session
     * @param dir the ablation's output folder
     * @param variants the variant labels
     * @param seeds seeds per variant
     */
    public static void writeCells(SparkSession spark, Path dir, List<String> variants, int seeds) {
        long start = 1_700_000_000_000L;
        List<Row> cells = new ArrayList<>();
        int i = 0;
        for (int v = 0; v < variants.size(); v++) {
            for (int seed = 1; seed <= seeds; seed++, i++) {
                boolean last = v == variants.size() - 1 && seed == seeds;
                long from = start + (i / 2) * 600_000L + (i % 2) * 30_000L;
                cells.add(RowFactory.create("run-" + v + "-" + seed, variants.get(v), (long) seed,
                        last ? AblationRunner.CELL_FAILED : AblationRunner.CELL_FINISHED, last ? "NaN loss" : null,
                        new Timestamp(from), new Timestamp(from + 600_000L), 2));
            }
        }
        spark.createDataFrame(cells, AblationRunner.CELLS_SCHEMA).coalesce(1).write()
                .parquet(dir.resolve("tables/cells").toString());
    }

    private static Row round(String runId, int round, double epoch, Double top1) {
        return RowFactory.create(runId, round, epoch, 100L * round, 100, 0.1, 12_800L, 0.5, 0.8,
                top1 == null ? null : 0.4, top1, top1 == null ? null : 0.99, 1.0, 0.8, 0.05, 0.05, 0.02, 0.01,
                top1 == null ? 0.0 : 0.3, 0.7, 0.75, 0.8, 6_550_000L, 4_370_000L);
    }
}
