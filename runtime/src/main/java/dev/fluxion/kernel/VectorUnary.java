package dev.fluxion.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API row kernels of unary ops for {@link Elementwise}. Loaded only when
 * {@link Vectors#AVAILABLE}.
 *
 * <p>One small loop method per op and dtype, on purpose: a single loop calling a shared per-op
 * method (or one method holding every op's loop) stops being inlined by C2 once it has been
 * compiled big, and then every vector is boxed: {@code relu} on [64, 256] went from 0 to 196 KB
 * allocated a call after {@code exp} had run ({@code KernelAllocationTest}). Each loop has one
 * vector expression: the last partial vector is copied into a per-thread scratch row, computed
 * there by the same expression and copied out (masked loads and stores, or a second copy of the
 * expression for the tail, add enough C2 nodes to stop the inlining of {@code log}). With the float
 * transcendentals of {@link FloatVectorMath}, a call gives the same bits every time, for every
 * element of the row.
 */
final class VectorUnary {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    private VectorUnary() {}

    /** {@code o[i] = op(x[i]; p, q)} over a contiguous float row, or false for an op not vectorised here. */
    static boolean unary(UnaryOp op, double p, double q, float[] x, int xOff, float[] o, int oOff, int n) {
        switch (op) {
            case NEG -> neg(x, xOff, o, oOff, n);
            case ABS -> abs(x, xOff, o, oOff, n);
            case EXP -> exp(x, xOff, o, oOff, n);
            case LOG -> log(x, xOff, o, oOff, n);
            case LOG1P -> log1p(x, xOff, o, oOff, n);
            case SQRT -> sqrt(x, xOff, o, oOff, n);
            case SQUARE -> square(x, xOff, o, oOff, n);
            case SIGMOID -> sigmoid(x, xOff, o, oOff, n);
            case TANH -> tanh(x, xOff, o, oOff, n);
            case RELU -> relu(x, xOff, o, oOff, n);
            case SOFTPLUS -> softplus(x, xOff, o, oOff, n);
            case SIN -> sin(x, xOff, o, oOff, n);
            case COS -> cos(x, xOff, o, oOff, n);
            case LEAKY_RELU -> leakyRelu((float) p, (float) q, x, xOff, o, oOff, n);
            case CLAMP -> clamp((float) p, (float) q, x, xOff, o, oOff, n);
            case IDENTITY -> copy(x, xOff, o, oOff, n);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void neg(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (v.neg()).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void abs(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (v.abs()).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void exp(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (FloatVectorMath.exp(v)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void log(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (FloatVectorMath.log(v)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void sqrt(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (v.sqrt()).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void square(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (v.mul(v)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void sigmoid(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (FloatVectorMath.sigmoid(v)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void tanh(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (FloatVectorMath.tanh(v)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void relu(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (v.max(0f)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void sin(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (v.lanewise(VectorOperators.SIN)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void cos(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (v.lanewise(VectorOperators.COS)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void leakyRelu(float p, float q, float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (v.blend(v.mul(p), v.compare(VectorOperators.LT, 0f))).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void clamp(float p, float q, float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (v.max(p).min(q)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void copy(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (v).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    // log1p and softplus compose two heavy functions. Both in one compiled loop are too many C2
    // nodes to inline, and then C2 boxes every vector; a pass each, in loop methods that C2 may
    // inline into one caller, would be the same. So the first heavy pass goes through unary(),
    // whose size keeps C2 from inlining it: a compiled loop of its own.

    private static void log1p(float[] x, int xOff, float[] o, int oOff, int n) {
        // ln(1 + x) rounded, then Goldberg's correction ln(w)·x/(w − 1). The first passes write
        // into o, unless o is x (in place), which the last pass reads.
        float[] logW = x == o ? new float[n] : o;
        int wOff = logW == o ? oOff : 0;
        plusOne(x, xOff, logW, wOff, n);
        unary(UnaryOp.LOG, 0, 0, logW, wOff, logW, wOff, n);
        log1pCorrection(x, xOff, logW, wOff, o, oOff, n);
    }

    private static void plusOne(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (v.add(1f)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void log1pCorrection(float[] x, int xOff, float[] logW, int wOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        float[] tail2 = Scratch.secondFloats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
                System.arraycopy(logW, wOff + i, tail2, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            FloatVector w = FloatVector.fromArray(FS, full ? logW : tail2, full ? wOff + i : 0);
            (FloatVectorMath.log1p(v, w)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void softplus(float[] x, int xOff, float[] o, int oOff, int n) {
        // e^−|x|, then max(x, 0) + log1p of it.
        float[] e = x == o ? new float[n] : o;
        int eOff = e == o ? oOff : 0;
        minusAbs(x, xOff, e, eOff, n);
        unary(UnaryOp.EXP, 0, 0, e, eOff, e, eOff, n);
        softplusOfExp(x, xOff, e, eOff, o, oOff, n);
    }

    private static void minusAbs(float[] x, int xOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            (v.abs().neg()).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void softplusOfExp(float[] x, int xOff, float[] e, int eOff, float[] o, int oOff, int n) {
        float[] tail = Scratch.floats(FS.length());
        float[] tail2 = Scratch.secondFloats(FS.length());
        for (int i = 0; i < n; i += FS.length()) {
            boolean full = i + FS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
                System.arraycopy(e, eOff + i, tail2, 0, n - i);
            }
            FloatVector v = FloatVector.fromArray(FS, full ? x : tail, full ? xOff + i : 0);
            FloatVector w = FloatVector.fromArray(FS, full ? e : tail2, full ? eOff + i : 0);
            (v.max(0f).add(FloatVectorMath.log1pOfUnit(w))).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    /** {@code o[i] = op(x[i]; p, q)} over a contiguous double row, or false for an op not vectorised here. */
    static boolean unary(UnaryOp op, double p, double q, double[] x, int xOff, double[] o, int oOff, int n) {
        switch (op) {
            case NEG -> neg(x, xOff, o, oOff, n);
            case ABS -> abs(x, xOff, o, oOff, n);
            case EXP -> exp(x, xOff, o, oOff, n);
            case LOG -> log(x, xOff, o, oOff, n);
            case LOG1P -> log1p(x, xOff, o, oOff, n);
            case SQRT -> sqrt(x, xOff, o, oOff, n);
            case SQUARE -> square(x, xOff, o, oOff, n);
            case SIGMOID -> sigmoid(x, xOff, o, oOff, n);
            case TANH -> tanh(x, xOff, o, oOff, n);
            case RELU -> relu(x, xOff, o, oOff, n);
            case SOFTPLUS -> softplus(x, xOff, o, oOff, n);
            case SIN -> sin(x, xOff, o, oOff, n);
            case COS -> cos(x, xOff, o, oOff, n);
            case LEAKY_RELU -> leakyRelu(p, q, x, xOff, o, oOff, n);
            case CLAMP -> clamp(p, q, x, xOff, o, oOff, n);
            case IDENTITY -> copy(x, xOff, o, oOff, n);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void neg(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.neg()).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void abs(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.abs()).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void exp(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.lanewise(VectorOperators.EXP)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void log(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.lanewise(VectorOperators.LOG)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void log1p(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.lanewise(VectorOperators.LOG1P)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void sqrt(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.sqrt()).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void square(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.mul(v)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void sigmoid(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (DoubleVector.broadcast(DS, 1.0).div(v.neg().lanewise(VectorOperators.EXP).add(1.0))).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void tanh(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.lanewise(VectorOperators.TANH)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void relu(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.max(0.0)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void softplus(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.max(0.0).add(v.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P))).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void sin(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.lanewise(VectorOperators.SIN)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void cos(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.lanewise(VectorOperators.COS)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void leakyRelu(double p, double q, double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.blend(v.mul(p), v.compare(VectorOperators.LT, 0.0))).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void clamp(double p, double q, double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v.max(p).min(q)).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }

    private static void copy(double[] x, int xOff, double[] o, int oOff, int n) {
        double[] tail = Scratch.doubles(DS.length());
        for (int i = 0; i < n; i += DS.length()) {
            boolean full = i + DS.length() <= n;
            if (!full) {
                System.arraycopy(x, xOff + i, tail, 0, n - i);
            }
            DoubleVector v = DoubleVector.fromArray(DS, full ? x : tail, full ? xOff + i : 0);
            (v).intoArray(full ? o : tail, full ? oOff + i : 0);
            if (!full) {
                System.arraycopy(tail, 0, o, oOff + i, n - i);
            }
        }
    }
}
