package dev.fluxion.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API bodies of {@link Axpy}: a vector main loop and a scalar tail, each element rounded
 * as in the scalar reference (separate multiply and add, never fma). Loaded only when
 * {@link Vectors#AVAILABLE}.
 */
final class VectorAxpy {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    /** Rows shorter than this run the scalar loop: setting up vectors costs more than it saves. */
    static final int MIN_LENGTH = 16;

    private VectorAxpy() {}

    static void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int upper = FS.loopBound(n); i < upper; i += FS.length()) {
            FloatVector vy = FloatVector.fromArray(FS, y, yOff + i);
            vy.add(FloatVector.fromArray(FS, x, xOff + i).mul(a)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = y[yOff + i] + x[xOff + i] * a;
        }
    }

    static void axpy(int n, double a, double[] x, int xOff, double[] y, int yOff) {
        int i = 0;
        for (int upper = DS.loopBound(n); i < upper; i += DS.length()) {
            DoubleVector vy = DoubleVector.fromArray(DS, y, yOff + i);
            vy.add(DoubleVector.fromArray(DS, x, xOff + i).mul(a)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = y[yOff + i] + x[xOff + i] * a;
        }
    }

    static void addcombined(int n, float v, boolean divide, float[] a, int aOff, float[] b, int bOff,
                            float[] y, int yOff) {
        int i = 0;
        for (int upper = FS.loopBound(n); i < upper; i += FS.length()) {
            FloatVector va = FloatVector.fromArray(FS, a, aOff + i);
            FloatVector vb = FloatVector.fromArray(FS, b, bOff + i);
            FloatVector t = divide ? va.div(vb) : va.mul(vb);
            FloatVector.fromArray(FS, y, yOff + i).add(t.mul(v)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            float t = divide ? a[aOff + i] / b[bOff + i] : a[aOff + i] * b[bOff + i];
            y[yOff + i] = y[yOff + i] + t * v;
        }
    }

    static void addcombined(int n, double v, boolean divide, double[] a, int aOff, double[] b, int bOff,
                            double[] y, int yOff) {
        int i = 0;
        for (int upper = DS.loopBound(n); i < upper; i += DS.length()) {
            DoubleVector va = DoubleVector.fromArray(DS, a, aOff + i);
            DoubleVector vb = DoubleVector.fromArray(DS, b, bOff + i);
            DoubleVector t = divide ? va.div(vb) : va.mul(vb);
            DoubleVector.fromArray(DS, y, yOff + i).add(t.mul(v)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            double t = divide ? a[aOff + i] / b[bOff + i] : a[aOff + i] * b[bOff + i];
            y[yOff + i] = y[yOff + i] + t * v;
        }
    }

    static void scale(int n, float c, float[] y, int yOff) {
        int i = 0;
        for (int upper = FS.loopBound(n); i < upper; i += FS.length()) {
            FloatVector.fromArray(FS, y, yOff + i).mul(c).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = y[yOff + i] * c;
        }
    }

    static void scale(int n, double c, double[] y, int yOff) {
        int i = 0;
        for (int upper = DS.loopBound(n); i < upper; i += DS.length()) {
            DoubleVector.fromArray(DS, y, yOff + i).mul(c).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = y[yOff + i] * c;
        }
    }
}
