package io.attnspark.nn;

import java.util.Locale;

/** Reduced widths as the references compute them (timm's {@code make_divisible}). */
final class Widths {

    private Widths() {}

    /**
     * timm {@code layers/helpers.py make_divisible}: the nearest multiple of {@code divisor}, at
     * least {@code divisor}, bumped up once if it falls below {@code roundLimit * v}.
     */
    static int makeDivisible(double v, int divisor, double roundLimit) {
        int newV = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        if (newV < roundLimit * v) {
            newV += divisor;
        }
        return newV;
    }

    /** A block's option names: its own and a shared set. */
    static java.util.Set<String> union(java.util.Set<String> shared, String... own) {
        java.util.Set<String> all = new java.util.HashSet<>(shared);
        all.addAll(java.util.List.of(own));
        return java.util.Collections.unmodifiableSet(all);
    }

    /** Fails unless a derived width is positive, naming it and how it was derived. */
    static int positive(String block, String what, int value, String from) {
        if (value < 1) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s: %s is %d (from %s); it must be at least 1",
                            block,
                            what,
                            value,
                            from));
        }
        return value;
    }
}
