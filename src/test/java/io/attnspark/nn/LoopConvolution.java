package io.attnspark.nn;

import ai.djl.ndarray.types.Shape;

/** A one-group 2-D convolution (PyTorch semantics) and its gradients, as plain loops in double precision. */
final class LoopConvolution {

    private final int n;
    private final int c;
    private final int h;
    private final int w;
    private final int o;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int ph;
    private final int pw;
    private final int dh;
    private final int dw;
    private final int oh;
    private final int ow;

    LoopConvolution(Shape input, Shape weight, Shape stride, Shape padding, Shape dilation) {
        n = (int) input.get(0);
        c = (int) input.get(1);
        h = (int) input.get(2);
        w = (int) input.get(3);
        o = (int) weight.get(0);
        kh = (int) weight.get(2);
        kw = (int) weight.get(3);
        sh = (int) stride.get(0);
        sw = (int) stride.get(1);
        ph = (int) padding.get(0);
        pw = (int) padding.get(1);
        dh = (int) dilation.get(0);
        dw = (int) dilation.get(1);
        oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
        ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    }

    Shape outputShape() {
        return new Shape(n, o, oh, ow);
    }

    long outputSize() {
        return outputShape().size();
    }

    /** The input row read by output row i through kernel row ki, or -1 in the padding. */
    private int row(int i, int ki) {
        int r = i * sh - ph + ki * dh;
        return r >= 0 && r < h ? r : -1;
    }

    private int col(int j, int kj) {
        int q = j * sw - pw + kj * dw;
        return q >= 0 && q < w ? q : -1;
    }

    private int xi(int b, int ch, int r, int q) {
        return ((b * c + ch) * h + r) * w + q;
    }

    private int wi(int f, int ch, int ki, int kj) {
        return ((f * c + ch) * kh + ki) * kw + kj;
    }

    private int yi(int b, int f, int i, int j) {
        return ((b * o + f) * oh + i) * ow + j;
    }

    double[] forward(double[] x, double[] weight, double[] bias) {
        double[] y = new double[(int) outputSize()];
        forEachTap((b, f, ch, i, j, ki, kj, r, q) ->
                y[yi(b, f, i, j)] += weight[wi(f, ch, ki, kj)] * x[xi(b, ch, r, q)]);
        if (bias != null) {
            for (int k = 0; k < y.length; k++) {
                y[k] += bias[(k / (oh * ow)) % o];
            }
        }
        return y;
    }

    double[] inputGradient(double[] weight, double[] dy) {
        double[] dx = new double[n * c * h * w];
        forEachTap((b, f, ch, i, j, ki, kj, r, q) ->
                dx[xi(b, ch, r, q)] += weight[wi(f, ch, ki, kj)] * dy[yi(b, f, i, j)]);
        return dx;
    }

    double[] weightGradient(double[] x, double[] dy) {
        double[] dwt = new double[o * c * kh * kw];
        forEachTap((b, f, ch, i, j, ki, kj, r, q) ->
                dwt[wi(f, ch, ki, kj)] += x[xi(b, ch, r, q)] * dy[yi(b, f, i, j)]);
        return dwt;
    }

    double[] biasGradient(double[] dy) {
        double[] db = new double[o];
        for (int k = 0; k < dy.length; k++) {
            db[(k / (oh * ow)) % o] += dy[k];
        }
        return db;
    }

    private interface Tap {
        void at(int b, int f, int ch, int i, int j, int ki, int kj, int r, int q);
    }

    /** Every (output position, kernel tap) pair that reads the input, not the padding. */
    private void forEachTap(Tap tap) {
        for (int b = 0; b < n; b++) {
            for (int f = 0; f < o; f++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int r = row(i, ki);
                                    int q = col(j, kj);
                                    if (r >= 0 && q >= 0) {
                                        tap.at(b, f, ch, i, j, ki, kj, r, q);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
