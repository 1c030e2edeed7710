package io.attnspark.data;

/**
 * What a JPEG's markers say about its colours, read as libjpeg reads them
 * ({@code default_decompress_parms}): the number of components and whether three components are
 * RGB or YCbCr, four CMYK or YCCK. ImageIO's reader does not tell us this for the images it
 * cannot convert (CMYK, YCCK), so we read the markers ourselves.
 *
 * @param components 1, 3 or 4 (0 if no frame header was found before the first scan)
 * @param transform the colour transform: {@link #NONE} (RGB or CMYK as stored), {@link #YCC}
 *     (YCbCr or YCCK)
 */
record JpegHeader(int components, int transform) {

    /** Components stored as they are (RGB, CMYK, gray). */
    static final int NONE = 0;
    /** Components stored as YCbCr (three) or YCCK (four). */
    static final int YCC = 1;

    /**
     * Reads the markers up to the first scan.
     *
     * @param bytes a JPEG file
     * @return the colour layout, with {@code components == 0} if the header is cut short
     */
    static JpegHeader read(byte[] bytes) {
        boolean jfif = false;
        int adobeTransform = -1;
        int components = 0;
        int[] ids = new int[0];
        int at = 2;
        while (at + 4 <= bytes.length) {
            if ((bytes[at] & 0xFF) != 0xFF) {
                at++; // libjpeg skips junk between markers
                continue;
            }
            int marker = bytes[at + 1] & 0xFF;
            if (marker == 0xFF || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                at += marker == 0xFF ? 1 : 2; // fill byte or a marker without a length
                continue;
            }
            int length = ((bytes[at + 2] & 0xFF) << 8) | (bytes[at + 3] & 0xFF);
            int body = at + 4;
            if (marker == 0xDA || marker == 0xD9 || length < 2 || body + length - 2 > bytes.length) {
                break;
            }
            if (marker == 0xE0 && length >= 7 && startsWith(bytes, body, "JFIF\0")) {
                jfif = true;
            } else if (marker == 0xEE && length >= 14 && startsWith(bytes, body, "Adobe")) {
                adobeTransform = bytes[body + 11] & 0xFF;
            } else if (isFrameHeader(marker) && length >= 8) {
                components = bytes[body + 5] & 0xFF;
                ids = new int[components];
                for (int c = 0; c < components && body + 6 + 3 * c < bytes.length; c++) {
                    ids[c] = bytes[body + 6 + 3 * c] & 0xFF;
                }
            }
            at = body + length - 2;
        }
        return new JpegHeader(components, transformOf(components, ids, jfif, adobeTransform));
    }

    private static int transformOf(int components, int[] ids, boolean jfif, int adobeTransform) {
        if (components == 3) {
            if (jfif) {
                return YCC;
            }
            if (adobeTransform >= 0) {
                return adobeTransform == 0 ? NONE : YCC;
            }
            boolean rgbIds = ids.length == 3 && ids[0] == 'R' && ids[1] == 'G' && ids[2] == 'B';
            return rgbIds ? NONE : YCC;
        }
        if (components == 4) {
            return adobeTransform == 2 ? YCC : NONE;
        }
        return NONE;
    }

    private static boolean isFrameHeader(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static boolean startsWith(byte[] bytes, int at, String text) {
        if (at + text.length() > bytes.length) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (bytes[at + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
