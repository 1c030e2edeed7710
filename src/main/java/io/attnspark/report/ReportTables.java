package io.attnspark.report;

import io.attnspark.ablation.AblationRunner;
import io.attnspark.ablation.SummaryTable;
import io.attnspark.data.BadInputException;
import io.attnspark.distributed.RunTables;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads an ablation's result tables ({@code PATH/tables/runs}, {@code rounds}, {@code summary}, and
 * {@code cells} when there is one) into a {@link ReportData}. The tables are small (one row per run, round,
 * variant or cell), so they are collected to the driver. Missing folders, tables or columns and an empty {@code runs} table are {@link BadInputException}s
 * that name the path and the job that writes it.
 */
public final class ReportTables {

    /** The tables' folder under an ablation's output folder. */
    public static final String TABLES = "tables";

    /**
     * The {@code cells} table's start, end and executors of each cell; tables written before they were
     * recorded lack them.
     */
    static final List<String> CELL_TIMING = List.of("started_at", "finished_at", "executors");

    /** The columns of the {@code cells} table the report reads, the times last. */
    private static final StructType CELLS_READ = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("variant", DataTypes.StringType, false)
            .add("seed", DataTypes.LongType, false)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true)
            .add(CELL_TIMING.get(0), DataTypes.TimestampType, true)
            .add(CELL_TIMING.get(1), DataTypes.TimestampType, true)
            .add(CELL_TIMING.get(2), DataTypes.IntegerType, true);

    private ReportTables() {}

    /**
     * Reads the tables under an ablation's output folder.
     *
     * @param spark the session
     * @param results the ablation's output folder ({@code output.path}; local, {@code file://}, {@code hdfs://},
     *     {@code s3a://})
     * @return the data
     * @throws BadInputException if the folder, a table or a column is missing, or no run has finished
     */
    public static ReportData read(SparkSession spark, String results) {
        String base = results.endsWith("/") ? results.substring(0, results.length() - 1) : results;
        if (!exists(spark, base)) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "results folder %s does not exist: pass the output.path of an `attnspark ablate` job", results));
        }
        String runsPath = base + "/" + TABLES + "/runs";
        String roundsPath = base + "/" + TABLES + "/rounds";
        String summaryPath = base + "/" + TABLES + "/summary";
        Dataset<Row> runsTable = table(spark, runsPath, RunTables.RUNS_SCHEMA,
                "`attnspark ablate` writes it after each finished run");
        Dataset<Row> roundsTable = table(spark, roundsPath, RunTables.ROUNDS_SCHEMA,
                "`attnspark ablate` writes it after each finished run");
        Dataset<Row> summaryTable = table(spark, summaryPath, SummaryTable.SCHEMA,
                "`attnspark ablate` writes it at the end of each job", SummaryTable.ADDED_COLUMNS);

        List<ReportData.Run> runs = new ArrayList<>();
        for (Row r : select(runsTable, RunTables.RUNS_SCHEMA, "run_id", "variant", "model", "seed", "epochs",
                "replicas", "sync_every", "train_images", "test_images", "final_test_top1", "best_test_top1",
                "final_test_top5", "wall_s", "images_per_s").collectAsList()) {
            runs.add(new ReportData.Run(r.getString(0), r.getString(1), r.getString(2), r.getLong(3),
                    new ReportData.RunSetup(num(r, 4), r.getInt(5), r.getInt(6), r.getLong(7), r.getLong(8)),
                    new ReportData.RunResult(num(r, 9), num(r, 10), num(r, 11), num(r, 12), num(r, 13))));
        }
        if (runs.isEmpty()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "table %s has no runs: nothing to report until `attnspark ablate` has finished a run", runsPath));
        }

        List<ReportData.Evaluation> evaluations = new ArrayList<>();
        for (Row r : select(roundsTable.where(functions.col("test_top1").isNotNull()), RunTables.ROUNDS_SCHEMA,
                "run_id", "epoch", "test_top1").collectAsList()) {
            evaluations.add(new ReportData.Evaluation(r.getString(0), num(r, 1), num(r, 2)));
        }

        List<ReportData.VariantSummary> summary = new ArrayList<>();
        for (Row r : select(summaryTable, SummaryTable.SCHEMA, SummaryTable.SCHEMA.fieldNames()).collectAsList()) {
            summary.add(new ReportData.VariantSummary(r.getString(0), r.getString(1),
                    new ReportData.Accuracy(r.getInt(2), num(r, 3), num(r, 4), num(r, 5), num(r, 6)),
                    new ReportData.Cost(r.getLong(7), num(r, 8), r.getLong(9), num(r, 10), num(r, 11)),
                    difference(r, 12), r.isNullAt(18) ? 0 : r.getInt(18), difference(r, 19)));
        }
        if (summary.isEmpty()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "table %s has no rows: `attnspark ablate` rewrites it at the end of each job", summaryPath));
        }

        // Optional: results written before the cells table existed have none, and then every run counts.
        String cellsPath = base + "/" + TABLES + "/cells";
        List<ReportData.Cell> cells = new ArrayList<>();
        if (exists(spark, cellsPath)) {
            Dataset<Row> cellsTable = table(spark, cellsPath, CELLS_READ,
                    "`attnspark ablate` rewrites it at the end of each job", CELL_TIMING);
            for (Row r : select(cellsTable, CELLS_READ, CELLS_READ.fieldNames()).collectAsList()) {
                String status = r.getString(3);
                if (!AblationRunner.CELL_FINISHED.equals(status) && !AblationRunner.CELL_FAILED.equals(status)) {
                    throw new BadInputException(String.format(Locale.ROOT,
                            "table %s: cell %s has status '%s'; expected '%s' or '%s'", cellsPath, r.getString(0),
                            status, AblationRunner.CELL_FINISHED, AblationRunner.CELL_FAILED));
                }
                cells.add(new ReportData.Cell(r.getString(0), r.getString(1), r.getLong(2),
                        AblationRunner.CELL_FAILED.equals(status), r.getString(4), instant(r, 5), instant(r, 6),
                        r.isNullAt(7) ? 0 : r.getInt(7)));
            }
        }
        return new ReportData(results, runs, evaluations, summary, cells);
    }

    private static boolean exists(SparkSession spark, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return fs.exists(p);
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot open %s: %s", path, e), e);
        }
    }

    /** Opens a Parquet table, checking that it exists and has every column of the schema. */
    private static Dataset<Row> table(SparkSession spark, String path, StructType schema, String writtenBy) {
        return table(spark, path, schema, writtenBy, List.of());
    }

    /**
     * Opens a Parquet table, checking that it exists and has every column of the schema but the optional
     * ones (added later: older tables lack them and {@link #select} reads them as null).
     */
    private static Dataset<Row> table(SparkSession spark, String path, StructType schema, String writtenBy,
            List<String> optional) {
        if (!exists(spark, path)) {
            throw new BadInputException(String.format(Locale.ROOT, "missing table %s (%s)", path, writtenBy));
        }
        Dataset<Row> table;
        try {
            table = spark.read().parquet(path);
        } catch (Exception e) { // e.g. an empty folder: Spark cannot infer a schema (AnalysisException, not a RuntimeException)
            throw new BadInputException(String.format(Locale.ROOT, "cannot read table %s as Parquet (%s): %s", path,
                    writtenBy, e.getMessage()), e);
        }
        List<String> columns = Arrays.asList(table.columns());
        List<String> missing = new ArrayList<>();
        for (StructField f : schema.fields()) {
            if (!columns.contains(f.name()) && !optional.contains(f.name())) {
                missing.add(f.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "table %s lacks the column(s) %s; its columns are %s (is it an `attnspark ablate` result table?)",
                    path, missing, columns));
        }
        return table;
    }

    /**
     * The columns, cast to the schema's types (a table written by an older version may store a wider type);
     * a column the table lacks (an optional one, see {@link #table}) is null.
     */
    private static Dataset<Row> select(Dataset<Row> table, StructType schema, String... names) {
        List<String> present = Arrays.asList(table.columns());
        Column[] columns = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            Column value = present.contains(names[i]) ? functions.col(names[i]) : functions.lit(null);
            columns[i] = value.cast(schema.apply(names[i]).dataType()).as(names[i]);
        }
        return table.select(columns);
    }

    /** The difference to the baseline from six columns from {@code first}: mean, CI low, CI high, p, p Holm, MDD. */
    private static ReportData.Difference difference(Row r, int first) {
        return new ReportData.Difference(num(r, first), num(r, first + 1), num(r, first + 2), num(r, first + 3),
                num(r, first + 4), num(r, first + 5));
    }

    /** A timestamp column's value, null for null. */
    private static Instant instant(Row r, int i) {
        Object v = r.get(i); // java.sql.Timestamp, or Instant with spark.sql.datetime.java8API.enabled
        return v == null ? null : v instanceof Instant instant ? instant : ((java.sql.Timestamp) v).toInstant();
    }

    /** A double column's value, NaN for null. */
    private static double num(Row r, int i) {
        return r.isNullAt(i) ? Double.NaN : r.getDouble(i);
    }
}
