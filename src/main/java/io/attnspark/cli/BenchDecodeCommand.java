package io.attnspark.cli;

import io.attnspark.data.CropBox;
import io.attnspark.data.DecodedImage;
import io.attnspark.data.ImageDecoder;
import io.attnspark.data.RandomResizedCrop;
import io.attnspark.data.Resampler;
import io.attnspark.data.Seeds;
import io.attnspark.stats.Medians;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attnspark bench decode}: the input pipeline of ImageNet training on the CPU, per decoder and
 * per resizer. For ImageNet-like JPEGs made in memory (see {@link SyntheticPhotos}) it times decode +
 * random-resized crop + flip + normalise to float (with the Java resampler), decode alone, and crop +
 * resize + flip + normalise alone per resizer (on images decoded beforehand), with 1 and 2 threads,
 * and prints images/s per core (medians of repeats, candidates timed in turns) and how far each
 * candidate's pixels are from PIL's ({@link ImageDecoder} and the Java resampler equal PIL's on the
 * test vectors, so they are the reference here).
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Decode + random-resized crop + flip + normalise, images/s per core, per decoder and resizer.")
public final class BenchDecodeCommand implements Callable<Integer> {

    /** ImageNet's per-channel mean and deviation, as torchvision's examples normalise. */
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private static final String FULL = "/full";
    private static final String DECODE = "/decode";

    @Option(names = "--images", description = "Distinct JPEGs (default: ${DEFAULT-VALUE}).")
    int images = 200;

    @Option(names = "--height", description = "JPEG rows (default: ${DEFAULT-VALUE}).")
    int height = 375;

    @Option(names = "--width", description = "JPEG columns (default: ${DEFAULT-VALUE}).")
    int width = 500;

    @Option(names = "--quality", description = "JPEG quality (default: ${DEFAULT-VALUE}).")
    int quality = 90;

    @Option(names = "--size", description = "Output side (default: ${DEFAULT-VALUE}).")
    int size = 224;

    @Option(names = "--threads", split = ",", description = "Thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads = new ArrayList<>(List.of(1, 2));

    @Option(names = "--repeats", description = "Timed repeats per measurement (default: ${DEFAULT-VALUE}).")
    int repeats = 5;

    @Option(names = "--decoders", split = ",",
            description = "turbojpeg, imageio, twelvemonkeys, opencv (default: ${DEFAULT-VALUE}).")
    List<String> decoders = new ArrayList<>(List.of("turbojpeg", "imageio", "twelvemonkeys", "opencv"));

    @Option(names = "--resizers", split = ",",
            description = "java, opencv-linear, opencv-area, libtorch-linear (default: ${DEFAULT-VALUE}).")
    List<String> resizers = new ArrayList<>(List.of("java", "opencv-linear", "opencv-area", "libtorch-linear"));

    @Option(names = "--seed", description = "Seed of the images and crops (default: ${DEFAULT-VALUE}).")
    long seed = 16;

    @Override
    public Integer call() throws Exception {
        DecodeCandidates.checkNames(decoders, resizers);
        System.out.println(CpuDescription.describe());
        System.out.println("ImageDecoder's JPEG decoder here: " + ImageDecoder.jpegDecoder());
        List<byte[]> jpegs = SyntheticPhotos.jpegs(images, height, width, quality, seed);
        long bytes = jpegs.stream().mapToLong(b -> b.length).sum();
        System.out.printf(Locale.ROOT, "Images: %d JPEGs of %dx%d, quality %d, 4:2:0, %s content, mean %.1f KB;"
                        + " output %dx%d float32, torchvision's RandomResizedCrop, flip p=1/2. Medians of %d repeats;"
                        + " per core = images per CPU-second of the working threads.%n",
                images, width, height, quality,
                SyntheticPhotos.fashionMnistPresent() ? "Fashion-MNIST" : "random-blob", bytes / 1024.0 / images,
                size, size, repeats);
        List<DecodedImage> reference = new ArrayList<>();
        for (byte[] jpeg : jpegs) {
            reference.add(ImageDecoder.decode(jpeg, "bench image", 3));
        }
        RandomResizedCrop crop = RandomResizedCrop.standard();
        DecodeCandidates.Resizer javaResizer = DecodeCandidates.resizer("java");

        // Candidates are timed in turns within each repeat, so that a change in the machine's load
        // (others' builds) touches all of them alike rather than whichever ran at that moment.
        Map<String, IntConsumer> decoderWork = new LinkedHashMap<>();
        Map<String, String> decoderAccuracy = new LinkedHashMap<>();
        List<String> decoderNotes = new ArrayList<>();
        for (String name : decoders) {
            DecodeCandidates.Decoder decoder;
            try {
                decoder = DecodeCandidates.decoder(name);
            } catch (ConfigError e) {
                throw e;
            } catch (LinkageError | RuntimeException e) {
                decoderNotes.add(String.format(Locale.ROOT, "| %s | - | not available: %s | | | | |", name, e));
                continue;
            }
            decoderAccuracy.put(name, accuracy(decoder, jpegs, reference));
            decoderWork.put(name + FULL, i -> pipeline(decoder.decode(jpegs.get(i)), javaResizer, crop, i));
            decoderWork.put(name + DECODE, i -> decoder.decode(jpegs.get(i)));
        }
        Map<String, IntConsumer> resizerWork = new LinkedHashMap<>();
        Map<String, String> resizerAccuracy = new LinkedHashMap<>();
        List<String> resizerNotes = new ArrayList<>();
        for (String name : resizers) {
            DecodeCandidates.Resizer resizer;
            try {
                resizer = DecodeCandidates.resizer(name);
            } catch (ConfigError e) {
                throw e;
            } catch (LinkageError | RuntimeException e) {
                resizerNotes.add(String.format(Locale.ROOT, "| %s | - | not available: %s | | |", name, e));
                continue;
            }
            resizerAccuracy.put(name, resizeAccuracy(resizer, reference, crop));
            resizerWork.put(name, i -> pipeline(reference.get(i), resizer, crop, i));
        }

        System.out.println();
        System.out.println("| decoder | threads | decode+crop+flip+normalise img/s | per core | decode only, per core"
                + " | decode share | pixels vs PIL: mean / max abs diff |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|");
        for (int t : threads) {
            Map<String, Rate> rates = interleaved(t, decoderWork);
            for (Map.Entry<String, String> candidate : decoderAccuracy.entrySet()) {
                Rate full = rates.get(candidate.getKey() + FULL);
                Rate decode = rates.get(candidate.getKey() + DECODE);
                System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f%% | %s |%n", candidate.getKey(), t,
                        full.wall(), full.perCore(), decode.perCore(), 100 * full.perCore() / decode.perCore(),
                        candidate.getValue());
            }
        }
        decoderNotes.forEach(System.out::println);

        System.out.println();
        System.out.println("| resizer (crop+resize+flip+normalise, decoded images) | threads | img/s | per core"
                + " | pixels vs PIL's resized_crop: mean / max abs diff |");
        System.out.println("|---|---:|---:|---:|---|");
        for (int t : threads) {
            Map<String, Rate> rates = interleaved(t, resizerWork);
            for (Map.Entry<String, String> candidate : resizerAccuracy.entrySet()) {
                Rate rate = rates.get(candidate.getKey());
                System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %s |%n", candidate.getKey(), t, rate.wall(),
                        rate.perCore(), candidate.getValue());
            }
        }
        resizerNotes.forEach(System.out::println);
        return 0;
    }

    /** Crop + resize + flip + normalise to float CHW, as a training batch is filled; draws as InputViews.train. */
    private float[] pipeline(DecodedImage image, DecodeCandidates.Resizer resizer, RandomResizedCrop crop, int index) {
        SplittableRandom random = new SplittableRandom(Seeds.mix(seed, index));
        CropBox box = crop.sample(image.height(), image.width(), random);
        DecodedImage view = resizer.resizedCrop(image, box, size);
        if (random.nextBoolean()) {
            view = Resampler.flipHorizontal(view);
        }
        int area = size * size;
        byte[] pixels = view.pixels();
        float[] out = new float[3 * area];
        for (int c = 0; c < 3; c++) {
            float scale = 1f / (255f * STD[c]);
            float shift = -MEAN[c] / STD[c];
            for (int i = 0; i < area; i++) {
                out[c * area + i] = (pixels[c * area + i] & 0xFF) * scale + shift;
            }
        }
        return out;
    }

    /**
     * Images per second over all threads by the wall clock, and per core by the threads' own CPU time
     * (which other processes on the machine disturb far less), medians of the repeats; every piece of
     * work runs once as a warm-up, then all of them in turn in each repeat.
     */
    private Map<String, Rate> interleaved(int threadCount, Map<String, IntConsumer> works)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(threadCount);
        try {
            Map<String, double[]> wall = new LinkedHashMap<>();
            Map<String, double[]> perCore = new LinkedHashMap<>();
            for (Map.Entry<String, IntConsumer> work : works.entrySet()) {
                runOnce(pool, threadCount, work.getValue());
                wall.put(work.getKey(), new double[repeats]);
                perCore.put(work.getKey(), new double[repeats]);
            }
            for (int r = 0; r < repeats; r++) {
                for (Map.Entry<String, IntConsumer> work : works.entrySet()) {
                    long start = System.nanoTime();
                    long cpuNanos = runOnce(pool, threadCount, work.getValue());
                    wall.get(work.getKey())[r] = images / ((System.nanoTime() - start) / 1e9);
                    perCore.get(work.getKey())[r] = images / (cpuNanos / 1e9);
                }
            }
            Map<String, Rate> rates = new LinkedHashMap<>();
            for (String key : works.keySet()) {
                rates.put(key, new Rate(Medians.of(wall.get(key)), Medians.of(perCore.get(key))));
            }
            return rates;
        } finally {
            pool.shutdown();
        }
    }

    /** Images per second: all threads by the wall clock, and per core of CPU time spent. */
    private record Rate(double wall, double perCore) {}

    /** Each thread takes every {@code threadCount}-th image; returns the CPU time all threads spent. */
    private long runOnce(ExecutorService pool, int threadCount, IntConsumer work)
            throws InterruptedException, ExecutionException {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        List<Future<Long>> parts = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            int first = t;
            parts.add(pool.submit(() -> {
                long start = cpu.getCurrentThreadCpuTime();
                for (int i = first; i < images; i += threadCount) {
                    work.accept(i);
                }
                return cpu.getCurrentThreadCpuTime() - start;
            }));
        }
        long nanos = 0;
        for (Future<Long> part : parts) {
            nanos += part.get();
        }
        return nanos;
    }

    private static String accuracy(DecodeCandidates.Decoder decoder, List<byte[]> jpegs, List<DecodedImage> reference) {
        double sum = 0;
        double max = 0;
        for (int i = 0; i < jpegs.size(); i++) {
            double[] d = DecodeCandidates.difference(reference.get(i), decoder.decode(jpegs.get(i)));
            sum += d[0];
            max = Math.max(max, d[1]);
        }
        return String.format(Locale.ROOT, "%.4f / %.0f", sum / jpegs.size(), max);
    }

    private String resizeAccuracy(DecodeCandidates.Resizer resizer, List<DecodedImage> reference, RandomResizedCrop crop) {
        double sum = 0;
        double max = 0;
        for (int i = 0; i < reference.size(); i++) {
            DecodedImage image = reference.get(i);
            CropBox box = crop.sample(image.height(), image.width(), new SplittableRandom(Seeds.mix(seed, i)));
            double[] d = DecodeCandidates.difference(Resampler.resizedCrop(image, box, size, size),
                    resizer.resizedCrop(image, box, size));
            sum += d[0];
            max = Math.max(max, d[1]);
        }
        return String.format(Locale.ROOT, "%.3f / %.0f", sum / reference.size(), max);
    }
}
