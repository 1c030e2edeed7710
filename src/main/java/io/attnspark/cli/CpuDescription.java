package io.attnspark.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The CPU a benchmark ran on, as {@code jobs/cpu-report.sh} prints it: model name, vendor, family
 * and model, visible cores, and the vector-instruction flags that decide which kernels native
 * libraries (libtorch, libjpeg-turbo, OpenCV) dispatch to. Numbers from Zen 4, Zen 5 and Intel
 * machines are not comparable without it.
 */
final class CpuDescription {

    /** The flags cpu-report.sh prints, plus SSE4.2 and AVX, which JPEG codecs dispatch on. */
    private static final Set<String> FLAGS = Set.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
            "avx512_bf16", "avx512_fp16", "avx512_vnni", "avx_vnni", "amx_bf16", "amx_tile");

    private CpuDescription() {}

    /**
     * Describes this machine's CPU in one line, or says why it cannot.
     *
     * @return e.g. {@code CPU: AMD EPYC 9454 (vendor AuthenticAMD, family 25, model 17, 2 cores visible);
     *     flags: avx avx2 ...}
     */
    static String describe() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            return "CPU: unknown (/proc/cpuinfo is not readable: " + e.getMessage() + ")";
        }
        List<String> flags = new ArrayList<>();
        for (String flag : field(lines, "flags").split(" ")) {
            if (FLAGS.contains(flag)) {
                flags.add(flag);
            }
        }
        return String.format(Locale.ROOT, "CPU: %s (vendor %s, family %s, model %s, %d cores visible); flags: %s",
                field(lines, "model name"), field(lines, "vendor_id"), field(lines, "cpu family"),
                field(lines, "model"), Runtime.getRuntime().availableProcessors(),
                flags.isEmpty() ? "none of interest" : String.join(" ", flags));
    }

    private static String field(List<String> lines, String name) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "?";
    }
}
