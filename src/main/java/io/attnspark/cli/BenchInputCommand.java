package io.attnspark.cli;

import ai.djl.Device;
import io.attnspark.data.BatchMaker;
import io.attnspark.data.DecodedImage;
import io.attnspark.data.EncodedShard;
import io.attnspark.data.InputPipeline;
import io.attnspark.data.InputViews;
import io.attnspark.data.ImageDecoder;
import io.attnspark.data.Normalization;
import io.attnspark.data.RandomResizedCrop;
import io.attnspark.data.ShardData;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.LearningRateSchedule;
import io.attnspark.train.Replica;
import io.attnspark.train.SgdSettings;
import io.attnspark.train.ShardTrainer;
import io.attnspark.train.TorchRuntime;
import io.attnspark.train.TrainingPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attnspark bench input}: the share of a training step that the input pipeline adds when
 * images are decoded per epoch with prefetching on. One replica trains the same steps on the same
 * ImageNet-like JPEGs twice, alternately: from pixels decoded once at the input size (compute only), and
 * streamed (decode + random-resized crop + flip + normalise on the prefetch thread). Also times making
 * the batches alone. Nothing here is a pass/fail test.
 */
@Command(name = "input", mixinStandardHelpOptions = true,
        description = "Measure what decoding per epoch adds to a training step (prints a Markdown table).")
public final class BenchInputCommand implements Callable<Integer> {

    @Option(names = "--images", description = "ImageNet-like JPEGs in the shard (default: ${DEFAULT-VALUE}).")
    int images = 192;

    @Option(names = "--source-size", split = ",", description = "JPEG height,width (default: 375,500).")
    int[] sourceSize = {375, 500};

    @Option(names = "--input", description = "Input height and width (default: ${DEFAULT-VALUE}).")
    int input = 112;

    @Option(names = "--depth", description = "ResNet (ImageNet-style) depth (default: ${DEFAULT-VALUE}).")
    int depth = 18;

    @Option(names = "--batch-size", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize = 32;

    @Option(names = "--steps", description = "Timed steps per repeat (default: ${DEFAULT-VALUE}).")
    int steps = 10;

    @Option(names = "--warmup-steps", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmupSteps = 3;

    @Option(names = "--repeats", description = "Repeats of each mode, alternating (default: ${DEFAULT-VALUE}).")
    int repeats = 3;

    @Option(names = "--threads", description = "libtorch intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--decode-threads", description = "data.decode-threads of the streamed mode (default: ${DEFAULT-VALUE}).")
    int decodeThreads = 1;

    @Override
    public Integer call() {
        TorchRuntime.forbidDownloads();
        TorchRuntime.useIntraOpThreads(threads);
        List<byte[]> jpegs = SyntheticPhotos.jpegs(images, sourceSize[0], sourceSize[1], 90, 1);
        String[] ids = IntStream.range(0, images).mapToObj(i -> "photo-" + i).toArray(String[]::new);
        int[] labels = IntStream.range(0, images).map(i -> i % 10).toArray();
        EncodedShard encoded = new EncodedShard(ids, jpegs.toArray(new byte[0][]), labels);
        int size = 3 * input * input;
        byte[] pixels = new byte[images * size];
        for (int i = 0; i < images; i++) {
            DecodedImage view = InputViews.eval(ImageDecoder.decode(jpegs.get(i), ids[i], 3), input, input);
            System.arraycopy(view.pixels(), 0, pixels, i * size, size);
        }
        ShardData decoded = new ShardData(3, input, input, labels, pixels);
        Normalization norm = new Normalization(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
        List<String> classes = IntStream.range(0, 10).mapToObj(i -> "c" + i).toList();
        ModelSpec spec = new ModelSpec(new Architecture("resnet", depth, "none"),
                new ModelSpec.Input(3, input, input, classes, norm.mean(), norm.std()));
        TrainingPlan plan = new TrainingPlan(batchSize, 1, new LearningRateSchedule(0.01, 0, 1_000_000, 0.01),
                new SgdSettings(0.9, 5e-4), 0, true);
        InputPipeline fixed = InputPipeline.fixed(norm, 3, input, input, 0, true);
        InputPipeline streamed = new InputPipeline(norm, 3, input, input, 0, true, RandomResizedCrop.standard(), decodeThreads);
        float[] initial = Replica.initialParameters(spec, 1);

        List<Double> compute = new ArrayList<>();
        List<Double> stream = new ArrayList<>();
        List<Double> making = new ArrayList<>();
        try (Replica replica = Replica.create(spec, Device.cpu())) {
            for (int r = 0; r < repeats; r++) {
                compute.add(secondsPerStep(replica, initial, new ShardTrainer(decoded, 0, plan, fixed)));
                stream.add(secondsPerStep(replica, initial, new ShardTrainer(encoded, 0, plan, streamed)));
                making.add(secondsPerBatch(encoded, streamed));
            }
        }
        double c = median(compute);
        double s = median(stream);
        double m = median(making);
        System.out.println(CpuDescription.describe());
        System.out.printf(Locale.ROOT, "ResNet-%d at %dx%d, batch %d, %d libtorch thread(s), %d decode thread(s);"
                + " %d JPEGs of %dx%d (quality 90); medians of %d repeats of %d steps%n%n", depth, input, input,
                batchSize, threads, decodeThreads, images, sourceSize[1], sourceSize[0], repeats, steps);
        System.out.println("| mode | s/step | images/s |");
        System.out.println("|---|---|---|");
        System.out.printf(Locale.ROOT, "| decoded once at %dx%d (compute only) | %.3f | %.0f |%n", input, input, c,
                batchSize / c);
        System.out.printf(Locale.ROOT, "| decoded per epoch, random-resized crop + flip, prefetch on | %.3f | %.0f |%n", s,
                batchSize / s);
        System.out.printf(Locale.ROOT, "| making one batch alone (decode + crop + flip + normalise) | %.3f | %.0f |%n", m,
                batchSize / m);
        System.out.printf(Locale.ROOT, "%nInput pipeline share of a streamed step: %.1f%% (without prefetching it would"
                + " be about %.1f%%: batch time / (compute + batch time))%n", 100 * Math.max(0, s - c) / s,
                100 * m / (c + m));
        return 0;
    }

    private double secondsPerStep(Replica replica, float[] initial, ShardTrainer trainer) {
        replica.setState(initial, null);
        trainer.train(replica, 0, warmupSteps);
        long start = System.nanoTime();
        trainer.train(replica, warmupSteps, warmupSteps + steps);
        return (System.nanoTime() - start) / 1e9 / steps;
    }

    private double secondsPerBatch(EncodedShard shard, InputPipeline pipeline) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, shard.size()).boxed().toList());
        Collections.shuffle(order, new java.util.Random(1));
        float[] out = new float[batchSize * pipeline.imageSize()];
        long[] labels = new long[batchSize];
        long start = System.nanoTime();
        try (BatchMaker maker = shard.batches(pipeline)) {
            for (int b = 0; b < steps; b++) {
                int[] indices = new int[batchSize];
                for (int i = 0; i < batchSize; i++) {
                    indices[i] = order.get((b * batchSize + i) % order.size());
                }
                maker.trainBatch(indices, b, out, labels);
            }
        }
        return (System.nanoTime() - start) / 1e9 / steps;
    }

    private static double median(List<Double> values) {
        return new Median().evaluate(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
