package io.attnspark.score;

/** The k most probable classes of one probability row, most probable first; ties go to the lower index. */
final class TopK {

    private TopK() {}

    /**
     * Picks the top-k classes.
     *
     * @param probabilities {@code rows * classes} probabilities, row-major
     * @param row the row
     * @param classes classes per row
     * @param k how many, 1..classes
     * @return the class indices, most probable first
     */
    static int[] of(float[] probabilities, int row, int classes, int k) {
        int base = row * classes;
        int[] top = new int[k];
        boolean[] taken = new boolean[classes];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int c = 0; c < classes; c++) {
                // Strictly greater: among equal probabilities the lowest index wins, as argmax does.
                if (!taken[c] && (best < 0 || probabilities[base + c] > probabilities[base + best])) {
                    best = c;
                }
            }
            taken[best] = true;
            top[j] = best;
        }
        return top;
    }
}
