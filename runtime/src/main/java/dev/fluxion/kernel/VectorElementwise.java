package dev.fluxion.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API row kernels of binary ops for {@link Elementwise} (unary ones: {@link VectorUnary}).
 * Loaded only when {@link Vectors#AVAILABLE}.
 *
 * <p>Each operand is read with step 1 (a contiguous row) or step 0 (one value broadcast); the
 * output is contiguous. One loop method per op, as in {@link VectorUnary}: a loop calling a shared
 * per-op method boxed its vectors once C2 stopped inlining that method. One loop per operand
 * layout: a vector local that is either a broadcast or null defeats C2's vector box elimination
 * (and once crashed C2 in JDK 25.0.3). The scalar tail evaluates the vector formula with the same
 * {@code float}/{@code double} operations, so every element of a row gets the same bits.
 */
final class VectorElementwise {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    private VectorElementwise() {}

    /** {@code o[i] = op(a[i], b[i])} over float rows read with step 1 or 0, or false for an op not vectorised here. */
    static boolean binary(BinaryOp op, float[] a, int aOff, int aStep, float[] b, int bOff, int bStep,
                          float[] o, int oOff, int n) {
        if (aStep == 0 && bStep == 0) {
            return false;
        }
        switch (op) {
            case PLUS -> plus(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case MINUS -> minus(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case TIMES -> times(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case DIV -> div(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case MAX -> max(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case MIN -> min(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case RELU_BACKWARD -> reluBackward(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case SIGMOID_BACKWARD -> sigmoidBackward(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case TANH_BACKWARD -> tanhBackward(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void plus(float[] a_, int aOff, int aStep, float[] b_, int bOff, int bStep, float[] o, int oOff, int n) {
        int upper = FS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            FloatVector a = FloatVector.broadcast(FS, a_[aOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.add(b)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            FloatVector b = FloatVector.broadcast(FS, b_[bOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                (a.add(b)).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.add(b)).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            float x = a_[aOff + i * aStep];
            float y = b_[bOff + i * bStep];
            o[oOff + i] = x + y;
        }
    }

    private static void minus(float[] a_, int aOff, int aStep, float[] b_, int bOff, int bStep, float[] o, int oOff, int n) {
        int upper = FS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            FloatVector a = FloatVector.broadcast(FS, a_[aOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.sub(b)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            FloatVector b = FloatVector.broadcast(FS, b_[bOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                (a.sub(b)).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.sub(b)).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            float x = a_[aOff + i * aStep];
            float y = b_[bOff + i * bStep];
            o[oOff + i] = x - y;
        }
    }

    private static void times(float[] a_, int aOff, int aStep, float[] b_, int bOff, int bStep, float[] o, int oOff, int n) {
        int upper = FS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            FloatVector a = FloatVector.broadcast(FS, a_[aOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.mul(b)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            FloatVector b = FloatVector.broadcast(FS, b_[bOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                (a.mul(b)).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.mul(b)).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            float x = a_[aOff + i * aStep];
            float y = b_[bOff + i * bStep];
            o[oOff + i] = x * y;
        }
    }

    private static void div(float[] a_, int aOff, int aStep, float[] b_, int bOff, int bStep, float[] o, int oOff, int n) {
        int upper = FS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            FloatVector a = FloatVector.broadcast(FS, a_[aOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.div(b)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            FloatVector b = FloatVector.broadcast(FS, b_[bOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                (a.div(b)).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.div(b)).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            float x = a_[aOff + i * aStep];
            float y = b_[bOff + i * bStep];
            o[oOff + i] = x / y;
        }
    }

    private static void max(float[] a_, int aOff, int aStep, float[] b_, int bOff, int bStep, float[] o, int oOff, int n) {
        int upper = FS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            FloatVector a = FloatVector.broadcast(FS, a_[aOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.max(b)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            FloatVector b = FloatVector.broadcast(FS, b_[bOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                (a.max(b)).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.max(b)).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            float x = a_[aOff + i * aStep];
            float y = b_[bOff + i * bStep];
            o[oOff + i] = Math.max(x, y);
        }
    }

    private static void min(float[] a_, int aOff, int aStep, float[] b_, int bOff, int bStep, float[] o, int oOff, int n) {
        int upper = FS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            FloatVector a = FloatVector.broadcast(FS, a_[aOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.min(b)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            FloatVector b = FloatVector.broadcast(FS, b_[bOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                (a.min(b)).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.min(b)).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            float x = a_[aOff + i * aStep];
            float y = b_[bOff + i * bStep];
            o[oOff + i] = Math.min(x, y);
        }
    }

    private static void reluBackward(float[] a_, int aOff, int aStep, float[] b_, int bOff, int bStep, float[] o, int oOff, int n) {
        int upper = FS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            FloatVector a = FloatVector.broadcast(FS, a_[aOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.blend(0f, b.compare(VectorOperators.GT, 0f).not())).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            FloatVector b = FloatVector.broadcast(FS, b_[bOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                (a.blend(0f, b.compare(VectorOperators.GT, 0f).not())).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.blend(0f, b.compare(VectorOperators.GT, 0f).not())).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            float x = a_[aOff + i * aStep];
            float y = b_[bOff + i * bStep];
            o[oOff + i] = y > 0f ? x : 0f;
        }
    }

    private static void sigmoidBackward(float[] a_, int aOff, int aStep, float[] b_, int bOff, int bStep, float[] o, int oOff, int n) {
        int upper = FS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            FloatVector a = FloatVector.broadcast(FS, a_[aOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.mul(b).mul(b.neg().add(1f))).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            FloatVector b = FloatVector.broadcast(FS, b_[bOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                (a.mul(b).mul(b.neg().add(1f))).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.mul(b).mul(b.neg().add(1f))).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            float x = a_[aOff + i * aStep];
            float y = b_[bOff + i * bStep];
            o[oOff + i] = x * y * (-y + 1f);
        }
    }

    private static void tanhBackward(float[] a_, int aOff, int aStep, float[] b_, int bOff, int bStep, float[] o, int oOff, int n) {
        int upper = FS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            FloatVector a = FloatVector.broadcast(FS, a_[aOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.mul(b.mul(b).neg().add(1f))).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            FloatVector b = FloatVector.broadcast(FS, b_[bOff]);
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                (a.mul(b.mul(b).neg().add(1f))).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += FS.length()) {
                FloatVector a = FloatVector.fromArray(FS, a_, aOff + i);
                FloatVector b = FloatVector.fromArray(FS, b_, bOff + i);
                (a.mul(b.mul(b).neg().add(1f))).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            float x = a_[aOff + i * aStep];
            float y = b_[bOff + i * bStep];
            o[oOff + i] = x * (-(y * y) + 1f);
        }
    }

    /** {@code o[i] = op(a[i], b[i])} over double rows read with step 1 or 0, or false for an op not vectorised here. */
    static boolean binary(BinaryOp op, double[] a, int aOff, int aStep, double[] b, int bOff, int bStep,
                          double[] o, int oOff, int n) {
        if (aStep == 0 && bStep == 0) {
            return false;
        }
        switch (op) {
            case PLUS -> plus(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case MINUS -> minus(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case TIMES -> times(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case DIV -> div(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case MAX -> max(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case MIN -> min(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case RELU_BACKWARD -> reluBackward(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case SIGMOID_BACKWARD -> sigmoidBackward(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            case TANH_BACKWARD -> tanhBackward(a, aOff, aStep, b, bOff, bStep, o, oOff, n);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void plus(double[] a_, int aOff, int aStep, double[] b_, int bOff, int bStep, double[] o, int oOff, int n) {
        int upper = DS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            DoubleVector a = DoubleVector.broadcast(DS, a_[aOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.add(b)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            DoubleVector b = DoubleVector.broadcast(DS, b_[bOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                (a.add(b)).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.add(b)).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            double x = a_[aOff + i * aStep];
            double y = b_[bOff + i * bStep];
            o[oOff + i] = x + y;
        }
    }

    private static void minus(double[] a_, int aOff, int aStep, double[] b_, int bOff, int bStep, double[] o, int oOff, int n) {
        int upper = DS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            DoubleVector a = DoubleVector.broadcast(DS, a_[aOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.sub(b)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            DoubleVector b = DoubleVector.broadcast(DS, b_[bOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                (a.sub(b)).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.sub(b)).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            double x = a_[aOff + i * aStep];
            double y = b_[bOff + i * bStep];
            o[oOff + i] = x - y;
        }
    }

    private static void times(double[] a_, int aOff, int aStep, double[] b_, int bOff, int bStep, double[] o, int oOff, int n) {
        int upper = DS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            DoubleVector a = DoubleVector.broadcast(DS, a_[aOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.mul(b)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            DoubleVector b = DoubleVector.broadcast(DS, b_[bOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                (a.mul(b)).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.mul(b)).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            double x = a_[aOff + i * aStep];
            double y = b_[bOff + i * bStep];
            o[oOff + i] = x * y;
        }
    }

    private static void div(double[] a_, int aOff, int aStep, double[] b_, int bOff, int bStep, double[] o, int oOff, int n) {
        int upper = DS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            DoubleVector a = DoubleVector.broadcast(DS, a_[aOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.div(b)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            DoubleVector b = DoubleVector.broadcast(DS, b_[bOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                (a.div(b)).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.div(b)).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            double x = a_[aOff + i * aStep];
            double y = b_[bOff + i * bStep];
            o[oOff + i] = x / y;
        }
    }

    private static void max(double[] a_, int aOff, int aStep, double[] b_, int bOff, int bStep, double[] o, int oOff, int n) {
        int upper = DS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            DoubleVector a = DoubleVector.broadcast(DS, a_[aOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.max(b)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            DoubleVector b = DoubleVector.broadcast(DS, b_[bOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                (a.max(b)).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.max(b)).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            double x = a_[aOff + i * aStep];
            double y = b_[bOff + i * bStep];
            o[oOff + i] = Math.max(x, y);
        }
    }

    private static void min(double[] a_, int aOff, int aStep, double[] b_, int bOff, int bStep, double[] o, int oOff, int n) {
        int upper = DS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            DoubleVector a = DoubleVector.broadcast(DS, a_[aOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.min(b)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            DoubleVector b = DoubleVector.broadcast(DS, b_[bOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                (a.min(b)).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.min(b)).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            double x = a_[aOff + i * aStep];
            double y = b_[bOff + i * bStep];
            o[oOff + i] = Math.min(x, y);
        }
    }

    private static void reluBackward(double[] a_, int aOff, int aStep, double[] b_, int bOff, int bStep, double[] o, int oOff, int n) {
        int upper = DS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            DoubleVector a = DoubleVector.broadcast(DS, a_[aOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.blend(0.0, b.compare(VectorOperators.GT, 0.0).not())).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            DoubleVector b = DoubleVector.broadcast(DS, b_[bOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                (a.blend(0.0, b.compare(VectorOperators.GT, 0.0).not())).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.blend(0.0, b.compare(VectorOperators.GT, 0.0).not())).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            double x = a_[aOff + i * aStep];
            double y = b_[bOff + i * bStep];
            o[oOff + i] = y > 0.0 ? x : 0.0;
        }
    }

    private static void sigmoidBackward(double[] a_, int aOff, int aStep, double[] b_, int bOff, int bStep, double[] o, int oOff, int n) {
        int upper = DS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            DoubleVector a = DoubleVector.broadcast(DS, a_[aOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.mul(b).mul(b.neg().add(1.0))).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            DoubleVector b = DoubleVector.broadcast(DS, b_[bOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                (a.mul(b).mul(b.neg().add(1.0))).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.mul(b).mul(b.neg().add(1.0))).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            double x = a_[aOff + i * aStep];
            double y = b_[bOff + i * bStep];
            o[oOff + i] = x * y * (-y + 1.0);
        }
    }

    private static void tanhBackward(double[] a_, int aOff, int aStep, double[] b_, int bOff, int bStep, double[] o, int oOff, int n) {
        int upper = DS.loopBound(n);
        int i = 0;
        if (aStep == 0) {
            DoubleVector a = DoubleVector.broadcast(DS, a_[aOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.mul(b.mul(b).neg().add(1.0))).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            DoubleVector b = DoubleVector.broadcast(DS, b_[bOff]);
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                (a.mul(b.mul(b).neg().add(1.0))).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += DS.length()) {
                DoubleVector a = DoubleVector.fromArray(DS, a_, aOff + i);
                DoubleVector b = DoubleVector.fromArray(DS, b_, bOff + i);
                (a.mul(b.mul(b).neg().add(1.0))).intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            double x = a_[aOff + i * aStep];
            double y = b_[bOff + i * bStep];
            o[oOff + i] = x * (-(y * y) + 1.0);
        }
    }
}
