package io.attnspark.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CPU a benchmark ran on, in one line, as {@code jobs/cpu-report.sh} prints it: machines of one
 * kind differ, and numbers mean little without it.
 */
final class CpuDescription {

    private CpuDescription() {}

    /**
     * Describes the CPU.
     *
     * @return e.g. "AMD EPYC 9R14 (family 25, model 17), 2 cores visible"; the model is "unknown" where
     *     {@code /proc/cpuinfo} cannot be read
     */
    static String describe() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            lines = List.of();
        }
        return String.format(java.util.Locale.ROOT, "%s (family %s, model %s), %d cores visible",
                field(lines, "model name"), field(lines, "cpu family"), field(lines, "model"),
                Runtime.getRuntime().availableProcessors());
    }

    private static String field(List<String> lines, String name) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return "unknown";
    }
}
