package io.attnspark.train;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a device does bfloat16 arithmetic in hardware, and if not, why not.
 *
 * @param available true if bfloat16 is worth using
 * @param reason what was found, for the log
 */
public record BFloat16Support(boolean available, String reason) {

    /** The x86 flags with bfloat16 dot products that oneDNN uses (either suffices). */
    static final List<String> CPU_FLAGS = List.of("avx512_bf16", "amx_bf16");

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    /**
     * Looks at a device: a CPU's flags in {@code /proc/cpuinfo}, a GPU's CUDA compute capability.
     *
     * @param device the device
     * @return what it supports
     */
    public static BFloat16Support of(Device device) {
        if (device.isGpu()) {
            String capability = ai.djl.util.cuda.CudaUtils.getComputeCapability(device.getDeviceId());
            return ofComputeCapability(capability);
        }
        try {
            return ofCpuinfo(Files.readString(CPUINFO));
        } catch (IOException | RuntimeException e) {
            return new BFloat16Support(false, "cannot read " + CPUINFO + ": " + e.getMessage());
        }
    }

    /**
     * Reads the first processor's flags and model name.
     *
     * @param cpuinfo the text of {@code /proc/cpuinfo}
     * @return what the CPU supports
     */
    static BFloat16Support ofCpuinfo(String cpuinfo) {
        String model = field(cpuinfo, "model name");
        Set<String> flags = Arrays.stream(field(cpuinfo, "flags").split("\\s+")).collect(Collectors.toSet());
        for (String flag : CPU_FLAGS) {
            if (flags.contains(flag)) {
                return new BFloat16Support(true, model + " has " + flag);
            }
        }
        return new BFloat16Support(false, model + " has neither " + String.join(" nor ", CPU_FLAGS));
    }

    /**
     * Ampere (8.0) and newer GPUs have bfloat16 tensor cores.
     *
     * @param capability DJL's compute capability, e.g. {@code "80"} or {@code "75"}
     * @return what the GPU supports
     */
    static BFloat16Support ofComputeCapability(String capability) {
        boolean ampere;
        try {
            ampere = Integer.parseInt(capability.trim()) >= 80; // "75", "86", "90", "100"
        } catch (NumberFormatException | NullPointerException e) {
            ampere = false;
        }
        return new BFloat16Support(ampere, "CUDA compute capability " + capability
                + (ampere ? "" : ", bfloat16 needs 8.0 (Ampere) or newer"));
    }

    private static String field(String cpuinfo, String name) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }
}
