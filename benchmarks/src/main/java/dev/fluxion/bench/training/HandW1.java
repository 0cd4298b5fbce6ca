package dev.fluxion.bench.training;

/**
 * W1 trained by hand: one fused pass over the points computes the loss and both gradients
 * ({@code ∂L/∂w = 2/n Σ rᵢxᵢ}, {@code ∂L/∂b = 2/n Σ rᵢ} with {@code rᵢ = xᵢw + b − yᵢ}), then SGD.
 */
final class HandW1 implements HandStep {
    private final float[] x;
    private final float[] y;
    private final float w0;
    private final float b0;
    private final float lr;
    private float w;
    private float b;

    HandW1(float[] x, float[] y, float w0, float b0, float lr) {
        this.x = x;
        this.y = y;
        this.w0 = w0;
        this.b0 = b0;
        this.lr = lr;
        reset();
    }

    @Override
    public void reset() {
        w = w0;
        b = b0;
    }

    /** One SGD step; returns the loss before the update. */
    @Override
    public float step() {
        int n = x.length;
        float sumSq = 0;
        float sumRx = 0;
        float sumR = 0;
        for (int i = 0; i < n; i++) {
            float r = x[i] * w + b - y[i];
            sumSq += r * r;
            sumRx += r * x[i];
            sumR += r;
        }
        float scale = 2f / n;
        w -= lr * scale * sumRx;
        b -= lr * scale * sumR;
        return sumSq / n;
    }
}
