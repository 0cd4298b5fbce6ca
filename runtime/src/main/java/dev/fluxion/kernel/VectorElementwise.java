package dev.fluxion.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API row kernels for {@link Elementwise}. Loaded only when {@link Vectors#AVAILABLE}.
 *
 * <p>Each operand is read with step 1 (a contiguous row) or step 0 (one value broadcast); the
 * output is contiguous. Each method returns false, writing nothing, for an op it does not
 * vectorise; the caller then runs the scalar loop.
 */
final class VectorElementwise {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    private VectorElementwise() {}

    static boolean supports(BinaryOp op) {
        return switch (op) {
            case PLUS, MINUS, TIMES, DIV, MAX, MIN, RELU_BACKWARD, SIGMOID_BACKWARD, TANH_BACKWARD -> true;
            default -> false;
        };
    }

    static boolean supports(UnaryOp op) {
        return op != UnaryOp.GELU && op != UnaryOp.SIGN && op != UnaryOp.GELU_DERIVATIVE;
    }

    static boolean binary(BinaryOp op, float[] a, int aOff, int aStep, float[] b, int bOff, int bStep,
                          float[] o, int oOff, int n) {
        if (!supports(op)) {
            return false;
        }
        int len = FS.length();
        int upper = FS.loopBound(n);
        int i = 0;
        // One loop per operand layout: a vector local that is either a broadcast or null defeats
        // C2's vector box elimination (and once crashed C2 in JDK 25.0.3).
        if (aStep == 0 && bStep == 0) {
            return false;
        } else if (aStep == 0) {
            FloatVector va = FloatVector.broadcast(FS, a[aOff]);
            for (; i < upper; i += len) {
                apply(op, va, FloatVector.fromArray(FS, b, bOff + i)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            FloatVector vb = FloatVector.broadcast(FS, b[bOff]);
            for (; i < upper; i += len) {
                apply(op, FloatVector.fromArray(FS, a, aOff + i), vb).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += len) {
                apply(op, FloatVector.fromArray(FS, a, aOff + i), FloatVector.fromArray(FS, b, bOff + i))
                        .intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            o[oOff + i] = (float) op.apply(a[aOff + i * aStep], b[bOff + i * bStep]);
        }
        return true;
    }

    private static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case PLUS -> a.add(b);
            case MINUS -> a.sub(b);
            case TIMES -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case RELU_BACKWARD -> a.blend(0f, b.compare(VectorOperators.GT, 0f).not());
            case SIGMOID_BACKWARD -> a.mul(b).mul(b.neg().add(1f));
            case TANH_BACKWARD -> a.mul(b.mul(b).neg().add(1f));
            default -> throw new IllegalStateException(op.name());
        };
    }

    static boolean binary(BinaryOp op, double[] a, int aOff, int aStep, double[] b, int bOff, int bStep,
                          double[] o, int oOff, int n) {
        if (!supports(op)) {
            return false;
        }
        int len = DS.length();
        int upper = DS.loopBound(n);
        int i = 0;
        if (aStep == 0 && bStep == 0) {
            return false;
        } else if (aStep == 0) {
            DoubleVector va = DoubleVector.broadcast(DS, a[aOff]);
            for (; i < upper; i += len) {
                apply(op, va, DoubleVector.fromArray(DS, b, bOff + i)).intoArray(o, oOff + i);
            }
        } else if (bStep == 0) {
            DoubleVector vb = DoubleVector.broadcast(DS, b[bOff]);
            for (; i < upper; i += len) {
                apply(op, DoubleVector.fromArray(DS, a, aOff + i), vb).intoArray(o, oOff + i);
            }
        } else {
            for (; i < upper; i += len) {
                apply(op, DoubleVector.fromArray(DS, a, aOff + i), DoubleVector.fromArray(DS, b, bOff + i))
                        .intoArray(o, oOff + i);
            }
        }
        for (; i < n; i++) {
            o[oOff + i] = op.apply(a[aOff + i * aStep], b[bOff + i * bStep]);
        }
        return true;
    }

    private static DoubleVector apply(BinaryOp op, DoubleVector a, DoubleVector b) {
        return switch (op) {
            case PLUS -> a.add(b);
            case MINUS -> a.sub(b);
            case TIMES -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case RELU_BACKWARD -> a.blend(0.0, b.compare(VectorOperators.GT, 0.0).not());
            case SIGMOID_BACKWARD -> a.mul(b).mul(b.neg().add(1.0));
            case TANH_BACKWARD -> a.mul(b.mul(b).neg().add(1.0));
            default -> throw new IllegalStateException(op.name());
        };
    }

    static boolean unary(UnaryOp op, double p, double q, float[] x, int xOff, float[] o, int oOff, int n) {
        if (!supports(op)) {
            return false;
        }
        int len = FS.length();
        int upper = FS.loopBound(n);
        float fp = (float) p;
        float fq = (float) q;
        int i = 0;
        for (; i < upper; i += len) {
            apply(op, fp, fq, FloatVector.fromArray(FS, x, xOff + i)).intoArray(o, oOff + i);
        }
        for (; i < n; i++) {
            o[oOff + i] = (float) op.apply(x[xOff + i], fp, fq);
        }
        return true;
    }

    private static FloatVector apply(UnaryOp op, float p, float q, FloatVector x) {
        return switch (op) {
            case NEG -> x.neg();
            case ABS -> x.abs();
            case EXP -> x.lanewise(VectorOperators.EXP);
            case LOG -> x.lanewise(VectorOperators.LOG);
            case LOG1P -> x.lanewise(VectorOperators.LOG1P);
            case SQRT -> x.sqrt();
            case SQUARE -> x.mul(x);
            case SIGMOID -> FloatVector.broadcast(FS, 1f).div(x.neg().lanewise(VectorOperators.EXP).add(1f));
            case TANH -> x.lanewise(VectorOperators.TANH);
            case RELU -> x.max(0f);
            case SOFTPLUS -> x.max(0f).add(x.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P));
            case SIN -> x.lanewise(VectorOperators.SIN);
            case COS -> x.lanewise(VectorOperators.COS);
            case LEAKY_RELU -> x.blend(x.mul(p), x.compare(VectorOperators.LT, 0f));
            case CLAMP -> x.max(p).min(q);
            case IDENTITY -> x;
            default -> throw new IllegalStateException(op.name());
        };
    }

    static boolean unary(UnaryOp op, double p, double q, double[] x, int xOff, double[] o, int oOff, int n) {
        if (!supports(op)) {
            return false;
        }
        int len = DS.length();
        int upper = DS.loopBound(n);
        int i = 0;
        for (; i < upper; i += len) {
            apply(op, p, q, DoubleVector.fromArray(DS, x, xOff + i)).intoArray(o, oOff + i);
        }
        for (; i < n; i++) {
            o[oOff + i] = op.apply(x[xOff + i], p, q);
        }
        return true;
    }

    private static DoubleVector apply(UnaryOp op, double p, double q, DoubleVector x) {
        return switch (op) {
            case NEG -> x.neg();
            case ABS -> x.abs();
            case EXP -> x.lanewise(VectorOperators.EXP);
            case LOG -> x.lanewise(VectorOperators.LOG);
            case LOG1P -> x.lanewise(VectorOperators.LOG1P);
            case SQRT -> x.sqrt();
            case SQUARE -> x.mul(x);
            case SIGMOID -> DoubleVector.broadcast(DS, 1.0).div(x.neg().lanewise(VectorOperators.EXP).add(1.0));
            case TANH -> x.lanewise(VectorOperators.TANH);
            case RELU -> x.max(0.0);
            case SOFTPLUS -> x.max(0.0).add(x.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P));
            case SIN -> x.lanewise(VectorOperators.SIN);
            case COS -> x.lanewise(VectorOperators.COS);
            case LEAKY_RELU -> x.blend(x.mul(p), x.compare(VectorOperators.LT, 0.0));
            case CLAMP -> x.max(p).min(q);
            case IDENTITY -> x;
            default -> throw new IllegalStateException(op.name());
        };
    }
}
