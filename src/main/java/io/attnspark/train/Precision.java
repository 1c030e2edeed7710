package io.attnspark.train;

import ai.djl.Device;
import io.attnspark.nn.Autocast;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The arithmetic of a replica's forward and backward passes ({@code train.precision}). Parameters,
 * momentum buffers, averaging and checkpoints are float32 in both; see {@link Autocast} for which ops
 * run in bfloat16.
 */
public enum Precision {

    /** Everything in float32 (the default). */
    FLOAT32("float32"),

    /** Convolutions, linear layers and attention products in bfloat16, the rest as PyTorch's autocast. */
    BFLOAT16("bfloat16");

    private static final Logger LOG = LoggerFactory.getLogger(Precision.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final String configName;

    Precision(String configName) {
        this.configName = configName;
    }

    /**
     * The name used in configuration and on the command line.
     *
     * @return {@code float32} or {@code bfloat16}
     */
    public String configName() {
        return configName;
    }

    /**
     * Parses a configured value.
     *
     * @param key the setting's name, for the error
     * @param value {@code float32} or {@code bfloat16} (case-insensitive)
     * @return the precision
     * @throws IllegalArgumentException naming the key and the valid values
     */
    public static Precision parse(String key, String value) {
        for (Precision p : values()) {
            if (p.configName.equalsIgnoreCase(value.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException(String.format(
                Locale.ROOT, "%s: unknown precision '%s'; valid: float32, bfloat16", key, value));
    }

    /**
     * The precision a replica on this device computes in: bfloat16 only where the hardware has bfloat16
     * arithmetic (x86 CPUs with AVX512-BF16 or AMX-BF16, CUDA GPUs of compute capability 8.0 or newer);
     * elsewhere float32, said once per JVM in the log, since libtorch would emulate bfloat16 there at a
     * fraction of float32's speed.
     *
     * @param device the replica's device
     * @return the precision to compute in
     */
    public Precision on(Device device) {
        return this == FLOAT32 ? this : on(device, BFloat16Support.of(device));
    }

    /**
     * As {@link #on(Device)}, with the device's support already looked up (tests supply their own).
     *
     * @param device the replica's device, for the warning
     * @param support what the device supports
     * @return the precision to compute in
     */
    Precision on(Device device, BFloat16Support support) {
        if (this == FLOAT32 || support.available()) {
            return this;
        }
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("train.precision = bfloat16, but {} has no bfloat16 arithmetic ({}); running in float32",
                    device, support.reason());
        }
        return FLOAT32;
    }

    /**
     * Opens this precision's autocast scope on the calling thread.
     *
     * @return the scope, to close after the forward pass
     */
    public Autocast scope() {
        return this == BFLOAT16 ? Autocast.bfloat16() : Autocast.float32();
    }
}
