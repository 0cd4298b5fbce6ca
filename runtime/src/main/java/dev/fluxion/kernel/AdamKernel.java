package dev.fluxion.kernel;

/**
 * One Adam/AdamW update of a contiguous parameter in a single pass: no temporaries, each element
 * of the parameter, its gradient and its two moments read once and written once.
 *
 * <p>Rounds exactly as the unfused sequence of tensor ops it replaces (in the element type, every
 * product and sum its own operation, no fused multiply-add; the scalars rounded to the element
 * type first):
 * <pre>
 *   p  = p·k                          (AdamW's decoupled weight decay k = 1 − lr·λ; skipped when k = 1)
 *   g' = g + p·λ                      (Adam's coupled weight decay; skipped when λ = 0)
 *   m  = m·β₁;   m = m + g'·(1 − β₁)
 *   v  = v·β₂;   v = v + (g'·g')·(1 − β₂)
 *   d  = √v / c₂ + ε
 *   p  = p + (m / d)·(−s)
 * </pre>
 * where {@code c₂ = √(1 − β₂ᵗ)} and {@code s = lr / (1 − β₁ᵗ)} are computed by the caller. The
 * loops are plain scalar code that C2 vectorises (float {@code sqrt} and division included), so
 * every element rounds the same way whatever the tier or the position in the array.
 */
public final class AdamKernel {
    private AdamKernel() {}

    /** The float update of {@code n} elements from the given offsets. Modified: p, m, v. */
    public static void step(int n, float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                            double beta1, double beta2, double eps, double weightDecay, double decayFactor,
                            double biasCorrection2Sqrt, double stepSize) {
        if (decayFactor != 1) {
            Axpy.scale(n, decayFactor, p, pOff);
        }
        float b1 = (float) beta1, ob1 = (float) (1 - beta1);
        float b2 = (float) beta2, ob2 = (float) (1 - beta2);
        float e = (float) eps, c2 = (float) biasCorrection2Sqrt, s = (float) -stepSize;
        if (weightDecay != 0) {
            float wd = (float) weightDecay;
            for (int i = 0; i < n; i++) {
                float gi = g[gOff + i] + p[pOff + i] * wd;
                float mi = m[mOff + i] * b1 + gi * ob1;
                float vi = v[vOff + i] * b2 + (gi * gi) * ob2;
                m[mOff + i] = mi;
                v[vOff + i] = vi;
                p[pOff + i] = p[pOff + i] + (mi / ((float) Math.sqrt(vi) / c2 + e)) * s;
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            float gi = g[gOff + i];
            float mi = m[mOff + i] * b1 + gi * ob1;
            float vi = v[vOff + i] * b2 + (gi * gi) * ob2;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            p[pOff + i] = p[pOff + i] + (mi / ((float) Math.sqrt(vi) / c2 + e)) * s;
        }
    }

    /** The double update of {@code n} elements from the given offsets. Modified: p, m, v. */
    public static void step(int n, double[] p, int pOff, double[] g, int gOff, double[] m, int mOff,
                            double[] v, int vOff, double beta1, double beta2, double eps, double weightDecay,
                            double decayFactor, double biasCorrection2Sqrt, double stepSize) {
        if (decayFactor != 1) {
            Axpy.scale(n, decayFactor, p, pOff);
        }
        double ob1 = 1 - beta1, ob2 = 1 - beta2, s = -stepSize;
        for (int i = 0; i < n; i++) {
            double gi = weightDecay != 0 ? g[gOff + i] + p[pOff + i] * weightDecay : g[gOff + i];
            double mi = m[mOff + i] * beta1 + gi * ob1;
            double vi = v[vOff + i] * beta2 + (gi * gi) * ob2;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            p[pOff + i] = p[pOff + i] + (mi / (Math.sqrt(vi) / biasCorrection2Sqrt + eps)) * s;
        }
    }
}
