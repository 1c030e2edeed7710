package io.attnspark.ablation;

import io.attnspark.distributed.ImageTable;
import io.attnspark.distributed.TableWriters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * The writes of an ablation's own tables under {@code <output>/tables}: the {@code summary} and {@code
 * cells} tables, rewritten whole at the end of a job (a temporary table, then a rename over the old one),
 * and the {@code failures} table, appended to. The {@code runs} and {@code rounds} tables are the
 * training job's ({@code distributed.RunTables}).
 */
final class AblationTables {

    private final SparkSession spark;
    private final String folder;

    AblationTables(SparkSession spark, String folder) {
        this.spark = spark;
        this.folder = folder;
    }

    /** The folder of the tables, {@code <output>/tables}, where the cells' runs and rounds go too. */
    String folder() {
        return folder;
    }

    /**
     * Rewrites the {@code summary} table from the plan's finished runs (atomically: a temporary table,
     * then a rename over the old one).
     *
     * @param plan the plan
     * @param cells its cells with run ids
     * @return the rows written
     */
    List<Summaries.Row> writeSummary(AblationPlan plan, List<AblationRunner.PlannedCell> cells) {
        Set<String> ids = new HashSet<>();
        cells.forEach(c -> ids.add(c.runId()));
        List<Summaries.Run> runs = new ArrayList<>();
        if (exists("runs")) {
            List<Row> rows = spark.read().parquet(folder + "/runs")
                    .select(functions.col("run_id"), functions.col("variant"),
                            functions.col("config").getItem("model.attention"), functions.col("seed"),
                            functions.col("params"), functions.col("macs"), functions.col("final_test_top1"),
                            functions.col("final_test_top5"), functions.col("images_per_s"))
                    .collectAsList();
            for (Row r : rows) {
                if (ids.contains(r.getString(0))) {
                    runs.add(new Summaries.Run(r.getString(1), r.isNullAt(2) ? "none" : r.getString(2), r.getLong(3),
                            r.getLong(4), r.getLong(5), r.getDouble(6), r.isNullAt(7) ? null : r.getDouble(7),
                            r.getDouble(8)));
                }
            }
        }
        List<Summaries.Row> summary = Summaries.summarise(runs, plan.variants(), plan.baselineOf());
        List<Row> rows = new ArrayList<>();
        summary.forEach(r -> rows.add(RowFactory.create(r.values())));
        replace("summary", rows, SummaryTable.SCHEMA);
        return summary;
    }

    /** Writes a small table to a temporary path, then renames it over the old one. */
    void replace(String name, List<Row> rows, StructType schema) {
        String path = folder + "/" + name;
        String tmp = path + "._tmp-" + UUID.randomUUID();
        spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(tmp);
        try {
            Path target = new Path(path);
            ImageTable.replace(target.getFileSystem(spark.sparkContext().hadoopConfiguration()), new Path(tmp), target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + name + " table " + path + ": " + e.getMessage(), e);
        }
    }

    /** Appends one failed attempt at a cell to the {@code failures} table (appends to it take turns). */
    void recordFailure(AblationRunner.PlannedCell pc, String message) {
        String path = folder + "/failures";
        TableWriters.exclusively(path, () -> spark.createDataFrame(List.of(RowFactory.create(pc.runId(),
                        pc.cell().variant(), pc.cell().seed(), Timestamp.from(Instant.now()), message)), AblationRunner.FAILURES_SCHEMA)
                .coalesce(1).write().mode(SaveMode.Append).parquet(path));
    }

    /** Whether a table has been written. */
    boolean exists(String name) {
        try {
            Path p = new Path(folder + "/" + name);
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
