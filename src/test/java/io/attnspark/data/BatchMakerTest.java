package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Both kinds of shard make the batches their pipeline asks for, and bad images are named. */
class BatchMakerTest {

    private static final RandomResizedCrop RRC = RandomResizedCrop.standard();
    private static final Normalization NORM = new Normalization(new float[] {0.5f, 0.4f, 0.3f},
            new float[] {0.2f, 0.25f, 0.3f});

    private static DecodedImage image(Random random, int h, int w) {
        byte[] pixels = new byte[3 * h * w];
        random.nextBytes(pixels);
        return new DecodedImage(3, h, w, pixels);
    }

    private static EncodedShard encoded(DecodedImage... images) {
        String[] ids = new String[images.length];
        byte[][] bytes = new byte[images.length][];
        int[] labels = new int[images.length];
        for (int i = 0; i < images.length; i++) {
            ids[i] = "img-" + i;
            bytes[i] = PngCodec.encode(images[i]);
            labels[i] = i % 3;
        }
        return new EncodedShard(ids, bytes, labels);
    }

    private static float[] normalised(DecodedImage image) {
        float[] out = new float[image.pixels().length];
        new BatchAssembler(NORM, 0, false).write(image, null, out, 0);
        return out;
    }

    @Test
    void decodedShardOfTheInputSizeBatchesExactlyAsTheAssemblerDoes() {
        Random random = new Random(1);
        byte[] pixels = new byte[4 * 3 * 8 * 8];
        random.nextBytes(pixels);
        ShardData shard = new ShardData(3, 8, 8, new int[] {0, 1, 2, 0}, pixels);
        InputPipeline input = InputPipeline.fixed(NORM, 3, 8, 8, 2, true);
        float[] expected = new float[3 * 192];
        long[] expectedLabels = new long[3];
        new BatchAssembler(NORM, 2, true).assemble(shard, new int[] {3, 1, 2}, new SplittableRandom(99), expected,
                expectedLabels);
        float[] actual = new float[3 * 192];
        long[] labels = new long[3];
        try (BatchMaker maker = shard.batches(input)) {
            maker.trainBatch(new int[] {3, 1, 2}, 99, actual, labels);
        }
        assertArrayEquals(expected, actual);
        assertArrayEquals(expectedLabels, labels);
    }

    @Test
    void evaluationBatchesAreTheNormalisedEvaluationViews() {
        Random random = new Random(2);
        DecodedImage wide = image(random, 20, 40);
        DecodedImage tall = image(random, 33, 17);
        EncodedShard shard = encoded(wide, tall);
        InputPipeline input = new InputPipeline(NORM, 3, 12, 12, 0, false, RRC, 2);
        float[] out = new float[2 * 3 * 144];
        long[] labels = new long[2];
        try (BatchMaker maker = shard.batches(input)) {
            maker.evalBatch(new int[] {1, 0}, out, labels);
        }
        float[] first = normalised(InputViews.eval(tall, 12, 12));
        float[] second = normalised(InputViews.eval(wide, 12, 12));
        float[] expected = new float[out.length];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(second, 0, expected, first.length, second.length);
        assertArrayEquals(expected, out);
        assertArrayEquals(new long[] {1, 0}, labels);
    }

    @Test
    void trainingBatchesDependOnTheSeedOnlyNotOnTheThreadsOrTheKindOfShard() {
        Random random = new Random(3);
        DecodedImage[] images = new DecodedImage[7];
        byte[] pixels = new byte[7 * 3 * 24 * 24];
        for (int i = 0; i < images.length; i++) {
            images[i] = image(random, 24, 24);
            System.arraycopy(images[i].pixels(), 0, pixels, i * images[i].pixels().length, images[i].pixels().length);
        }
        ShardData decoded = new ShardData(3, 24, 24, new int[] {0, 1, 2, 0, 1, 2, 0}, pixels);
        int[] batch = {6, 0, 3, 5, 1};
        float[] reference = null;
        for (int threads : new int[] {1, 2, 4}) {
            InputPipeline input = new InputPipeline(NORM, 3, 16, 16, 1, true, RRC, threads);
            for (ImageShard shard : new ImageShard[] {encoded(images), decoded}) {
                float[] out = new float[batch.length * input.imageSize()];
                try (BatchMaker maker = shard.batches(input)) {
                    maker.trainBatch(batch, 1234, out, new long[batch.length]);
                }
                if (reference == null) {
                    reference = out;
                } else {
                    assertArrayEquals(reference, out, threads + " threads, " + shard.getClass().getSimpleName());
                }
            }
        }
        float[] otherSeed = new float[reference.length];
        try (BatchMaker maker = encoded(images).batches(new InputPipeline(NORM, 3, 16, 16, 1, true, RRC, 1))) {
            maker.trainBatch(batch, 1235, otherSeed, new long[batch.length]);
        }
        assertTrue(!java.util.Arrays.equals(reference, otherSeed), "another seed, other crops");
    }

    @Test
    void anImageThatDoesNotDecodeIsNamedWhicheverThreadMeetsIt() {
        EncodedShard shard = new EncodedShard(new String[] {"good", "broken/file.jpg", "good2"},
                new byte[][] {PngCodec.encode(image(new Random(4), 10, 10)), {(byte) 0xFF, (byte) 0xD8, 1, 2},
                    PngCodec.encode(image(new Random(5), 10, 10))}, new int[] {0, 1, 2});
        for (int threads : new int[] {1, 3}) {
            InputPipeline input = new InputPipeline(NORM, 3, 8, 8, 0, false, RRC, threads);
            try (BatchMaker maker = shard.batches(input)) {
                BadInputException e = assertThrows(BadInputException.class,
                        () -> maker.trainBatch(new int[] {0, 1, 2}, 1, new float[3 * 192], new long[3]));
                assertTrue(e.getMessage().contains("broken/file.jpg"), e.getMessage());
            }
        }
    }

    @Test
    void aPipelineRejectsImpossibleSettingsAndShardsOfOtherChannels() {
        assertThrows(IllegalArgumentException.class, () -> new InputPipeline(NORM, 2, 8, 8, 0, false, null, 1));
        assertThrows(IllegalArgumentException.class, () -> new InputPipeline(NORM, 3, 8, 8, 0, false, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new InputPipeline(NORM, 1, 8, 8, 0, false, null, 1));
        ShardData gray = new ShardData(1, 4, 4, new int[] {0}, new byte[16]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gray.batches(InputPipeline.fixed(NORM, 3, 4, 4, 0, false)));
        assertTrue(e.getMessage().contains("1x4x4"), e.getMessage());
        assertEquals(3, new EncodedShard(new String[3], new byte[3][], new int[3]).size());
        assertThrows(IllegalArgumentException.class, () -> new EncodedShard(new String[2], new byte[3][], new int[3]));
    }
}
