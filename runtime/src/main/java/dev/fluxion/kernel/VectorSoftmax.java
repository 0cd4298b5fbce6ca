package dev.fluxion.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API pieces of a float softmax row for {@link SoftmaxRows}: max, Σ e^(x − m), the
 * normalised row. Loaded only when {@link Vectors#AVAILABLE}. Arithmetic is float, the exp is
 * {@link FloatVectorMath#exp} (within 1 ulp, the same bits in every JIT tier), the lanes are
 * summed in a fixed order ({@link LaneSums}), and the last partial vector goes through the same
 * code under a mask: a row gives the same bits every time.
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
        FloatVector acc = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i += FS.length()) {
            VectorMask<Float> m = FS.indexInRange(i, n);
            acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(FS, x, off + i, m), m);
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    /** Σ e^(x_i − shift) over the row. */
    static double expSum(float[] x, int off, int n, float shift) {
        FloatVector acc = FloatVector.zero(FS);
        for (int i = 0; i < n; i += FS.length()) {
            VectorMask<Float> m = FS.indexInRange(i, n);
            acc = acc.add(FloatVectorMath.exp(FloatVector.fromArray(FS, x, off + i, m).sub(shift)), m);
        }
        float[] lanes = LaneSums.floatRow();
        acc.intoArray(lanes, 0);
        return LaneSums.sum(lanes, FS.length());
    }

    /** o = softmax (or log-softmax) of the row, max-shifted. */
    static void forward(float[] x, int xOff, float[] o, int oOff, int n, boolean log) {
        float max = max(x, xOff, n);
        if (log) {
            // (x − m) − ln s, as PyTorch forms it: no rounding of m + ln s, which can be large.
            float ls = (float) Math.log(expSum(x, xOff, n, max));
            for (int i = 0; i < n; i += FS.length()) {
                VectorMask<Float> m = FS.indexInRange(i, n);
                FloatVector.fromArray(FS, x, xOff + i, m).sub(max).sub(ls).intoArray(o, oOff + i, m);
            }
            return;
        }
        FloatVector acc = FloatVector.zero(FS);
        for (int i = 0; i < n; i += FS.length()) {
            VectorMask<Float> m = FS.indexInRange(i, n);
            FloatVector e = FloatVectorMath.exp(FloatVector.fromArray(FS, x, xOff + i, m).sub(max));
            e.intoArray(o, oOff + i, m);
            acc = acc.add(e, m);
        }
        float[] lanes = LaneSums.floatRow();
        acc.intoArray(lanes, 0);
        scale(o, oOff, n, (float) (1.0 / LaneSums.sum(lanes, FS.length())));
    }

    /** o[off .. off+n) *= s. */
    static void scale(float[] o, int off, int n, float s) {
        for (int i = 0; i < n; i += FS.length()) {
            VectorMask<Float> m = FS.indexInRange(i, n);
            FloatVector.fromArray(FS, o, off + i, m).mul(s).intoArray(o, off + i, m);
        }
    }
}
