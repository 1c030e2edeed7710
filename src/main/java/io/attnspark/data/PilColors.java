package io.attnspark.data;

/**
 * PIL's colour arithmetic, bit for bit, so that decoded pixels equal what torchvision's loader
 * ({@code Image.open(f).convert('RGB')} or {@code convert('L')}) gives. ICC profiles are ignored,
 * as PIL's {@code convert} ignores them.
 */
final class PilColors {

    private static final int SCALE_BITS = 16;
    private static final int ONE_HALF = 1 << (SCALE_BITS - 1);

    /** libjpeg's YCbCr to RGB tables (jdcolor.c), indexed by the chroma sample. */
    private static final int[] CR_TO_R = new int[256];
    private static final int[] CB_TO_B = new int[256];
    private static final int[] CR_TO_G = new int[256];
    private static final int[] CB_TO_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_TO_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALE_BITS;
            CB_TO_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALE_BITS;
            CR_TO_G[i] = -fix(0.71414) * x;
            CB_TO_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private PilColors() {}

    /**
     * PIL's RGB to L: ITU-R 601-2 luma in 16-bit fixed point, rounded
     * ({@code (R*19595 + G*38470 + B*7471 + 0x8000) >> 16}, Convert.c's {@code L24}). It differs
     * from {@code (R*299 + G*587 + B*114) / 1000} truncated in about half of all colours.
     *
     * @param r red, 0..255
     * @param g green, 0..255
     * @param b blue, 0..255
     * @return the gray value, 0..255
     */
    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /**
     * PIL's CMYK to RGB (Convert.c's {@code cmyk2rgb}): {@code (255 - K) * (1 - C / 255)} in integers,
     * with no colour management.
     *
     * @param ink the C, M or Y sample, 0..255
     * @param black the K sample, 0..255
     * @return the R, G or B value
     */
    static int cmykToRgb(int ink, int black) {
        int notBlack = 255 - black;
        int product = ink * notBlack + 128;
        return clamp(notBlack - (((product >> 8) + product) >> 8));
    }

    /**
     * libjpeg's YCbCr to red.
     *
     * @param y luma
     * @param cr red chroma
     * @return red
     */
    static int red(int y, int cr) {
        return clamp(y + CR_TO_R[cr]);
    }

    /**
     * libjpeg's YCbCr to green.
     *
     * @param y luma
     * @param cb blue chroma
     * @param cr red chroma
     * @return green
     */
    static int green(int y, int cb, int cr) {
        return clamp(y + ((CB_TO_G[cb] + CR_TO_G[cr]) >> SCALE_BITS));
    }

    /**
     * libjpeg's YCbCr to blue.
     *
     * @param y luma
     * @param cb blue chroma
     * @return blue
     */
    static int blue(int y, int cb) {
        return clamp(y + CB_TO_B[cb]);
    }

    static int clamp(int value) {
        return value < 0 ? 0 : Math.min(value, 255);
    }

    private static int fix(double x) {
        return (int) (x * (1L << SCALE_BITS) + 0.5);
    }
}
