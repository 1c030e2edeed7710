package io.attnspark.nn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident-set growth over a stretch of work (Linux {@code VmHWM}, reset through
 * {@code /proc/self/clear_refs}). On CPU this is the peak of what libtorch allocates, provided glibc
 * returns freed memory to the OS (run with {@code MALLOC_MMAP_THRESHOLD_=65536}); otherwise reused
 * heap pages hide it.
 */
public final class PeakMemory {

    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static final Path STATUS = Path.of("/proc/self/status");

    private PeakMemory() {}

    /**
     * Resets the peak to the current resident set.
     *
     * @return the current resident set in bytes, or -1 where this is not supported
     */
    public static long reset() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return readKb("VmRSS:") * 1024;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Returns how far the peak rose above a reset point.
     *
     * @param resetBytes what {@link #reset()} returned
     * @return bytes, or -1 if {@code resetBytes} is -1
     */
    public static long growthSince(long resetBytes) {
        return resetBytes < 0 ? -1 : Math.max(0, readKb("VmHWM:") * 1024 - resetBytes);
    }

    private static long readKb(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + STATUS, e);
        }
        throw new IllegalStateException(key + " not in " + STATUS);
    }
}
