package io.attnspark.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Batches whose images are resized on the way: each image is fetched (decoded, for an
 * {@link EncodedShard}), viewed (a random-resized crop for training, else the evaluation view:
 * shorter side to input / 0.875, centre crop), padded-cropped and flipped, and normalised. Each
 * image's randomness comes from (batch seed, position in the batch), so a batch is the same whichever
 * thread decodes which image and however many threads there are.
 */
final class ViewedBatches implements BatchMaker {

    private static final long IMAGE_STREAM = 0x1A6EL;

    private final ImageShard shard;
    private final IntFunction<DecodedImage> images;
    private final InputPipeline input;
    private final BatchAssembler training;
    private final BatchAssembler plain;
    private final ExecutorService decoders;

    /**
     * Creates the batch maker of a shard.
     *
     * @param shard the shard (for labels)
     * @param images image i of the shard, decoded, with the input's channels
     * @param input the pipeline
     */
    ViewedBatches(ImageShard shard, IntFunction<DecodedImage> images, InputPipeline input) {
        this.shard = shard;
        this.images = images;
        this.input = input;
        this.training = new BatchAssembler(input.normalization(), input.cropPadding(), input.flip());
        this.plain = new BatchAssembler(input.normalization(), 0, false);
        // The calling thread decodes too, so n threads means n - 1 helpers.
        this.decoders = input.decodeThreads() > 1
                ? Executors.newFixedThreadPool(input.decodeThreads() - 1, DaemonThreads.named("attnspark-decode"))
                : null;
    }

    /** {@inheritDoc} */
    @Override
    public void trainBatch(int[] indices, long seed, float[] out, long[] labels) {
        fill(indices, seed, true, out, labels);
    }

    /** {@inheritDoc} */
    @Override
    public void evalBatch(int[] indices, float[] out, long[] labels) {
        fill(indices, 0, false, out, labels);
    }

    private void fill(int[] indices, long seed, boolean train, float[] out, long[] labels) {
        int parts = decoders == null ? 1 : Math.min(input.decodeThreads(), indices.length);
        List<Future<?>> helpers = new ArrayList<>();
        for (int p = 1; p < parts; p++) {
            int part = p;
            helpers.add(decoders.submit(() -> fillPart(indices, seed, train, out, labels, part, parts)));
        }
        fillPart(indices, seed, train, out, labels, 0, parts);
        for (Future<?> helper : helpers) {
            try {
                helper.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("decoding a batch failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding a batch", e);
            }
        }
    }

    // Images part, part + parts, ... of the batch: interleaved so that slow images spread out.
    private void fillPart(int[] indices, long seed, boolean train, float[] out, long[] labels, int part, int parts) {
        int size = input.imageSize();
        for (int b = part; b < indices.length; b += parts) {
            int image = indices[b];
            labels[b] = shard.label(image);
            DecodedImage decoded = images.apply(image);
            if (train) {
                SplittableRandom random = new SplittableRandom(Seeds.mix(seed, IMAGE_STREAM, b));
                DecodedImage view = input.randomResizedCrop() != null
                        ? InputViews.train(decoded, input.height(), input.width(), input.randomResizedCrop(), false,
                                random)
                        : InputViews.eval(decoded, input.height(), input.width());
                training.write(view, random, out, b * size);
            } else {
                plain.write(InputViews.eval(decoded, input.height(), input.width()), null, out, b * size);
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        if (decoders != null) {
            decoders.shutdownNow();
        }
    }
}
