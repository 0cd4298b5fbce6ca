package dev.fluxion.kernel;

/**
 * Row kernels for elementwise ops: one strided row of {@code n} elements per call.
 *
 * <p>Operand {@code k} is read at {@code x[xOff + i·xStep]}, the result written at
 * {@code o[oOff + i·oStep]}. The fast path (contiguous or broadcast operands, contiguous output)
 * uses the Vector API when present, otherwise tight Java loops; every other case and every
 * {@code *Reference} method evaluates the op's scalar reference in double, element by element.
 * Float results are the double result rounded to float.
 */
public final class Elementwise {
    private Elementwise() {}

    /** {@code o[i] = op(a[i], b[i])} for i &lt; n. Modified: {@code o}. */
    public static void binary(BinaryOp op, float[] a, int aOff, int aStep, float[] b, int bOff, int bStep,
                              float[] o, int oOff, int oStep, int n) {
        if (oStep == 1 && aStep <= 1 && aStep >= 0 && bStep <= 1 && bStep >= 0) {
            if (Vectors.AVAILABLE && VectorElementwise.binary(op, a, aOff, aStep, b, bOff, bStep, o, oOff, n)) {
                return;
            }
            if (aStep == 1 && bStep == 1 && plainBinary(op, a, aOff, b, bOff, o, oOff, n)) {
                return;
            }
        }
        binaryReference(op, a, aOff, aStep, b, bOff, bStep, o, oOff, oStep, n);
    }

    /** {@code o[i] = op(a[i], b[i])} for i &lt; n. Modified: {@code o}. */
    public static void binary(BinaryOp op, double[] a, int aOff, int aStep, double[] b, int bOff, int bStep,
                              double[] o, int oOff, int oStep, int n) {
        if (oStep == 1 && aStep <= 1 && aStep >= 0 && bStep <= 1 && bStep >= 0) {
            if (Vectors.AVAILABLE && VectorElementwise.binary(op, a, aOff, aStep, b, bOff, bStep, o, oOff, n)) {
                return;
            }
            if (aStep == 1 && bStep == 1 && plainBinary(op, a, aOff, b, bOff, o, oOff, n)) {
                return;
            }
        }
        binaryReference(op, a, aOff, aStep, b, bOff, bStep, o, oOff, oStep, n);
    }

    /** Scalar reference of {@link #binary(BinaryOp, float[], int, int, float[], int, int, float[], int, int, int)}. */
    public static void binaryReference(BinaryOp op, float[] a, int aOff, int aStep, float[] b, int bOff, int bStep,
                                       float[] o, int oOff, int oStep, int n) {
        for (int i = 0; i < n; i++) {
            o[oOff + i * oStep] = (float) op.apply(a[aOff + i * aStep], b[bOff + i * bStep]);
        }
    }

    /** Scalar reference of {@link #binary(BinaryOp, double[], int, int, double[], int, int, double[], int, int, int)}. */
    public static void binaryReference(BinaryOp op, double[] a, int aOff, int aStep, double[] b, int bOff, int bStep,
                                       double[] o, int oOff, int oStep, int n) {
        for (int i = 0; i < n; i++) {
            o[oOff + i * oStep] = op.apply(a[aOff + i * aStep], b[bOff + i * bStep]);
        }
    }

    /** {@code o[i] = op(x[i]; p, q)} for i &lt; n. Modified: {@code o}. */
    public static void unary(UnaryOp op, double p, double q, float[] x, int xOff, int xStep,
                             float[] o, int oOff, int oStep, int n) {
        if (Vectors.AVAILABLE && xStep == 1 && oStep == 1
                && VectorUnary.unary(op, p, q, x, xOff, o, oOff, n)) {
            return;
        }
        unaryReference(op, p, q, x, xOff, xStep, o, oOff, oStep, n);
    }

    /** {@code o[i] = op(x[i]; p, q)} for i &lt; n. Modified: {@code o}. */
    public static void unary(UnaryOp op, double p, double q, double[] x, int xOff, int xStep,
                             double[] o, int oOff, int oStep, int n) {
        if (Vectors.AVAILABLE && xStep == 1 && oStep == 1
                && VectorUnary.unary(op, p, q, x, xOff, o, oOff, n)) {
            return;
        }
        unaryReference(op, p, q, x, xOff, xStep, o, oOff, oStep, n);
    }

    /** Scalar reference of the float {@code unary}. */
    public static void unaryReference(UnaryOp op, double p, double q, float[] x, int xOff, int xStep,
                                      float[] o, int oOff, int oStep, int n) {
        if (op == UnaryOp.IDENTITY) {
            for (int i = 0; i < n; i++) {
                o[oOff + i * oStep] = x[xOff + i * xStep];
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            o[oOff + i * oStep] = (float) op.apply(x[xOff + i * xStep], p, q);
        }
    }

    /** Scalar reference of the double {@code unary}. */
    public static void unaryReference(UnaryOp op, double p, double q, double[] x, int xOff, int xStep,
                                      double[] o, int oOff, int oStep, int n) {
        for (int i = 0; i < n; i++) {
            o[oOff + i * oStep] = op.apply(x[xOff + i * xStep], p, q);
        }
    }

    /** Copies a float row into a double row: {@code o[i] = x[i]}. Modified: {@code o}. */
    public static void widen(float[] x, int xOff, int xStep, double[] o, int oOff, int oStep, int n) {
        for (int i = 0; i < n; i++) {
            o[oOff + i * oStep] = x[xOff + i * xStep];
        }
    }

    /** Copies a double row into a float row, rounding: {@code o[i] = (float) x[i]}. Modified: {@code o}. */
    public static void narrow(double[] x, int xOff, int xStep, float[] o, int oOff, int oStep, int n) {
        for (int i = 0; i < n; i++) {
            o[oOff + i * oStep] = (float) x[xOff + i * xStep];
        }
    }

    // Without the Vector API: the four arithmetic ops in loops the JIT can unroll and auto-vectorise.
    private static boolean plainBinary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] o, int oOff, int n) {
        switch (op) {
            case PLUS -> { for (int i = 0; i < n; i++) o[oOff + i] = a[aOff + i] + b[bOff + i]; }
            case MINUS -> { for (int i = 0; i < n; i++) o[oOff + i] = a[aOff + i] - b[bOff + i]; }
            case TIMES -> { for (int i = 0; i < n; i++) o[oOff + i] = a[aOff + i] * b[bOff + i]; }
            case DIV -> { for (int i = 0; i < n; i++) o[oOff + i] = a[aOff + i] / b[bOff + i]; }
            default -> { return false; }
        }
        return true;
    }

    private static boolean plainBinary(BinaryOp op, double[] a, int aOff, double[] b, int bOff, double[] o, int oOff, int n) {
        switch (op) {
            case PLUS -> { for (int i = 0; i < n; i++) o[oOff + i] = a[aOff + i] + b[bOff + i]; }
            case MINUS -> { for (int i = 0; i < n; i++) o[oOff + i] = a[aOff + i] - b[bOff + i]; }
            case TIMES -> { for (int i = 0; i < n; i++) o[oOff + i] = a[aOff + i] * b[bOff + i]; }
            case DIV -> { for (int i = 0; i < n; i++) o[oOff + i] = a[aOff + i] / b[bOff + i]; }
            default -> { return false; }
        }
        return true;
    }
}
