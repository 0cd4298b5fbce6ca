package dev.fluxion.kernel;

/**
 * One SGD update with weight decay and momentum of a contiguous parameter in a single pass: no
 * temporaries, each element of the parameter, its gradient and its momentum buffer read once and
 * written once.
 *
 * <p>Rounds exactly as the unfused sequence of tensor ops in {@code optim.SGD} it replaces (in the
 * element type, every product and sum its own operation, no fused multiply-add; the scalars
 * rounded to the element type first):
 * <pre>
 *   d = g + p·λ                           (skipped when λ = 0)
 *   b = d                                 at the first step (the buffer is written, not read)
 *   b = b·μ;  b = b + d·(1 − τ)           afterwards
 *   d = nesterov ? d + b·μ : b
 *   p = p + d·(−lr)
 * </pre>
 * The loops are plain scalar code that C2 vectorises without contracting products and sums into
 * fused multiply-adds, so every element rounds the same way whatever the tier or its position.
 */
public final class SgdKernel {
    private SgdKernel() {}

    /**
     * The float update of {@code n} elements from the given offsets. Modified: p, buf.
     *
     * @param first whether this is the parameter's first step (the buffer is set to d)
     */
    public static void step(int n, float[] p, int pOff, float[] g, int gOff, float[] buf, int bOff,
                            double lr, double weightDecay, double momentum, double dampening,
                            boolean nesterov, boolean first) {
        float wd = (float) weightDecay, mu = (float) momentum, od = (float) (1 - dampening), s = (float) -lr;
        boolean decay = weightDecay != 0;
        if (first) {
            for (int i = 0; i < n; i++) {
                float d = decay ? g[gOff + i] + p[pOff + i] * wd : g[gOff + i];
                buf[bOff + i] = d;
                float u = nesterov ? d + d * mu : d;
                p[pOff + i] = p[pOff + i] + u * s;
            }
            return;
        }
        if (nesterov) {
            for (int i = 0; i < n; i++) {
                float d = decay ? g[gOff + i] + p[pOff + i] * wd : g[gOff + i];
                float b = buf[bOff + i] * mu + d * od;
                buf[bOff + i] = b;
                p[pOff + i] = p[pOff + i] + (d + b * mu) * s;
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            float d = decay ? g[gOff + i] + p[pOff + i] * wd : g[gOff + i];
            float b = buf[bOff + i] * mu + d * od;
            buf[bOff + i] = b;
            p[pOff + i] = p[pOff + i] + b * s;
        }
    }

    /** The double update of {@code n} elements; see {@link #step(int, float[], int, float[], int, float[], int, double, double, double, double, boolean, boolean)}. */
    public static void step(int n, double[] p, int pOff, double[] g, int gOff, double[] buf, int bOff,
                            double lr, double weightDecay, double momentum, double dampening,
                            boolean nesterov, boolean first) {
        double od = 1 - dampening, s = -lr;
        boolean decay = weightDecay != 0;
        for (int i = 0; i < n; i++) {
            double d = decay ? g[gOff + i] + p[pOff + i] * weightDecay : g[gOff + i];
            double b = first ? d : buf[bOff + i] * momentum + d * od;
            buf[bOff + i] = b;
            double u = nesterov ? d + b * momentum : b;
            p[pOff + i] = p[pOff + i] + u * s;
        }
    }

    /** Plain SGD with weight decay, no momentum: {@code p = p + (g + p·λ)·(−lr)}. Modified: p. */
    public static void stepNoMomentum(int n, float[] p, int pOff, float[] g, int gOff, double lr, double weightDecay) {
        float wd = (float) weightDecay, s = (float) -lr;
        for (int i = 0; i < n; i++) {
            float d = g[gOff + i] + p[pOff + i] * wd;
            p[pOff + i] = p[pOff + i] + d * s;
        }
    }

    /** The double version of {@link #stepNoMomentum(int, float[], int, float[], int, double, double)}. Modified: p. */
    public static void stepNoMomentum(int n, double[] p, int pOff, double[] g, int gOff, double lr, double weightDecay) {
        double s = -lr;
        for (int i = 0; i < n; i++) {
            double d = g[gOff + i] + p[pOff + i] * weightDecay;
            p[pOff + i] = p[pOff + i] + d * s;
        }
    }
}
