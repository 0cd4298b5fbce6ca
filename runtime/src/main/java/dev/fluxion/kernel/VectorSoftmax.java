package dev.fluxion.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API pieces of a float softmax row for {@link SoftmaxRows}: max, Σ e^(x − m), the
 * normalised row. Loaded only when {@link Vectors#AVAILABLE}. Arithmetic is float (the vector
 * exp is within a few ulp of the correctly rounded one); tails use the scalar formulas.
 */
final class VectorSoftmax {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

    private VectorSoftmax() {}

    /** Whether a row of n floats is long enough for at least one full vector. */
    static boolean pays(int n) {
        return n >= FS.length();
    }

    /** max of x[off .. off+n), NaN if any element is NaN. */
    static float max(float[] x, int off, int n) {
        int len = FS.length();
        int upper = FS.loopBound(n);
        FloatVector acc = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < upper; i += len) {
            acc = acc.max(FloatVector.fromArray(FS, x, off + i));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    /** Σ e^(x_i − shift) over the row. */
    static double expSum(float[] x, int off, int n, float shift) {
        int len = FS.length();
        int upper = FS.loopBound(n);
        FloatVector acc = FloatVector.zero(FS);
        int i = 0;
        for (; i < upper; i += len) {
            acc = acc.add(FloatVector.fromArray(FS, x, off + i).sub(shift).lanewise(VectorOperators.EXP));
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += (float) Math.exp(x[off + i] - shift);
        }
        return s;
    }

    /** o = softmax (or log-softmax) of the row, max-shifted. */
    static void forward(float[] x, int xOff, float[] o, int oOff, int n, boolean log) {
        int len = FS.length();
        int upper = FS.loopBound(n);
        float m = max(x, xOff, n);
        int i = 0;
        if (log) {
            // (x − m) − ln s, as PyTorch forms it: no rounding of m + ln s, which can be large.
            float ls = (float) Math.log(expSum(x, xOff, n, m));
            for (; i < upper; i += len) {
                FloatVector.fromArray(FS, x, xOff + i).sub(m).sub(ls).intoArray(o, oOff + i);
            }
            for (; i < n; i++) {
                o[oOff + i] = (x[xOff + i] - m) - ls;
            }
            return;
        }
        FloatVector acc = FloatVector.zero(FS);
        for (; i < upper; i += len) {
            FloatVector e = FloatVector.fromArray(FS, x, xOff + i).sub(m).lanewise(VectorOperators.EXP);
            e.intoArray(o, oOff + i);
            acc = acc.add(e);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[xOff + i] - m);
            o[oOff + i] = e;
            s += e;
        }
        scale(o, oOff, n, (float) (1.0 / s));
    }

    /** o[off .. off+n) *= s. */
    static void scale(float[] o, int off, int n, float s) {
        int len = FS.length();
        int upper = FS.loopBound(n);
        int i = 0;
        for (; i < upper; i += len) {
            FloatVector.fromArray(FS, o, off + i).mul(s).intoArray(o, off + i);
        }
        for (; i < n; i++) {
            o[off + i] *= s;
        }
    }
}
