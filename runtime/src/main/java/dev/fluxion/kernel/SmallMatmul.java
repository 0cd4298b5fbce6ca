package dev.fluxion.kernel;

/**
 * Products with an inner or outer dimension of 1, the shapes of tiny models: an outer product
 * ({@code k = 1}), a matrix-vector product ({@code n = 1}), a vector-matrix product or a dot
 * product ({@code m = 1}).
 *
 * <p>{@code C[i,j] = Σ_{p<k} A[i,p]·B[p,j]} with the strided addressing of {@link Gemm}
 * (C row-major with leading dimension {@code ldc}, overwritten). For these shapes the blocked
 * GEMM spends its time on set-up per row (clearing C row by row, a call per element); here each
 * element is one loop. The sum over {@code p} runs in order, in float for the float kernel,
 * restarted every {@value #KB} terms and added to C, exactly as {@link GemmPlain} sums for these
 * shapes, so results are bit-identical to the small-problem GEMM path. {@link GemmReference} is
 * the scalar reference.
 */
public final class SmallMatmul {
    private SmallMatmul() {}

    /** Terms per partial sum (GemmPlain's K block). */
    static final int KB = 256;

    /** Largest m·n·k this kernel is used for: beyond it the packed GEMM is faster. */
    public static final long MAX_WORK = 16L * 16 * 16;

    /** Whether {@link #sgemm}/{@link #dgemm} should take a product of these dimensions. */
    public static boolean applies(int m, int n, int k) {
        return (m == 1 || n == 1 || k == 1) && (long) m * n * k < MAX_WORK;
    }

    /** Float {@code C = A·B}. Modified: {@code c}. Not modified: {@code a}, {@code b}. */
    public static void sgemm(int m, int n, int k,
                             float[] a, int aOff, int ars, int acs,
                             float[] b, int bOff, int brs, int bcs,
                             float[] c, int cOff, int ldc) {
        if (k == 1) {
            for (int i = 0; i < m; i++) {
                float ai = a[aOff + i * ars];
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[ci + j] = 0f + ai * b[bOff + j * bcs];
                }
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * ars;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                int bj = bOff + j * bcs;
                float cij = 0f;
                for (int p0 = 0; p0 < k; p0 += KB) {
                    int p1 = Math.min(k, p0 + KB);
                    float s = 0f;
                    for (int p = p0; p < p1; p++) {
                        s += a[ai + p * acs] * b[bj + p * brs];
                    }
                    cij += s;
                }
                c[ci + j] = cij;
            }
        }
    }

    /** Double {@code C = A·B}. Modified: {@code c}. Not modified: {@code a}, {@code b}. */
    public static void dgemm(int m, int n, int k,
                             double[] a, int aOff, int ars, int acs,
                             double[] b, int bOff, int brs, int bcs,
                             double[] c, int cOff, int ldc) {
        if (k == 1) {
            for (int i = 0; i < m; i++) {
                double ai = a[aOff + i * ars];
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[ci + j] = 0.0 + ai * b[bOff + j * bcs];
                }
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * ars;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                int bj = bOff + j * bcs;
                double cij = 0.0;
                for (int p0 = 0; p0 < k; p0 += KB) {
                    int p1 = Math.min(k, p0 + KB);
                    double s = 0.0;
                    for (int p = p0; p < p1; p++) {
                        s += a[ai + p * acs] * b[bj + p * brs];
                    }
                    cij += s;
                }
                c[ci + j] = cij;
            }
        }
    }
}
