package io.attnspark.data;

/** Derives independent, reproducible seeds from a run's seed and coordinates (shard, round, ...). */
public final class Seeds {

    private Seeds() {}

    /**
     * Mixes a seed with coordinates into a new seed (SplitMix64 finaliser per part).
     *
     * @param seed the base seed
     * @param parts coordinates, e.g. shard and round
     * @return a derived seed
     */
    public static long mix(long seed, long... parts) {
        long h = scramble(seed);
        for (long part : parts) {
            h = scramble(h ^ scramble(part + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    /**
     * A stable shuffle key for a record id under a seed, for sharding.
     *
     * @param seed the run's seed
     * @param id the record's id
     * @return the key; sorting by it is a seeded shuffle
     */
    public static long shuffleKey(long seed, String id) {
        long h = 1125899906842597L;
        for (int i = 0; i < id.length(); i++) {
            h = 31 * h + id.charAt(i);
        }
        return mix(seed, h);
    }

    private static long scramble(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
