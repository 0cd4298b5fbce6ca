package dev.fluxion.kernel;

import org.jspecify.annotations.Nullable;

/**
 * Binary cross-entropy and its logits form, forward and gradient, each one pass over contiguous
 * operands (p or z at {@code pOff}, y at {@code yOff}, n elements; outputs contiguous from 0).
 *
 * <p>Formulas as PyTorch: {@code bce = −[y·max(ln p, −100) + (1 − y)·max(ln(1 − p), −100)]},
 * {@code ∂bce/∂p = (p − y) / max(p(1 − p), 1e−12)};
 * {@code bceWithLogits = max(z, 0) − z·y + ln(1 + e^(−|z|))}, {@code ∂/∂z = σ(z) − y}.
 * Gradients are multiplied by {@code s_i = scale · w[wOff + i]}, or by {@code scale} when w is null
 * (the reduced loss's cotangent). The scalar methods (the reference, and the double path) work in
 * double and round once; float rows use {@link VectorBce} when the Vector API is present.
 */
public final class BceKernels {
    private BceKernels() {}

    /** Σ_i bce_i, also written to {@code o[i]} when o is not null. Modified: {@code o}. */
    public static double bce(float[] p, int pOff, float[] y, int yOff, int n, float @Nullable [] o) {
        if (Vectors.AVAILABLE) {
            return VectorBce.bce(p, pOff, y, yOff, n, o);
        }
        return bceReference(p, pOff, y, yOff, n, o);
    }

    /** Scalar reference of {@link #bce(float[], int, float[], int, int, float[])}. Modified: {@code o}. */
    public static double bceReference(float[] p, int pOff, float[] y, int yOff, int n, float @Nullable [] o) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            float l = (float) bce(p[pOff + i], y[yOff + i]);
            if (o != null) o[i] = l;
            s += l;
        }
        return s;
    }

    /** Double version of {@link #bce(float[], int, float[], int, int, float[])}. Modified: {@code o}. */
    public static double bce(double[] p, int pOff, double[] y, int yOff, int n, double @Nullable [] o) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double l = bce(p[pOff + i], y[yOff + i]);
            if (o != null) o[i] = l;
            s += l;
        }
        return s;
    }

    /** {@code o_i = s_i (p_i − y_i) / max(p_i (1 − p_i), 1e−12)}. Modified: {@code o}. */
    public static void bceGrad(float[] p, int pOff, float[] y, int yOff, int n, double scale,
                               float @Nullable [] w, int wOff, float[] o) {
        float sf = (float) scale;
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            // Float arithmetic on purpose: the same roundings as the composed ops, and C2 vectorises it.
            float den = Math.max(pi * (1f - pi), 1e-12f);
            float s = w == null ? sf : sf * w[wOff + i];
            o[i] = (pi - y[yOff + i]) / den * s;
        }
    }

    /** Double version of {@link #bceGrad(float[], int, float[], int, int, double, float[], int, float[])}. Modified: {@code o}. */
    public static void bceGrad(double[] p, int pOff, double[] y, int yOff, int n, double scale,
                               double @Nullable [] w, int wOff, double[] o) {
        for (int i = 0; i < n; i++) {
            double pi = p[pOff + i];
            double den = Math.max(pi * (1 - pi), 1e-12);
            double s = w == null ? scale : scale * w[wOff + i];
            o[i] = (pi - y[yOff + i]) / den * s;
        }
    }

    /** Σ_i bceWithLogits_i, also written to {@code o[i]} when o is not null. Modified: {@code o}. */
    public static double bceWithLogits(float[] z, int zOff, float[] y, int yOff, int n, float @Nullable [] o) {
        if (Vectors.AVAILABLE) {
            return VectorBce.bceWithLogits(z, zOff, y, yOff, n, o);
        }
        return bceWithLogitsReference(z, zOff, y, yOff, n, o);
    }

    /** Scalar reference of {@link #bceWithLogits(float[], int, float[], int, int, float[])}. Modified: {@code o}. */
    public static double bceWithLogitsReference(float[] z, int zOff, float[] y, int yOff, int n, float @Nullable [] o) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            float l = (float) bceWithLogits(z[zOff + i], y[yOff + i]);
            if (o != null) o[i] = l;
            s += l;
        }
        return s;
    }

    /** Double version of {@link #bceWithLogits(float[], int, float[], int, int, float[])}. Modified: {@code o}. */
    public static double bceWithLogits(double[] z, int zOff, double[] y, int yOff, int n, double @Nullable [] o) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double l = bceWithLogits(z[zOff + i], y[yOff + i]);
            if (o != null) o[i] = l;
            s += l;
        }
        return s;
    }

    /** {@code o_i = s_i (σ(z_i) − y_i)}. Modified: {@code o}. */
    public static void bceWithLogitsGrad(float[] z, int zOff, float[] y, int yOff, int n, double scale,
                                         float @Nullable [] w, int wOff, float[] o) {
        if (Vectors.AVAILABLE && w == null) {
            VectorBce.bceWithLogitsGrad(z, zOff, y, yOff, n, (float) scale, o);
            return;
        }
        for (int i = 0; i < n; i++) {
            double s = w == null ? scale : scale * w[wOff + i];
            o[i] = (float) ((UnaryOp.sigmoid(z[zOff + i]) - y[yOff + i]) * s);
        }
    }

    /** Double version of {@link #bceWithLogitsGrad(float[], int, float[], int, int, double, float[], int, float[])}. Modified: {@code o}. */
    public static void bceWithLogitsGrad(double[] z, int zOff, double[] y, int yOff, int n, double scale,
                                         double @Nullable [] w, int wOff, double[] o) {
        for (int i = 0; i < n; i++) {
            double s = w == null ? scale : scale * w[wOff + i];
            o[i] = (UnaryOp.sigmoid(z[zOff + i]) - y[yOff + i]) * s;
        }
    }

    /** One element of bce, in double. */
    static double bce(double p, double y) {
        double logP = Math.max(Math.log(p), -100);
        double log1mP = Math.max(Math.log(1 - p), -100);
        return -(y * logP + (1 - y) * log1mP);
    }

    /** One element of bceWithLogits, in double. */
    static double bceWithLogits(double z, double y) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - z * y;
    }
}
