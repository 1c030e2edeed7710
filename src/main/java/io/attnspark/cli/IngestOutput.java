package io.attnspark.cli;

import io.attnspark.data.ImageRecord;
import io.attnspark.distributed.ImageTable;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every {@code ingest} subcommand shares (output, overwrite, master) and the steps they
 * share: write records as an image table (the driver-side readers) and print a one-line summary.
 */
final class IngestOutput {

    /** Split names become part of row ids, so they stay plain. */
    private static final Pattern SPLIT_NAME = Pattern.compile("[A-Za-z0-9_.]+");

    @Option(names = "--out", required = true, paramLabel = "PATH",
            description = "Output table path (local path, file://, hdfs:// or s3a://).")
    String out;

    @Option(names = "--overwrite", description = "Replace an existing table at --out (only once the new one is complete).")
    boolean overwrite;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not run by spark-submit (default: local[*]).")
    String master;

    /**
     * Writes the records and prints the summary.
     *
     * @param records the rows
     * @param classNames the class names, indexed by label
     * @param startNanos when the command started, from {@link System#nanoTime()}
     * @param console where the summary goes
     * @return the exit code, 0
     */
    int write(Iterator<ImageRecord> records, List<String> classNames, long startNanos, PrintWriter console) {
        SparkSession spark = SparkSessions.getOrCreate("attnspark-ingest", master);
        Map<String, Long> rowsPerSplit = ImageTable.write(spark, records, classNames, out, overwrite);
        printSummary(console, rowsPerSplit, classNames.size(), out, startNanos);
        return 0;
    }

    /**
     * Prints the one-line summary of an ingest: rows per split, classes, output, time.
     *
     * @param console where it goes
     * @param rowsPerSplit rows written per split
     * @param classes the number of classes
     * @param out the table written
     * @param startNanos when the command started, from {@link System#nanoTime()}
     */
    static void printSummary(PrintWriter console, Map<String, Long> rowsPerSplit, int classes, String out,
            long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String splits = rowsPerSplit.isEmpty()
                ? "0"
                : rowsPerSplit.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%d %s", e.getValue(), e.getKey()))
                        .collect(Collectors.joining(" + "));
        console.println(String.format(
                Locale.ROOT, "ingested %s rows, %d classes -> %s in %.1f s", splits, classes, out, seconds));
        console.flush();
    }

    /**
     * Rejects a split name that would make awkward ids.
     *
     * @param spec the command, for the error
     * @param split the name given
     * @throws CommandLine.ParameterException if it is not letters, digits, '_' or '.'
     */
    static void checkSplit(CommandLine.Model.CommandSpec spec, String split) {
        if (!SPLIT_NAME.matcher(split).matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.format(
                    Locale.ROOT, "--split must be letters, digits, '_' or '.', such as train or test; got '%s'", split));
        }
    }
}
