package io.attnspark.cli;

import io.attnspark.stats.Medians;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attnspark bench rounds}: where a finished run's rounds spent their time, from its {@code rounds}
 * table: the median of each part of the round, and its share of the median round.
 */
@Command(name = "rounds", mixinStandardHelpOptions = true,
        description = "Median round-time breakdown of a finished run (compute, load, aggregate, broadcast, checkpoint).")
public final class BenchRoundsCommand implements Callable<Integer> {

    private static final List<String> PARTS =
            List.of("round_s", "compute_s", "load_s", "aggregate_s", "broadcast_s", "checkpoint_s", "eval_s",
                    "task_min_s", "task_median_s", "task_max_s");

    @Option(names = "--run", required = true, description = "A train job's output.path (reads tables/rounds).")
    String run;

    @Option(names = "--skip", description = "Leading rounds left out (warm-up; default: ${DEFAULT-VALUE}).")
    int skip = 3;

    @Option(names = "--master", description = "Spark master (default local[*]).")
    String master;

    @Override
    public Integer call() {
        SparkSession spark = SparkSessions.getOrCreate("attnspark-bench-rounds", master);
        Dataset<Row> rounds = spark.read().parquet(run + "/tables/rounds").filter(functions.col("round").geq(skip))
                .filter(functions.col("test_top1").isNull()); // evaluation rounds carry eval time: listed apart
        long n = rounds.count();
        if (n == 0) {
            throw new ConfigError("no rounds after the first " + skip + " in " + run + "/tables/rounds");
        }
        double round = median(rounds, "round_s");
        System.out.printf(Locale.ROOT, "%d rounds (the first %d and the evaluation rounds left out)%n", n, skip);
        System.out.println("| part | median s | share of median round |");
        System.out.println("|---|---:|---:|");
        for (String part : PARTS) {
            double m = median(rounds, part);
            System.out.printf(Locale.ROOT, "| %s | %.4f | %.1f%% |%n", part, m, 100 * m / round);
        }
        if (Arrays.asList(rounds.columns()).contains("sync_bytes_driver")) {
            Row bytes = rounds.agg(functions.max("sync_bytes_driver"), functions.max("sync_bytes_task_max")).first();
            System.out.printf(Locale.ROOT, "model-state bytes per round: driver %s, busiest task %s%n",
                    bytes.isNullAt(0) ? "n/a" : String.format(Locale.ROOT, "%.2f MB", bytes.getLong(0) / 1e6),
                    bytes.isNullAt(1) ? "n/a" : String.format(Locale.ROOT, "%.2f MB", bytes.getLong(1) / 1e6));
        }
        return 0;
    }

    /** The project's median ({@link Medians}); Spark's approxQuantile would return a middle value, not their mean. */
    private static double median(Dataset<Row> rounds, String column) {
        return Medians.of(rounds.select(column).as(Encoders.DOUBLE()).collectAsList());
    }
}
