package io.attnspark.cli;

import io.attnspark.data.CropBox;
import io.attnspark.data.DecodedImage;
import io.attnspark.data.FashionMnist;
import io.attnspark.data.IdxReader;
import io.attnspark.data.ImageDecoder;
import io.attnspark.data.ImageRecord;
import io.attnspark.data.Resampler;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * ImageNet-like JPEGs made in memory for the decode benchmark: a Fashion-MNIST item (or, without
 * the data set, a smooth random blob) upscaled to most of the frame, tinted, on a shaded coloured
 * background, with sensor-like noise, encoded at a given quality with 4:2:0 chroma as cameras and
 * ImageNet's JPEGs are. Decode cost depends on size, quality and how much detail the entropy coder
 * sees; the noise keeps the files near a photo's size (about 1 bit per pixel at quality 90).
 */
final class SyntheticPhotos {

    private SyntheticPhotos() {}

    /**
     * Makes the JPEGs.
     *
     * @param count how many
     * @param height rows of each
     * @param width columns of each
     * @param quality JPEG quality, 1..100
     * @param seed the seed of contents and colours
     * @return the encoded images
     */
    static List<byte[]> jpegs(int count, int height, int width, int quality, long seed) {
        List<DecodedImage> items = fashionItems(count);
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> jpegs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            DecodedImage item = items.isEmpty() ? blob(random) : items.get(i % items.size());
            jpegs.add(encode(compose(item, height, width, random), quality));
        }
        return jpegs;
    }

    /** Whether the Fashion-MNIST files are there (the bench says which content it used). */
    static boolean fashionMnistPresent() {
        return Files.isDirectory(FashionMnist.DEFAULT_SOURCE);
    }

    private static List<DecodedImage> fashionItems(int count) {
        List<DecodedImage> items = new ArrayList<>();
        if (!fashionMnistPresent()) {
            return items;
        }
        try (IdxReader reader = FashionMnist.openTest(FashionMnist.DEFAULT_SOURCE)) {
            while (reader.hasNext() && items.size() < count) {
                ImageRecord record = reader.next();
                items.add(ImageDecoder.decode(record.png(), record.id(), 1));
            }
        }
        return items;
    }

    /** A 28x28 gray blob of random smooth shape, standing in for a Fashion-MNIST item. */
    private static DecodedImage blob(SplittableRandom random) {
        byte[] pixels = new byte[28 * 28];
        double cx = 10 + 8 * random.nextDouble();
        double cy = 10 + 8 * random.nextDouble();
        double rx = 5 + 6 * random.nextDouble();
        double ry = 5 + 6 * random.nextDouble();
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double d = Math.pow((x - cx) / rx, 2) + Math.pow((y - cy) / ry, 2);
                pixels[y * 28 + x] = (byte) Math.max(0, Math.min(255, 255 * (1.5 - d)));
            }
        }
        return new DecodedImage(1, 28, 28, pixels);
    }

    /** Interleaved BGR bytes, as ImageIO's JPEG writer takes them. */
    private static BufferedImage compose(DecodedImage item, int height, int width, SplittableRandom random) {
        int side = (int) (Math.min(height, width) * (0.6 + 0.35 * random.nextDouble()));
        DecodedImage big = Resampler.resizedCrop(item, new CropBox(0, 0, item.height(), item.width()), side, side);
        int top = random.nextInt(height - side + 1);
        int left = random.nextInt(width - side + 1);
        double[] tint = {0.3 + 0.7 * random.nextDouble(), 0.3 + 0.7 * random.nextDouble(), 0.3 + 0.7 * random.nextDouble()};
        double[] from = {255 * random.nextDouble(), 255 * random.nextDouble(), 255 * random.nextDouble()};
        double[] to = {255 * random.nextDouble(), 255 * random.nextDouble(), 255 * random.nextDouble()};
        double waves = 2 + 6 * random.nextDouble();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double t = 0.5 + 0.35 * Math.sin(waves * x / width + 3.0 * y / height) * Math.cos(2.0 * y / height);
                int inside = y >= top && y < top + side && x >= left && x < left + side
                        ? big.sample(0, y - top, x - left) : 0;
                double alpha = inside / 255.0;
                for (int c = 0; c < 3; c++) {
                    double background = from[c] * (1 - t) + to[c] * t;
                    double value = background * (1 - alpha) + inside * tint[c] * alpha + 12 * random.nextGaussian();
                    bgr[(y * width + x) * 3 + 2 - c] = (byte) Math.max(0, Math.min(255, (int) Math.round(value)));
                }
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, int quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality / 100f);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding in memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
