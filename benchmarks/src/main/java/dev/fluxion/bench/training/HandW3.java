package dev.fluxion.bench.training;

import static dev.fluxion.bench.training.HandW2.clampedLog;
import static dev.fluxion.bench.training.HandW2.sigmoid;

/**
 * W3 trained by hand: one pass over the samples runs each sample's forward pass (8-6-4-1, sigmoids)
 * and its backward pass while the activations are still in registers, summing the gradients; then
 * SGD. Weights in PyTorch's layout, {@code W[out][in]} row-major.
 */
final class HandW3 implements HandStep {
    private static final int IN = 8;
    private static final int H1 = 6;
    private static final int H2 = 4;

    private final float[] x;
    private final float[] y;
    private final float lr;
    private final float[][] init;
    /** w1, b1, w2, b2, w3, b3: the live parameters. */
    private final float[][] p;
    /** The gradients, same layout as {@link #p}. */
    private final float[][] g;

    /** {@code init} = {w1 [6×8], b1 [6], w2 [4×6], b2 [4], w3 [1×4], b3 [1]}. */
    HandW3(float[] x, float[] y, float[][] init, float lr) {
        this.x = x;
        this.y = y;
        this.lr = lr;
        this.init = init;
        this.p = new float[init.length][];
        this.g = new float[init.length][];
        for (int i = 0; i < init.length; i++) {
            p[i] = init[i].clone();
            g[i] = new float[init[i].length];
        }
    }

    @Override
    public void reset() {
        for (int i = 0; i < init.length; i++) {
            System.arraycopy(init[i], 0, p[i], 0, init[i].length);
        }
    }

    /** One SGD step; returns the loss before the update. */
    @Override
    public float step() {
        float[] w1 = p[0], b1 = p[1], w2 = p[2], b2 = p[3], w3 = p[4];
        float b3 = p[5][0];
        float[] gw1 = g[0], gb1 = g[1], gw2 = g[2], gb2 = g[3], gw3 = g[4];
        float gb3 = 0;
        float[] h1 = new float[H1];
        float[] h2 = new float[H2];
        float[] d2 = new float[H2];
        int n = y.length;
        float invN = 1f / n;
        float loss = 0;
        for (int i = 0; i < n; i++) {
            int xo = i * IN;
            for (int j = 0; j < H1; j++) {
                float z = b1[j];
                for (int k = 0; k < IN; k++) {
                    z += x[xo + k] * w1[j * IN + k];
                }
                h1[j] = sigmoid(z);
            }
            for (int j = 0; j < H2; j++) {
                float z = b2[j];
                for (int k = 0; k < H1; k++) {
                    z += h1[k] * w2[j * H1 + k];
                }
                h2[j] = sigmoid(z);
            }
            float z3 = b3;
            for (int k = 0; k < H2; k++) {
                z3 += h2[k] * w3[k];
            }
            float out = sigmoid(z3);
            float yi = y[i];
            loss -= yi * clampedLog(out) + (1 - yi) * clampedLog(1 - out);

            float d3 = (out - yi) * invN; // ∂L/∂z3 for sigmoid + BCE
            gb3 += d3;
            for (int j = 0; j < H2; j++) {
                gw3[j] += d3 * h2[j];
                d2[j] = d3 * w3[j] * h2[j] * (1 - h2[j]);
                gb2[j] += d2[j];
                for (int k = 0; k < H1; k++) {
                    gw2[j * H1 + k] += d2[j] * h1[k];
                }
            }
            for (int k = 0; k < H1; k++) {
                float s = 0;
                for (int j = 0; j < H2; j++) {
                    s += d2[j] * w2[j * H1 + k];
                }
                float d1 = s * h1[k] * (1 - h1[k]);
                gb1[k] += d1;
                for (int m = 0; m < IN; m++) {
                    gw1[k * IN + m] += d1 * x[xo + m];
                }
            }
        }
        for (int t = 0; t < 5; t++) {
            float[] pt = p[t];
            float[] gt = g[t];
            for (int e = 0; e < pt.length; e++) {
                pt[e] -= lr * gt[e];
                gt[e] = 0;
            }
        }
        p[5][0] = b3 - lr * gb3;
        return loss * invN;
    }
}
