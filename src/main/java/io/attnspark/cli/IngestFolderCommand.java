package io.attnspark.cli;

import io.attnspark.data.IngestEncoding;
import io.attnspark.distributed.FolderIngest;
import io.attnspark.distributed.RejectedFiles;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ingest folder}: an image folder on any Hadoop file system, read and checked on the executors
 * ({@link FolderIngest}), as an image table.
 */
@Command(
        name = "folder",
        mixinStandardHelpOptions = true,
        description = {"Ingest a folder of PNG/JPEG images (file://, hdfs://, s3a:// or a local path), read on the"
                + " executors. Classes: the first folder under the root (sorted; label = index). With train/ and"
                + " val/ (or test/) folders under the root, each is a split (val becomes 'test' unless test/ exists"
                + " too). Every image is decoded; the table keeps the original bytes (or, with --resize-shorter,"
                + " shrunk JPEGs) and gains height, width and channels columns."})
public final class IngestFolderCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--root", required = true, paramLabel = "URI",
            description = "Folder of images: a local path, file://, hdfs:// or s3a://.")
    String root;

    @Option(names = "--split", paramLabel = "NAME",
            description = "Split of every image; the root's folders are then classes even if named train/val"
                    + " (default: split folders if the root has train/ with val/ or test/, else train).")
    String split;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "CSV of path,label (path under --root, label a class name) for images not sorted into"
                    + " class folders, such as ImageNet's validation folder; any file system.")
    String labels;

    @Option(names = "--resize-shorter", paramLabel = "N",
            description = "Shrink images whose shorter side is over N pixels to N (aspect kept; smaller images"
                    + " keep their bytes) and re-encode them as JPEG.")
    Integer resizeShorter;

    @Option(names = "--quality", paramLabel = "Q",
            description = "JPEG quality 1..100 of images re-encoded by --resize-shorter (default: "
                    + IngestEncoding.DEFAULT_QUALITY + ").")
    Integer quality;

    @Option(names = "--skip-bad",
            description = "Leave out files that are not readable images, listing each with its reason in the"
                    + " table <out>/_rejected (default: the first bad file stops the ingest).")
    boolean skipBad;

    @Mixin IngestOutput output;

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        long start = System.nanoTime();
        if (split != null) {
            IngestOutput.checkSplit(spec, split);
        }
        IngestEncoding encoding = encoding();
        SparkSession spark = SparkSessions.getOrCreate("attnspark-ingest", output.master);
        FolderIngest.Outcome outcome = FolderIngest.run(spark, new FolderIngest.Settings(
                root, split, labels, encoding, skipBad, output.out, output.overwrite));
        PrintWriter console = spec.commandLine().getOut();
        if (!outcome.splitFolders().isEmpty()) {
            console.println("splits: " + outcome.splitFolders().entrySet().stream()
                    .map(e -> e.getKey() + "/ -> " + e.getValue()).collect(Collectors.joining(", ")));
        }
        if (outcome.ignored() > 0) {
            console.println(String.format(Locale.ROOT,
                    "ignored %d images outside class folders (directly in the root or a split folder)",
                    outcome.ignored()));
        }
        if (skipBad) {
            console.println(String.format(Locale.ROOT, "rejected %d bad file%s -> %s",
                    outcome.rejected(), outcome.rejected() == 1 ? "" : "s", RejectedFiles.pathOf(output.out)));
        }
        IngestOutput.printSummary(console, outcome.rowsPerSplit(), outcome.classNames().size(), output.out, start);
        return 0;
    }

    private IngestEncoding encoding() {
        if (resizeShorter == null) {
            if (quality != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--quality only applies with --resize-shorter (images are otherwise kept as they are)");
            }
            return IngestEncoding.ORIGINAL;
        }
        if (resizeShorter < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--resize-shorter must be at least 1 pixel, got " + resizeShorter);
        }
        int q = quality == null ? IngestEncoding.DEFAULT_QUALITY : quality;
        if (q < 1 || q > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--quality must be 1..100 (90 is usual), got " + q);
        }
        return new IngestEncoding(resizeShorter, q);
    }
}
