package dev.fluxion.bench.training;

import dev.fluxion.kernel.Gemm;

/**
 * W4 trained by hand with plain loops. Weights are kept transposed ({@code [in][out]}) so every
 * inner loop is a unit-stride {@code a[j] += Σ s·b[j]} that C2 vectorises (four rows per pass, so
 * one store per four multiply-adds); the layer-1 weight
 * gradient is computed one row at a time and applied at once, so it never goes to memory whole.
 *
 * <p>With {@code useGemm} the two large products (the layer-1 forward and weight gradient) call
 * Fluxion's own {@link Gemm#sgemm} kernel instead: the same step with the same kernels and no
 * framework around them, the floor the generated code could reach.
 */
final class HandW4 implements HandStep {
    private static final int IN = 784;
    private static final int HID = 256;
    private static final int OUT = 10;

    private final float[] x;
    private final int[] labels;
    private final int n;
    private final float lr;
    private final float[] w1t0;
    private final float[] b10;
    private final float[] w2t0;
    private final float[] b20;
    private final float[] w1t = new float[IN * HID];
    private final float[] b1 = new float[HID];
    private final float[] w2t = new float[HID * OUT];
    private final float[] b2 = new float[OUT];
    private final float[] h;
    private final float[] dh;
    private final float[] logits;
    private final float[] rowGrad = new float[HID];
    private final float[] gw2t = new float[HID * OUT];
    private final boolean useGemm;
    private final float[] gw1t;

    /** {@code w1} [256][784] and {@code w2} [10][256] in PyTorch's layout; they are transposed here. */
    HandW4(float[] x, float[] labels, float[] w1, float[] b1, float[] w2, float[] b2, float lr, boolean useGemm) {
        this.useGemm = useGemm;
        this.gw1t = useGemm ? new float[IN * HID] : null;
        this.x = x;
        this.n = labels.length;
        if (n % 4 != 0) {
            throw new IllegalArgumentException("HandW4: batch must be a multiple of 4, got " + n);
        }
        this.labels = new int[n];
        for (int i = 0; i < n; i++) {
            this.labels[i] = (int) labels[i];
        }
        this.lr = lr;
        this.w1t0 = transpose(w1, HID, IN);
        this.b10 = b1.clone();
        this.w2t0 = transpose(w2, OUT, HID);
        this.b20 = b2.clone();
        this.h = new float[n * HID];
        this.dh = new float[n * HID];
        this.logits = new float[n * OUT];
        reset();
    }

    @Override
    public void reset() {
        System.arraycopy(w1t0, 0, w1t, 0, w1t.length);
        System.arraycopy(b10, 0, b1, 0, b1.length);
        System.arraycopy(w2t0, 0, w2t, 0, w2t.length);
        System.arraycopy(b20, 0, b2, 0, b2.length);
    }

    /** One SGD step; returns the loss before the update. */
    @Override
    public float step() {
        // forward: h = relu(x·W1ᵀ + b1), logits = h·W2ᵀ + b2
        if (useGemm) {
            Gemm.sgemm(n, HID, IN, x, 0, IN, 1, w1t, 0, HID, 1, h, 0, HID, false);
        }
        for (int i = 0; i < n; i++) {
            int ho = i * HID;
            int xo = i * IN;
            if (useGemm) {
                for (int j = 0; j < HID; j++) {
                    h[ho + j] += b1[j];
                }
            } else {
                layer1Row(xo, ho);
            }
            for (int j = 0; j < HID; j++) {
                h[ho + j] = Math.max(h[ho + j], 0f);
            }
            int lo = i * OUT;
            System.arraycopy(b2, 0, logits, lo, OUT);
            for (int j = 0; j < HID; j++) {
                float hv = h[ho + j];
                int wo = j * OUT;
                for (int c = 0; c < OUT; c++) {
                    logits[lo + c] += hv * w2t[wo + c];
                }
            }
        }
        // cross-entropy; logits become ∂L/∂logits = (softmax − onehot)/n
        float loss = 0;
        float invN = 1f / n;
        for (int i = 0; i < n; i++) {
            int lo = i * OUT;
            float max = logits[lo];
            for (int c = 1; c < OUT; c++) {
                max = Math.max(max, logits[lo + c]);
            }
            float sum = 0;
            for (int c = 0; c < OUT; c++) {
                float e = (float) Math.exp(logits[lo + c] - max);
                logits[lo + c] = e;
                sum += e;
            }
            int label = labels[i];
            float inv = 1f / sum;
            loss -= (float) Math.log(logits[lo + label] * inv);
            for (int c = 0; c < OUT; c++) {
                logits[lo + c] = (logits[lo + c] * inv - (c == label ? 1f : 0f)) * invN;
            }
        }
        // layer 2 backward (with the old W2): ∂h = relu'(h)·(∂logits·W2), ∂W2ᵀ = hᵀ·∂logits
        java.util.Arrays.fill(gw2t, 0f);
        for (int i = 0; i < n; i++) {
            int ho = i * HID;
            int lo = i * OUT;
            for (int j = 0; j < HID; j++) {
                float hv = h[ho + j];
                int wo = j * OUT;
                float s = 0;
                for (int c = 0; c < OUT; c++) {
                    float d = logits[lo + c];
                    s += d * w2t[wo + c];
                    gw2t[wo + c] += hv * d;
                }
                dh[ho + j] = hv > 0 ? s : 0f;
            }
        }
        for (int j = 0; j < HID * OUT; j++) {
            w2t[j] -= lr * gw2t[j];
        }
        for (int c = 0; c < OUT; c++) {
            float s = 0;
            for (int i = 0; i < n; i++) {
                s += logits[i * OUT + c];
            }
            b2[c] -= lr * s;
        }
        // layer 1: ∂W1ᵀ[k] = Σᵢ x[i][k]·∂h[i], applied row by row; ∂b1 = Σᵢ ∂h[i]
        if (useGemm) { // ∂W1ᵀ = xᵀ·∂h: A = x read transposed through its strides
            Gemm.sgemm(IN, HID, n, x, 0, 1, IN, dh, 0, HID, 1, gw1t, 0, HID, false);
            for (int e = 0; e < gw1t.length; e++) {
                w1t[e] -= lr * gw1t[e];
            }
        }
        for (int k = 0; k < IN && !useGemm; k++) {
            java.util.Arrays.fill(rowGrad, 0f);
            for (int i = 0; i < n; i += 4) { // n % 4 == 0 (checked in the constructor)
                float x0 = x[i * IN + k];
                float x1 = x[(i + 1) * IN + k];
                float x2 = x[(i + 2) * IN + k];
                float x3 = x[(i + 3) * IN + k];
                int d0 = i * HID;
                int d1 = d0 + HID;
                int d2 = d1 + HID;
                int d3 = d2 + HID;
                for (int j = 0; j < HID; j++) {
                    rowGrad[j] += x0 * dh[d0 + j] + x1 * dh[d1 + j] + x2 * dh[d2 + j] + x3 * dh[d3 + j];
                }
            }
            int wo = k * HID;
            for (int j = 0; j < HID; j++) {
                w1t[wo + j] -= lr * rowGrad[j];
            }
        }
        java.util.Arrays.fill(rowGrad, 0f);
        for (int i = 0; i < n; i++) {
            int ho = i * HID;
            for (int j = 0; j < HID; j++) {
                rowGrad[j] += dh[ho + j];
            }
        }
        for (int j = 0; j < HID; j++) {
            b1[j] -= lr * rowGrad[j];
        }
        return loss * invN;
    }

    /** {@code h[i] = b1 + x[i]·W1ᵀ} for the row at {@code xo}, {@code ho}, with plain loops. */
    private void layer1Row(int xo, int ho) {
        System.arraycopy(b1, 0, h, ho, HID);
        for (int k = 0; k < IN; k += 4) { // IN % 4 == 0; four rows per pass: 1 store per 4 FMAs
            float x0 = x[xo + k];
            float x1 = x[xo + k + 1];
            float x2 = x[xo + k + 2];
            float x3 = x[xo + k + 3];
            int w0 = k * HID;
            int w1 = w0 + HID;
            int w2 = w1 + HID;
            int w3 = w2 + HID;
            for (int j = 0; j < HID; j++) {
                h[ho + j] += x0 * w1t[w0 + j] + x1 * w1t[w1 + j] + x2 * w1t[w2 + j] + x3 * w1t[w3 + j];
            }
        }
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }
}
