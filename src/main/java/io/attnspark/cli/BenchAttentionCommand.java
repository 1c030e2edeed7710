package io.attnspark.cli;

import ai.djl.Device;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.nn.bench.PeakMemory;
import io.attnspark.nn.Attentions;
import io.attnspark.stats.Medians;
import io.attnspark.train.Replica;
import io.attnspark.train.SgdSettings;
import io.attnspark.train.TorchRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attnspark bench attention}: training images/s and peak memory of a CIFAR ResNet with each
 * attention variant (paper placement) against the plain network, in one run, on random 1x28x28
 * batches (the speed of a step does not depend on pixel values).
 */
@Command(name = "attention", mixinStandardHelpOptions = true,
        description = "ResNet-20 training speed and peak memory per attention variant vs the plain network.")
public final class BenchAttentionCommand implements Callable<Integer> {

    @Option(names = "--depth", description = "CIFAR ResNet depth (default: ${DEFAULT-VALUE}).")
    int depth = 20;

    @Option(names = "--batch-size", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize = 128;

    @Option(names = "--warmup", description = "Untimed steps per variant (default: ${DEFAULT-VALUE}).")
    int warmup = 5;

    @Option(names = "--steps", description = "Timed steps per variant; the median is reported (default: ${DEFAULT-VALUE}).")
    int steps = 9;

    @Option(names = "--threads", description = "libtorch intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads = 2;

    @Option(names = "--attention", split = ",", description = "Variants (default: all registered).")
    List<String> attention;

    @Override
    public Integer call() {
        TorchRuntime.useIntraOpThreads(threads);
        List<String> variants = new ArrayList<>();
        variants.add(ModelSpec.NONE);
        variants.addAll(attention == null ? Attentions.names() : attention);
        List<String> classes = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        ModelSpec plain = new ModelSpec(new Architecture(ModelSpec.RESNET_CIFAR, depth, ModelSpec.NONE),
                new ModelSpec.Input(1, 28, 28, classes, new float[] {0.29f}, new float[] {0.35f}));
        Random random = new Random(1);
        float[] images = new float[batchSize * 28 * 28];
        long[] labels = new long[batchSize];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(10);
        }
        // oneDNN and the allocator warm up over the first tens of steps of a process: pay that
        // before the first measured variant, or the plain network would look slow.
        try (Replica replica = Replica.create(plain, Device.cpu())) {
            replica.setState(Replica.initialParameters(plain, 1), null);
            for (int i = 0; i < 30; i++) {
                replica.trainStep(images, labels, batchSize, 0.01, new SgdSettings(0.9, 5e-4));
            }
        }
        System.out.printf(Locale.ROOT, "%nResNet-%d, 1x28x28, batch %d, %d threads, median of %d steps after %d:%n%n",
                depth, batchSize, threads, steps, warmup);
        System.out.println("| variant | params | images/s | vs plain | peak MB | vs plain |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        double plainRate = 0;
        double plainPeak = 0;
        for (String variant : variants) {
            ModelSpec spec = ModelSpec.NONE.equals(variant) ? plain : plain.withAttention(variant, null);
            try (Replica replica = Replica.create(spec, Device.cpu())) {
                replica.setState(Replica.initialParameters(spec, 1), null);
                SgdSettings sgd = new SgdSettings(0.9, 5e-4);
                for (int i = 0; i < warmup; i++) {
                    replica.trainStep(images, labels, batchSize, 0.01, sgd);
                }
                long before = PeakMemory.reset();
                double[] times = new double[steps];
                for (int i = 0; i < steps; i++) {
                    long start = System.nanoTime();
                    replica.trainStep(images, labels, batchSize, 0.01, sgd);
                    times[i] = (System.nanoTime() - start) / 1e9;
                }
                long growth = PeakMemory.growthSince(before);
                double peakMb = growth < 0 ? Double.NaN : growth / 1048576.0;
                double rate = batchSize / Medians.of(times);
                if (ModelSpec.NONE.equals(variant)) {
                    plainRate = rate;
                    plainPeak = peakMb;
                }
                long params = 0;
                for (int i = 0; i < replica.layout().count(); i++) {
                    if (replica.layout().trainable(i)) {
                        params += replica.layout().shape(i).size();
                    }
                }
                System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2fx | %.1f | %.2fx |%n", variant, params, rate,
                        rate / plainRate, peakMb, peakMb / plainPeak);
            }
        }
        return 0;
    }
}
