package io.attnspark.data;

/** The encoded image formats {@link ImageDecoder} recognises, told apart by their first bytes. */
enum ImageFormat {
    JPEG("JPEG"),
    PNG("PNG"),
    GIF("GIF"),
    BMP("BMP"),
    WEBP("WebP");

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** The name ImageIO registers readers under and error messages use. */
    final String label;

    ImageFormat(String label) {
        this.label = label;
    }

    /**
     * Recognises a format from its signature; file names and extensions are not trusted.
     *
     * @param bytes the encoded image
     * @return the format, or null if the bytes start like none of them
     */
    static ImageFormat sniff(byte[] bytes) {
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF) {
            return JPEG;
        }
        if (startsWith(bytes, 0, PNG_SIGNATURE)) {
            return PNG;
        }
        if (startsWith(bytes, 0, "GIF87a".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                || startsWith(bytes, 0, "GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            return GIF;
        }
        if (bytes.length >= 14 && bytes[0] == 'B' && bytes[1] == 'M') {
            return BMP;
        }
        if (startsWith(bytes, 0, "RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                && startsWith(bytes, 8, "WEBP".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            return WEBP;
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        if (bytes.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
