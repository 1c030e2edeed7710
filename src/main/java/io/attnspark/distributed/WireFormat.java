package io.attnspark.distributed;

import java.util.Locale;

/**
 * How trainable parameters travel from a replica to the task that averages their slice. Momentum
 * buffers and batch-norm statistics always travel as float32. In {@code bfloat16} a replica sends
 * the change of each trainable parameter over the round (its value minus the average it started
 * from), rounded to bfloat16 (round to nearest, ties to even): the change is small, so its 8-bit
 * mantissa loses far less than rounding the parameter itself would.
 */
public enum WireFormat {
    /** 4 bytes per value, exact. */
    FLOAT32,
    /** 2 bytes per trainable parameter (its change over the round), 4 for the rest. */
    BFLOAT16;

    /**
     * Reads a setting.
     *
     * @param value {@code float32} or {@code bfloat16}
     * @return the format
     * @throws IllegalArgumentException naming {@code sync.wire} and the value
     */
    public static WireFormat parse(String value) {
        for (WireFormat w : values()) {
            if (w.configName().equals(value)) {
                return w;
            }
        }
        throw new IllegalArgumentException("sync.wire must be float32 or bfloat16, got '" + value + "'");
    }

    /**
     * Returns the name used in configs.
     *
     * @return {@code float32} or {@code bfloat16}
     */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Rounds a float to bfloat16, to nearest with ties to even (as PyTorch's {@code .bfloat16()});
     * NaN stays NaN.
     *
     * @param value the float
     * @return the upper 16 bits of the rounded float
     */
    public static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /**
     * Widens a bfloat16 to float (exact).
     *
     * @param bits the upper 16 bits
     * @return the float
     */
    public static float fromBfloat16(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }
}
