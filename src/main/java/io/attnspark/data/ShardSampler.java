package io.attnspark.data;

import java.util.SplittableRandom;

/**
 * Which images of a shard make up the batch of a given global step: a fresh seeded permutation of
 * the shard each epoch, cut into full batches (the last partial batch of an epoch is skipped, and
 * its images come round again in the next epoch's permutation). A pure function of (seed, shard,
 * step), so a retried task sees exactly the batches the first attempt saw.
 */
public final class ShardSampler {

    private final int shardSize;
    private final int batchSize;
    private final long seed;
    private final int shard;
    private long cachedEpoch = -1;
    private int[] permutation;

    /**
     * Creates a sampler.
     *
     * @param shardSize images in the shard
     * @param batchSize images per batch, at most the shard size
     * @param seed the run's seed
     * @param shard the shard index
     */
    public ShardSampler(int shardSize, int batchSize, long seed, int shard) {
        if (batchSize < 1 || batchSize > shardSize) {
            throw new IllegalArgumentException(
                    "batch size " + batchSize + " must be between 1 and the shard size " + shardSize);
        }
        this.shardSize = shardSize;
        this.batchSize = batchSize;
        this.seed = seed;
        this.shard = shard;
    }

    /**
     * Returns the full batches per epoch.
     *
     * @return steps per epoch
     */
    public int stepsPerEpoch() {
        return shardSize / batchSize;
    }

    /**
     * Returns the image indices of a step's batch.
     *
     * @param step the global step, from 0
     * @return {@code batchSize} indices into the shard
     */
    public int[] batch(long step) {
        long epoch = step / stepsPerEpoch();
        int position = (int) (step % stepsPerEpoch()) * batchSize;
        if (epoch != cachedEpoch) {
            permutation = permutation(shardSize, Seeds.mix(seed, shard, epoch));
            cachedEpoch = epoch;
        }
        int[] batch = new int[batchSize];
        System.arraycopy(permutation, position, batch, 0, batchSize);
        return batch;
    }

    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
