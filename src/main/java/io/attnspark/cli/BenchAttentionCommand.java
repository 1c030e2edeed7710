package io.attnspark.cli;

import ai.djl.Device;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.nn.bench.StepMemory;
import io.attnspark.nn.Attentions;
import io.attnspark.stats.Medians;
import io.attnspark.train.NativeEnvironment;
import io.attnspark.train.Precision;
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
 * attention variant (paper placement) against the plain network, in each precision, in one run, on
 * random 1x28x28 batches (the speed of a step does not depend on pixel values). Peak memory is the
 * peak of the tensor memory one training step allocates (activations, gradients, temporaries; not
 * the parameters), from libtorch's profiler: see {@link StepMemory}.
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

    @Option(names = "--precision", split = ",",
            description = "Precisions to measure, float32 and/or bfloat16 (default: float32,bfloat16).")
    List<String> precision = List.of("float32", "bfloat16");

    /** One variant in one precision. */
    private record Measured(double rate, double peakMb, long params) {}

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
        List<Precision> precisions = new ArrayList<>();
        for (String p : precision) {
            precisions.add(Precision.parse("--precision", p));
        }
        // oneDNN and the allocator warm up over the first tens of steps of a process: pay that, in every
        // precision, before the first measured variant, or the plain network would look slow.
        for (Precision p : precisions) {
            try (Replica replica = Replica.create(plain, Device.cpu(), p)) {
                replica.setState(Replica.initialParameters(plain, 1), null);
                for (int i = 0; i < 30; i++) {
                    replica.trainStep(images, labels, batchSize, 0.01, new SgdSettings(0.9, 5e-4));
                }
                if (replica.precision() != p) {
                    System.out.printf(Locale.ROOT, "%s is not available here (see the log): measuring float32 for it%n",
                            p.configName());
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nResNet-%d, 1x28x28, batch %d, %d threads, median of %d steps after %d (%s):%n%n",
                depth, batchSize, threads, steps, warmup, NativeEnvironment.describe());
        System.out.println(CpuDescription.describe());
        System.out.println();
        StringBuilder header = new StringBuilder("| variant | params |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (Precision p : precisions) {
            header.append(String.format(Locale.ROOT, " %s images/s | vs plain | step peak MB | vs plain |", p.configName()));
            rule.append("---:|---:|---:|---:|");
        }
        if (precisions.size() > 1) {
            header.append(String.format(Locale.ROOT, " %s/%s speed | %s/%s peak |", precisions.get(1).configName(),
                    precisions.get(0).configName(), precisions.get(1).configName(), precisions.get(0).configName()));
            rule.append("---:|---:|");
        }
        System.out.println(header);
        System.out.println(rule);
        Measured[] plainRow = new Measured[precisions.size()];
        for (String variant : variants) {
            ModelSpec spec = ModelSpec.NONE.equals(variant) ? plain : plain.withAttention(variant, null);
            Measured[] row = new Measured[precisions.size()];
            for (int k = 0; k < precisions.size(); k++) {
                row[k] = measure(spec, precisions.get(k), images, labels);
                if (ModelSpec.NONE.equals(variant)) {
                    plainRow[k] = row[k];
                }
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s | %d |", variant, row[0].params()));
            for (int k = 0; k < row.length; k++) {
                line.append(String.format(Locale.ROOT, " %.0f | %.2fx | %.1f | %.2fx |", row[k].rate(),
                        row[k].rate() / plainRow[k].rate(), row[k].peakMb(), row[k].peakMb() / plainRow[k].peakMb()));
            }
            if (row.length > 1) {
                line.append(String.format(Locale.ROOT, " %.2fx | %.2fx |", row[1].rate() / row[0].rate(),
                        row[1].peakMb() / row[0].peakMb()));
            }
            System.out.println(line);
        }
        return 0;
    }

    private Measured measure(ModelSpec spec, Precision p, float[] images, long[] labels) {
        try (Replica replica = Replica.create(spec, Device.cpu(), p)) {
            replica.setState(Replica.initialParameters(spec, 1), null);
            SgdSettings sgd = new SgdSettings(0.9, 5e-4);
            for (int i = 0; i < warmup; i++) {
                replica.trainStep(images, labels, batchSize, 0.01, sgd);
            }
            double[] times = new double[steps];
            for (int i = 0; i < steps; i++) {
                long start = System.nanoTime();
                replica.trainStep(images, labels, batchSize, 0.01, sgd);
                times[i] = (System.nanoTime() - start) / 1e9;
            }
            // one more step, untimed, under libtorch's memory profiler
            long peak = StepMemory.peakAllocated(() -> replica.trainStep(images, labels, batchSize, 0.01, sgd));
            long params = 0;
            for (int i = 0; i < replica.layout().count(); i++) {
                if (replica.layout().trainable(i)) {
                    params += replica.layout().shape(i).size();
                }
            }
            return new Measured(batchSize / Medians.of(times), peak / 1048576.0, params);
        }
    }
}
