package dev.fluxion.bench.training;

/**
 * W2 trained by hand: {@code p = σ(x·w + b)}, binary cross-entropy (logs clamped at −100 as
 * PyTorch's), gradient {@code ∂L/∂z = (p − y)/n}, then SGD.
 */
final class HandW2 implements HandStep {
    private final float[] x;
    private final float[] y;
    private final float[] init;
    private final float lr;
    private float w0;
    private float w1;
    private float b;

    /** {@code x} row-major [n, 2]; {@code init} = {w0, w1, b}. */
    HandW2(float[] x, float[] y, float[] init, float lr) {
        this.x = x;
        this.y = y;
        this.init = init.clone();
        this.lr = lr;
        reset();
    }

    @Override
    public void reset() {
        w0 = init[0];
        w1 = init[1];
        b = init[2];
    }

    /** One SGD step; returns the loss before the update. */
    @Override
    public float step() {
        int n = y.length;
        float loss = 0;
        float g0 = 0;
        float g1 = 0;
        float gb = 0;
        for (int i = 0; i < n; i++) {
            float xa = x[2 * i];
            float xb = x[2 * i + 1];
            float p = sigmoid(xa * w0 + xb * w1 + b);
            float yi = y[i];
            loss -= yi * clampedLog(p) + (1 - yi) * clampedLog(1 - p);
            float d = p - yi;
            g0 += d * xa;
            g1 += d * xb;
            gb += d;
        }
        float s = lr / n;
        w0 -= s * g0;
        w1 -= s * g1;
        b -= s * gb;
        return loss / n;
    }

    static float sigmoid(float z) {
        return (float) (1.0 / (1.0 + Math.exp(-z)));
    }

    static float clampedLog(float v) {
        return Math.max((float) Math.log(v), -100f);
    }
}
