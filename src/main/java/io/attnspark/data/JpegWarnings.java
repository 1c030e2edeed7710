package io.attnspark.data;

/** The libjpeg warnings our JPEG decoders act on, in the words each of them reports. */
final class JpegWarnings {

    /** libjpeg-turbo's text for {@code JWRN_JPEG_EOF}. */
    private static final String LIBJPEG_EOF = "Premature end of JPEG file";
    /** The JDK's ImageIO reader's text for the same warning. */
    private static final String IMAGEIO_EOF = "Truncated File - Missing EOI marker";

    private JpegWarnings() {}

    /**
     * Tells whether a warning says the data ended before the image did. libjpeg then fills in the
     * rest and goes on; PIL reports "image file is truncated", even when only the end marker is
     * missing, and so must we.
     *
     * @param warning a decoder's warning or error text
     * @return true for a truncation
     */
    static boolean isTruncation(String warning) {
        return warning != null && (warning.contains(LIBJPEG_EOF) || warning.contains(IMAGEIO_EOF));
    }
}
