package io.attnspark.ablation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The dry run's estimated seconds per cell, kept in {@code <output>/estimates.tsv} (run id, tab, seconds)
 * so that the job itself can start the longest cells first without probing again. Run ids hash the
 * cell's config, so an edited config simply finds no estimates.
 */
public final class CellEstimates {

    private static final String FILE = "estimates.tsv";

    private CellEstimates() {}

    /**
     * Writes the estimates (to a temporary file, then renamed over the old one).
     *
     * @param hadoop the Hadoop configuration
     * @param output the ablation's output folder
     * @param seconds estimated seconds by run id
     */
    public static void write(Configuration hadoop, String output, Map<String, Double> seconds) {
        Path target = new Path(output, FILE);
        try {
            FileSystem fs = target.getFileSystem(hadoop);
            fs.mkdirs(target.getParent());
            Path tmp = new Path(output, "." + FILE + "-" + UUID.randomUUID());
            try (OutputStream out = fs.create(tmp, false)) {
                StringBuilder text = new StringBuilder();
                seconds.forEach((id, s) -> text.append(id).append('\t').append(String.format(Locale.ROOT, "%.3f", s))
                        .append('\n'));
                out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            }
            fs.delete(target, false);
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the estimates " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the estimates, if a dry run wrote any.
     *
     * @param hadoop the Hadoop configuration
     * @param output the ablation's output folder
     * @return estimated seconds by run id; empty without a file
     */
    public static Map<String, Double> read(Configuration hadoop, String output) {
        Path source = new Path(output, FILE);
        Map<String, Double> seconds = new LinkedHashMap<>();
        try {
            FileSystem fs = source.getFileSystem(hadoop);
            if (!fs.exists(source)) {
                return seconds;
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(source), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    String[] fields = line.split("\t");
                    if (fields.length == 2) {
                        try {
                            seconds.put(fields[0], Double.parseDouble(fields[1]));
                        } catch (NumberFormatException e) {
                            // a damaged line only costs that cell its estimate
                        }
                    }
                }
            }
            return seconds;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the estimates " + source + ": " + e.getMessage(), e);
        }
    }
}
