package io.attnspark.cli;

import io.attnspark.data.BadInputException;
import io.attnspark.report.HtmlReport;
import io.attnspark.report.ReportData;
import io.attnspark.report.ReportOutput;
import io.attnspark.report.ReportTables;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code attnspark report}: one self-contained HTML page from an ablation's result tables. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Render an ablation's result tables as one self-contained HTML file: accuracy against"
                + " parameter overhead, learning curves, the summary table, throughput.")
public final class ReportCommand implements Callable<Integer> {

    @Option(names = "--results", required = true, paramLabel = "PATH",
            description = "The ablation's output folder (its tables are under PATH/tables).")
    String results;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "The HTML file to write: a local path (parent folders are created), file://, hdfs:// or s3a://.")
    String out;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not run by spark-submit (default: local[*]).")
    String master;

    @Override
    public Integer call() {
        SparkSession spark = SparkSessions.getOrCreate("attnspark-report", master);
        ReportData data = ReportTables.read(spark, results);
        String html = new HtmlReport(data).render();
        String written;
        try {
            written = ReportOutput.write(spark.sparkContext().hadoopConfiguration(), out, html);
        } catch (IOException | IllegalArgumentException e) { // IllegalArgumentException: a malformed path or URI
            // Usually the user's doing (a folder, a read-only place): one line, exit code 2.
            throw new BadInputException("cannot write the report to " + out + ": " + e, e);
        }
        System.out.println(String.format(Locale.ROOT, "report of %d runs, %d variants -> %s",
                data.shownRuns().size(), data.variants().size(), written));
        return 0;
    }
}
