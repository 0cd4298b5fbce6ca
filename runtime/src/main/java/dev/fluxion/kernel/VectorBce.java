package dev.fluxion.kernel;

import org.jspecify.annotations.Nullable;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API float paths of {@link BceKernels} (the parts with a log or exp per element, where
 * the scalar loop does not vectorise). Loaded only when {@link Vectors#AVAILABLE}. Logs and exps are
 * {@link FloatVectorMath}'s, so a call gives the same bits every time; tails use the scalar
 * formulas. Each pass with a log or exp is a loop method of its own: two of them in one compiled
 * loop are too many nodes for C2 to inline, and then it boxes every vector.
 */
final class VectorBce {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

    private VectorBce() {}

    /** Σ −(y ln p + (1 − y) ln(1 − p)), each log clamped at −100 as PyTorch does; o gets each term. */
    static double bce(float[] p, int pOff, float[] y, int yOff, int n, float @Nullable [] o) {
        float[] logP = o != null ? o : Scratch.row(n);
        float[] logOneMinusP = Scratch.secondRow(n);
        // The logs run as row kernels of their own (VectorUnary's dispatch is too big to inline,
        // so each stays a separate compiled loop); the loop here only combines them.
        Elementwise.unary(UnaryOp.LOG, 0, 0, p, pOff, 1, logP, 0, 1, n);
        int upper = FS.loopBound(n);
        for (int i = 0; i < upper; i += FS.length()) {
            FloatVector.fromArray(FS, p, pOff + i).neg().add(1f).intoArray(logOneMinusP, i);
        }
        for (int i = upper; i < n; i++) {
            logOneMinusP[i] = 1f - p[pOff + i];
        }
        Elementwise.unary(UnaryOp.LOG, 0, 0, logOneMinusP, 0, 1, logOneMinusP, 0, 1, n);
        FloatVector acc = FloatVector.zero(FS);
        for (int i = 0; i < upper; i += FS.length()) {
            FloatVector yv = FloatVector.fromArray(FS, y, yOff + i);
            FloatVector lp = FloatVector.fromArray(FS, logP, i).max(-100f);
            FloatVector lq = FloatVector.fromArray(FS, logOneMinusP, i).max(-100f);
            FloatVector t = yv.mul(lp).add(yv.neg().add(1f).mul(lq)).neg();
            t.intoArray(logP, i);
            acc = acc.add(t);
        }
        float[] lanes = LaneSums.floatRow();
        acc.intoArray(lanes, 0);
        double s = LaneSums.sum(lanes, FS.length());
        for (int i = upper; i < n; i++) {
            float lp = Math.max(logP[i], -100f);
            float lq = Math.max(logOneMinusP[i], -100f);
            logP[i] = -(y[yOff + i] * lp + (-y[yOff + i] + 1f) * lq);
            s += logP[i];
        }
        return s;
    }

    /** Σ softplus(z) − z·y, the BCE of sigmoid(z) without forming it; o gets each term. */
    static double bceWithLogits(float[] z, int zOff, float[] y, int yOff, int n, float @Nullable [] o) {
        float[] terms = o != null ? o : Scratch.row(n);
        Elementwise.unary(UnaryOp.SOFTPLUS, 0, 0, z, zOff, 1, terms, 0, 1, n);
        int upper = FS.loopBound(n);
        FloatVector acc = FloatVector.zero(FS);
        for (int i = 0; i < upper; i += FS.length()) {
            FloatVector zv = FloatVector.fromArray(FS, z, zOff + i);
            FloatVector t = FloatVector.fromArray(FS, terms, i).sub(zv.mul(FloatVector.fromArray(FS, y, yOff + i)));
            t.intoArray(terms, i);
            acc = acc.add(t);
        }
        float[] lanes = LaneSums.floatRow();
        acc.intoArray(lanes, 0);
        double s = LaneSums.sum(lanes, FS.length());
        for (int i = upper; i < n; i++) {
            terms[i] -= z[zOff + i] * y[yOff + i];
            s += terms[i];
        }
        return s;
    }

    /** o[i] = (sigmoid(z[i]) − y[i])·scale. */
    static void bceWithLogitsGrad(float[] z, int zOff, float[] y, int yOff, int n, float scale, float[] o) {
        Elementwise.unary(UnaryOp.SIGMOID, 0, 0, z, zOff, 1, o, 0, 1, n);
        int upper = FS.loopBound(n);
        for (int i = 0; i < upper; i += FS.length()) {
            FloatVector.fromArray(FS, o, i).sub(FloatVector.fromArray(FS, y, yOff + i)).mul(scale).intoArray(o, i);
        }
        for (int i = upper; i < n; i++) {
            o[i] = (o[i] - y[yOff + i]) * scale;
        }
    }
}
