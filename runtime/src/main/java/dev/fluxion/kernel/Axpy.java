package dev.fluxion.kernel;

/**
 * Fused in-place updates over contiguous rows, the kernels behind the optimizers' {@code ...InPlace}
 * calls: no temporaries, one pass over the target.
 *
 * <p>Each float kernel rounds exactly as the unfused ops it replaces did: the scale factor is
 * rounded to float first, then each product and sum is one float operation (no fused
 * multiply-add), so {@code y += α·x} gives the same bits as {@code y + fl(x·fl(α))}. The fast
 * path uses the Vector API when present, otherwise a plain loop the JIT unrolls; every
 * {@code *Reference} method is the scalar definition, element by element.
 */
public final class Axpy {
    private Axpy() {}

    /** {@code y[i] += α·x[i]} for i &lt; n. Modified: {@code y}. Not modified: {@code x}. */
    public static void axpy(int n, double alpha, float[] x, int xOff, float[] y, int yOff) {
        if (Vectors.AVAILABLE && n >= VectorAxpy.MIN_LENGTH) {
            VectorAxpy.axpy(n, (float) alpha, x, xOff, y, yOff);
            return;
        }
        axpyReference(n, alpha, x, xOff, y, yOff);
    }

    /** Scalar reference of {@link #axpy(int, double, float[], int, float[], int)}. */
    public static void axpyReference(int n, double alpha, float[] x, int xOff, float[] y, int yOff) {
        float a = (float) alpha;
        for (int i = 0; i < n; i++) {
            y[yOff + i] = y[yOff + i] + x[xOff + i] * a;
        }
    }

    /** {@code y[i] += α·x[i]} for i &lt; n. Modified: {@code y}. Not modified: {@code x}. */
    public static void axpy(int n, double alpha, double[] x, int xOff, double[] y, int yOff) {
        if (Vectors.AVAILABLE && n >= VectorAxpy.MIN_LENGTH) {
            VectorAxpy.axpy(n, alpha, x, xOff, y, yOff);
            return;
        }
        axpyReference(n, alpha, x, xOff, y, yOff);
    }

    /** Scalar reference of {@link #axpy(int, double, double[], int, double[], int)}. */
    public static void axpyReference(int n, double alpha, double[] x, int xOff, double[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = y[yOff + i] + x[xOff + i] * alpha;
        }
    }

    /**
     * {@code y[i] += v·(a[i] ⊙ b[i])} where ⊙ is · ({@code divide} false, addcmul) or / ({@code divide}
     * true, addcdiv), for i &lt; n. Modified: {@code y}. Not modified: {@code a}, {@code b}.
     */
    public static void addcombined(int n, double value, boolean divide, float[] a, int aOff, float[] b, int bOff,
                                   float[] y, int yOff) {
        if (Vectors.AVAILABLE && n >= VectorAxpy.MIN_LENGTH) {
            VectorAxpy.addcombined(n, (float) value, divide, a, aOff, b, bOff, y, yOff);
            return;
        }
        addcombinedReference(n, value, divide, a, aOff, b, bOff, y, yOff);
    }

    /** Scalar reference of the float {@code addcombined}. */
    public static void addcombinedReference(int n, double value, boolean divide, float[] a, int aOff,
                                            float[] b, int bOff, float[] y, int yOff) {
        float v = (float) value;
        for (int i = 0; i < n; i++) {
            float t = divide ? a[aOff + i] / b[bOff + i] : a[aOff + i] * b[bOff + i];
            y[yOff + i] = y[yOff + i] + t * v;
        }
    }

    /** Double version of {@link #addcombined(int, double, boolean, float[], int, float[], int, float[], int)}. */
    public static void addcombined(int n, double value, boolean divide, double[] a, int aOff, double[] b, int bOff,
                                   double[] y, int yOff) {
        if (Vectors.AVAILABLE && n >= VectorAxpy.MIN_LENGTH) {
            VectorAxpy.addcombined(n, value, divide, a, aOff, b, bOff, y, yOff);
            return;
        }
        addcombinedReference(n, value, divide, a, aOff, b, bOff, y, yOff);
    }

    /** Scalar reference of the double {@code addcombined}. */
    public static void addcombinedReference(int n, double value, boolean divide, double[] a, int aOff,
                                            double[] b, int bOff, double[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            double t = divide ? a[aOff + i] / b[bOff + i] : a[aOff + i] * b[bOff + i];
            y[yOff + i] = y[yOff + i] + t * value;
        }
    }

    /** {@code y[i] *= c} for i &lt; n. Modified: {@code y}. */
    public static void scale(int n, double c, float[] y, int yOff) {
        if (Vectors.AVAILABLE && n >= VectorAxpy.MIN_LENGTH) {
            VectorAxpy.scale(n, (float) c, y, yOff);
            return;
        }
        scaleReference(n, c, y, yOff);
    }

    /** Scalar reference of {@link #scale(int, double, float[], int)}. */
    public static void scaleReference(int n, double c, float[] y, int yOff) {
        float f = (float) c;
        for (int i = 0; i < n; i++) {
            y[yOff + i] = y[yOff + i] * f;
        }
    }

    /** {@code y[i] *= c} for i &lt; n. Modified: {@code y}. */
    public static void scale(int n, double c, double[] y, int yOff) {
        if (Vectors.AVAILABLE && n >= VectorAxpy.MIN_LENGTH) {
            VectorAxpy.scale(n, c, y, yOff);
            return;
        }
        scaleReference(n, c, y, yOff);
    }

    /** Scalar reference of {@link #scale(int, double, double[], int)}. */
    public static void scaleReference(int n, double c, double[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = y[yOff + i] * c;
        }
    }
}
