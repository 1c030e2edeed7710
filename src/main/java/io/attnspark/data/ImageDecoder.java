package io.attnspark.data;

import java.util.Locale;

/**
 * Decodes JPEG, PNG, GIF and BMP images (WebP too when a WebP reader is installed) to the pixels
 * torchvision's loader would give: {@code Image.open(f).convert('RGB')}, or {@code convert('L')}
 * for gray tables, on PIL. Thread-safe; every method is static.
 *
 * <p>On PIL's terms: palettes are expanded; alpha is dropped without compositing (PIL's
 * {@code convert} does not blend); 16-bit colour keeps the high byte of each sample and 16-bit gray
 * is clamped at 255, as PIL opens and converts them; CMYK and YCCK JPEGs convert with PIL's naive
 * formula; ICC profiles are ignored; gray becomes RGB by copying, and RGB becomes gray by PIL's
 * ITU-R 601-2 luma ({@link PilColors#luma}).
 *
 * <p>JPEGs are decoded by libjpeg-turbo ({@link TurboJpeg}) where the system has it, else by the
 * JDK's libjpeg-6b-derived ImageIO reader ({@link ImageIoDecoder}); both have PIL's integer IDCT,
 * fancy upsampling and colour tables, and give PIL's pixels exactly on the test vectors. CMYK and
 * YCCK JPEGs, and all other formats, always go through ImageIO.
 */
public final class ImageDecoder {

    private ImageDecoder() {}

    /**
     * Decodes an image, keeping its colour kind: one channel for gray sources (8- and 16-bit gray,
     * gray with alpha, 1-bit, and gray-palette GIF and BMP, which PIL opens as {@code L}), three
     * (RGB) for everything else.
     *
     * @param bytes the encoded image
     * @param name what the bytes are (a file, a row id), for errors
     * @return the image in CHW order
     * @throws BadInputException naming {@code name} and the reason if the bytes do not decode
     */
    public static DecodedImage decode(byte[] bytes, String name) {
        ImageFormat format = formatOf(bytes, name);
        if (format == ImageFormat.JPEG && TurboJpeg.available()) {
            DecodedImage image = TurboJpeg.decode(bytes, name);
            if (image != null) {
                return image;
            }
        }
        return ImageIoDecoder.decode(bytes, format, name);
    }

    /**
     * Names the JPEG decoder in use, for logs and benchmark reports.
     *
     * @return {@code "libjpeg-turbo (TurboJPEG)"} or {@code "ImageIO"} with the reason TurboJPEG is not used
     */
    public static String jpegDecoder() {
        return TurboJpeg.available() ? "libjpeg-turbo (TurboJPEG)" : "ImageIO (" + TurboJpeg.unavailableReason() + ")";
    }

    /** The format the bytes start like; refuses empty and unknown bytes naming the image. */
    static ImageFormat formatOf(byte[] bytes, String name) {
        if (bytes == null || bytes.length == 0) {
            throw new BadInputException(name + " is not an image: it is empty");
        }
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == null) {
            throw new BadInputException(String.format(
                    Locale.ROOT, "%s is not a JPEG, PNG, GIF, BMP or WebP image (it starts with %s)", name, head(bytes)));
        }
        return format;
    }

    /**
     * Decodes an image to a given number of channels, as {@code convert('L')} (1) or
     * {@code convert('RGB')} (3) would.
     *
     * @param bytes the encoded image
     * @param name what the bytes are, for errors
     * @param channels 1 or 3
     * @return the image in CHW order with {@code channels} channels
     * @throws BadInputException naming {@code name} and the reason if the bytes do not decode
     * @throws IllegalArgumentException if {@code channels} is not 1 or 3
     */
    public static DecodedImage decode(byte[] bytes, String name, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "channels must be 1 (gray) or 3 (RGB), got %d (decoding %s)", channels, name));
        }
        return toChannels(decode(bytes, name), channels);
    }

    /**
     * Converts between gray and RGB as PIL's {@code convert} does: gray to RGB copies the gray value
     * into each channel, RGB to gray takes PIL's luma.
     *
     * @param image the image
     * @param channels 1 or 3
     * @return the image itself if it already has that many channels, else a converted copy
     */
    static DecodedImage toChannels(DecodedImage image, int channels) {
        if (image.channels() == channels) {
            return image;
        }
        int area = image.height() * image.width();
        byte[] in = image.pixels();
        byte[] out = new byte[channels * area];
        if (channels == 3) {
            System.arraycopy(in, 0, out, 0, area);
            System.arraycopy(in, 0, out, area, area);
            System.arraycopy(in, 0, out, 2 * area, area);
        } else {
            for (int i = 0; i < area; i++) {
                out[i] = (byte) PilColors.luma(in[i] & 0xFF, in[area + i] & 0xFF, in[2 * area + i] & 0xFF);
            }
        }
        return new DecodedImage(channels, image.height(), image.width(), out);
    }

    private static String head(byte[] bytes) {
        StringBuilder hex = new StringBuilder("bytes");
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format(Locale.ROOT, " %02x", bytes[i] & 0xFF));
        }
        return hex.toString();
    }
}
