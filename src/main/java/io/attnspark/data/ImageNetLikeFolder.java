package io.attnspark.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Writes an image folder shaped like ImageNet's, from Fashion-MNIST, for testing the any-size
 * image path end to end: {@code train/<class>/} and {@code val/<class>/} (10 classes, folder names
 * from the class names), images upscaled from 28x28 to sizes between 60 and 500 pixels per side
 * with aspect ratios between 1:2 and 2:1 (PIL's bilinear, {@link Resampler}), colour-tinted
 * (a random bright colour for the garment over a random dark background), saved as JPEG (quality 90,
 * as {@code .JPEG} or {@code .jpg}) or PNG. A few stay gray, as a few of ImageNet's JPEGs are.
 *
 * <p>Training images come from Fashion-MNIST's training file and validation images from its test
 * file, the first ones of each, so the two never share a source image. Every file depends only on
 * the seed and its index: the folder is the same for a seed whatever the number of threads.
 */
public final class ImageNetLikeFolder {

    /** Smallest side of a generated image, pixels. */
    public static final int MIN_SIDE = 60;
    /** Largest side of a generated image, pixels. */
    public static final int MAX_SIDE = 500;
    /** JPEG quality of the generated JPEGs. */
    public static final int JPEG_QUALITY = 90;
    /** Share of images saved as PNG, percent (the rest are JPEGs). */
    public static final int PNG_PERCENT = 30;

    private ImageNetLikeFolder() {}

    /**
     * What to generate.
     *
     * @param source the Fashion-MNIST folder (IDX files, plain or gzipped)
     * @param out the folder to create; must not exist or be empty
     * @param images images in all, at least 2
     * @param valPercent the share of them in {@code val/}, percent (1..99)
     * @param grayPercent the share left gray, percent (0..100)
     * @param seed the seed
     */
    public record Settings(Path source, Path out, int images, int valPercent, int grayPercent, long seed) {

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException naming the bad value
         */
        public Settings {
            if (images < 2) {
                throw new IllegalArgumentException("an ImageNet-like folder needs at least 2 images, got " + images);
            }
            if (valPercent < 1 || valPercent > 99) {
                throw new IllegalArgumentException("the validation share must be 1..99 percent, got " + valPercent);
            }
            if (grayPercent < 0 || grayPercent > 100) {
                throw new IllegalArgumentException("the gray share must be 0..100 percent, got " + grayPercent);
            }
        }
    }

    /**
     * What was written.
     *
     * @param train images in {@code train/}
     * @param val images in {@code val/}
     * @param png images saved as PNG
     * @param gray images left gray
     * @param bytes bytes written
     */
    public record Summary(int train, int val, int png, int gray, long bytes) {}

    /** One source image and where it goes. */
    private record Source(String split, int index, DecodedImage image, String className) {}

    /**
     * Returns the folder name of a Fashion-MNIST class: lower case, other characters as '-'
     * ({@code T-shirt/top} becomes {@code t-shirt-top}).
     *
     * @param className the class name
     * @return the folder name
     */
    public static String folderName(String className) {
        return className.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    /**
     * Writes the folder.
     *
     * @param settings what to generate
     * @return what was written
     * @throws BadInputException if the output exists and is not empty, or the source is missing or
     *     has too few images
     */
    public static Summary write(Settings settings) {
        checkEmpty(settings.out());
        int val = Math.max(1, (int) Math.round(settings.images() * settings.valPercent() / 100.0));
        int train = settings.images() - val;
        List<Source> sources = new ArrayList<>();
        try (IdxReader trainReader = FashionMnist.openTrain(settings.source());
                IdxReader testReader = FashionMnist.openTest(settings.source())) {
            read(trainReader, "train", train, sources);
            read(testReader, "val", val, sources);
        }
        AtomicInteger png = new AtomicInteger();
        AtomicInteger gray = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        IntStream.range(0, sources.size()).parallel().forEach(i -> {
            Generated g = generate(sources.get(i), i, settings);
            Path file = settings.out().resolve(g.relativePath());
            try {
                Files.createDirectories(file.getParent());
                Files.write(file, g.bytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
            png.addAndGet(g.png() ? 1 : 0);
            gray.addAndGet(g.gray() ? 1 : 0);
            bytes.addAndGet(g.bytes().length);
        });
        return new Summary(train, val, png.get(), gray.get(), bytes.get());
    }

    private static void checkEmpty(Path out) {
        if (!Files.exists(out)) {
            return;
        }
        try (Stream<Path> children = Files.list(out)) {
            if (children.findAny().isPresent()) {
                throw new BadInputException("output folder " + out + " exists and is not empty: remove it or choose another");
            }
        } catch (IOException e) {
            throw new BadInputException("cannot list output folder " + out + ": " + e.getMessage(), e);
        }
    }

    private static void read(IdxReader reader, String split, int count, List<Source> sources) {
        if (reader.count() < count) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "asked for %d %s images, but the source has only %d", count, split, reader.count()));
        }
        for (int i = 0; i < count; i++) {
            ImageRecord record = reader.next();
            String className = FashionMnist.CLASS_NAMES.get(record.label());
            sources.add(new Source(split, i, PngCodec.decode(record.png(), record.id()), folderName(className)));
        }
    }

    private record Generated(String relativePath, byte[] bytes, boolean png, boolean gray) {}

    private static Generated generate(Source source, int globalIndex, Settings settings) {
        // Independent of thread order: one generator per image, from the seed and the image's index.
        SplittableRandom random = new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + globalIndex);
        int width = random.nextInt(MIN_SIDE, MAX_SIDE + 1);
        int height = random.nextInt(Math.max(MIN_SIDE, (width + 1) / 2), Math.min(MAX_SIDE, 2 * width) + 1);
        DecodedImage small = source.image();
        DecodedImage large = Resampler.resizedCrop(small, new CropBox(0, 0, small.height(), small.width()),
                height, width);
        boolean gray = random.nextInt(100) < settings.grayPercent();
        DecodedImage image = gray ? large : tinted(large, random);
        boolean png = random.nextInt(100) < PNG_PERCENT;
        String extension = png ? ".png" : random.nextBoolean() ? ".JPEG" : ".jpg";
        byte[] bytes = png ? PngCodec.encode(image) : JpegEncoder.encode(image, JPEG_QUALITY);
        String name = String.format(Locale.ROOT, "%s/%s/%s_%05d%s",
                source.split(), source.className(), source.split(), source.index(), extension);
        return new Generated(name, bytes, png, gray);
    }

    /** Gray value v becomes background + (foreground - background) * v / 255, per channel. */
    private static DecodedImage tinted(DecodedImage gray, SplittableRandom random) {
        int area = gray.height() * gray.width();
        byte[] out = new byte[3 * area];
        for (int c = 0; c < 3; c++) {
            int background = random.nextInt(0, 91);
            int foreground = random.nextInt(120, 256);
            for (int i = 0; i < area; i++) {
                int v = gray.pixels()[i] & 0xFF;
                out[c * area + i] = (byte) ((background * 255 + (foreground - background) * v + 127) / 255);
            }
        }
        return new DecodedImage(3, gray.height(), gray.width(), out);
    }
}
