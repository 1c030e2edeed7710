package io.attnspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportOutputTest {

    @TempDir Path dir;

    private List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void localPathsAndFileUris() throws IOException {
        Configuration conf = new Configuration();
        Path plain = dir.resolve("a/report.html");
        assertEquals(plain.toString(), ReportOutput.write(conf, plain.toString(), "<p>1</p>"));
        assertEquals("<p>1</p>", Files.readString(plain));
        Path viaUri = dir.resolve("b c/report.html"); // a space: the URI escapes it
        ReportOutput.write(conf, viaUri.toUri().toString(), "<p>2</p>");
        assertEquals("<p>2</p>", Files.readString(viaUri));
        assertEquals(List.of("report.html"), names(viaUri.getParent()));
    }

    @Test
    void throughAHadoopFileSystemReplacingAnOldPage() throws IOException {
        FileSystem raw = FileSystem.getLocal(new Configuration()).getRawFileSystem(); // no .crc files
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("h/report.html").toUri());
        ReportOutput.writeThrough(raw, target, "<p>old</p>");
        ReportOutput.writeThrough(raw, target, "<p>new</p>");
        assertEquals("<p>new</p>", Files.readString(dir.resolve("h/report.html")));
        assertEquals(List.of("report.html"), names(dir.resolve("h")), "no temporary file left");
    }

    @Test
    void unknownSchemeIsAnIoError() {
        assertThrows(IOException.class, () -> ReportOutput.write(new Configuration(), "nosuchfs://x/report.html", "<p/>"));
    }
}
