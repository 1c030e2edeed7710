package io.attnspark.report;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a report page where it was asked for, never half-written: a local path or {@code file://} URI
 * through {@link HtmlReport#write} (a temporary file moved into place atomically), any other URI
 * ({@code hdfs://}, {@code s3a://}, e.g. an ablation's {@code output.path}) through the Hadoop FileSystem API
 * (a temporary file renamed into place; an old page is deleted just before, as those file systems do not
 * rename over a file).
 */
public final class ReportOutput {

    private static final Pattern URI_WITH_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

    private ReportOutput() {}

    /**
     * Writes the page.
     *
     * @param hadoop the Hadoop configuration for a non-local file system (Spark's)
     * @param out a local path, or a URI with a scheme
     * @param html the page
     * @return where it was written, for messages
     * @throws IOException if it cannot be written (a temporary file is removed)
     */
    public static String write(Configuration hadoop, String out, String html) throws IOException {
        if (!URI_WITH_SCHEME.matcher(out).matches()) {
            java.nio.file.Path local = java.nio.file.Path.of(out).toAbsolutePath();
            HtmlReport.write(html, local);
            return local.toString();
        }
        URI uri = URI.create(out);
        if (uri.getScheme().equals("file")) {
            java.nio.file.Path local = java.nio.file.Path.of(uri);
            HtmlReport.write(html, local);
            return local.toString();
        }
        Path target = new Path(uri);
        writeThrough(target.getFileSystem(hadoop), target, html);
        return target.toString();
    }

    /** The Hadoop way: a temporary sibling, then a rename. */
    static void writeThrough(FileSystem fs, Path target, String html) throws IOException {
        Path parent = target.getParent();
        if (parent != null) {
            fs.mkdirs(parent);
        }
        Path tmp = new Path(parent, "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FSDataOutputStream o = fs.create(tmp, false)) {
                o.write(html.getBytes(StandardCharsets.UTF_8));
            }
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("cannot replace " + target + ": deleting the old file failed");
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, false);
            }
        }
    }
}
