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
 * shapes, so results are bit-identical to the small-problem GEMM path, except that a block of
 * {@value #SPLIT} or more terms is summed in {@value #WAYS} interleaved partial sums (a 500-term
 * weight gradient in order was bound by the latency of its additions). {@link GemmReference} is
 * the scalar reference.
 */
public final class SmallMatmul {
    private SmallMatmul() {}

    /** Terms per partial sum (GemmPlain's K block). */
    static final int KB = 256;
    /** Dot products of at least this many terms are split over {@link #WAYS} partial sums. */
    static final int SPLIT = 32;
    /** Partial sums of a long dot product. */
    static final int WAYS = 8;

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
        if (k == 1 && n == 1) {
            // A column times a scalar (x·w of a one-feature regression): unit strides vectorise.
            float w = b[bOff];
            if (ars == 1 && ldc == 1) {
                for (int i = 0; i < m; i++) {
                    c[cOff + i] = 0f + a[aOff + i] * w;
                }
            } else {
                for (int i = 0; i < m; i++) {
                    c[cOff + i * ldc] = 0f + a[aOff + i * ars] * w;
                }
            }
            return;
        }
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
                    cij += dot(a, ai, acs, b, bj, brs, p0, Math.min(k, p0 + KB));
                }
                c[ci + j] = cij;
            }
        }
    }

    /**
     * {@code Σ_{p0 ≤ p < p1} A[p]·B[p]}: in order below {@value #SPLIT} terms; from there in
     * {@value #WAYS} interleaved partial sums (term p into sum p mod 8, each in order) added in a
     * fixed tree, then the last terms in order, so a long dot product is bound by throughput, not
     * by the latency of one chain of additions.
     */
    static float dot(float[] a, int ai, int acs, float[] b, int bj, int brs, int p0, int p1) {
        if (p1 - p0 < SPLIT) {
            float s = 0f;
            for (int p = p0; p < p1; p++) {
                s += a[ai + p * acs] * b[bj + p * brs];
            }
            return s;
        }
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int p = p0;
        for (; p + WAYS <= p1; p += WAYS) {
            int x = ai + p * acs, y = bj + p * brs;
            s0 += a[x] * b[y];
            s1 += a[x + acs] * b[y + brs];
            s2 += a[x + 2 * acs] * b[y + 2 * brs];
            s3 += a[x + 3 * acs] * b[y + 3 * brs];
            s4 += a[x + 4 * acs] * b[y + 4 * brs];
            s5 += a[x + 5 * acs] * b[y + 5 * brs];
            s6 += a[x + 6 * acs] * b[y + 6 * brs];
            s7 += a[x + 7 * acs] * b[y + 7 * brs];
        }
        float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        for (; p < p1; p++) {
            s += a[ai + p * acs] * b[bj + p * brs];
        }
        return s;
    }

    /** Double version of {@link #dot(float[], int, int, float[], int, int, int, int)}. */
    static double dot(double[] a, int ai, int acs, double[] b, int bj, int brs, int p0, int p1) {
        if (p1 - p0 < SPLIT) {
            double s = 0.0;
            for (int p = p0; p < p1; p++) {
                s += a[ai + p * acs] * b[bj + p * brs];
            }
            return s;
        }
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int p = p0;
        for (; p + WAYS <= p1; p += WAYS) {
            int x = ai + p * acs, y = bj + p * brs;
            s0 += a[x] * b[y];
            s1 += a[x + acs] * b[y + brs];
            s2 += a[x + 2 * acs] * b[y + 2 * brs];
            s3 += a[x + 3 * acs] * b[y + 3 * brs];
            s4 += a[x + 4 * acs] * b[y + 4 * brs];
            s5 += a[x + 5 * acs] * b[y + 5 * brs];
            s6 += a[x + 6 * acs] * b[y + 6 * brs];
            s7 += a[x + 7 * acs] * b[y + 7 * brs];
        }
        double s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        for (; p < p1; p++) {
            s += a[ai + p * acs] * b[bj + p * brs];
        }
        return s;
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
                    cij += dot(a, ai, acs, b, bj, brs, p0, Math.min(k, p0 + KB));
                }
                c[ci + j] = cij;
            }
        }
    }
}
