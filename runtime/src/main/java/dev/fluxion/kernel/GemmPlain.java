package dev.fluxion.kernel;

/**
 * Matrix product in plain Java, for JVMs without {@code jdk.incubator.vector} and for problems too
 * small to pay for packing.
 *
 * <p>Blocks K and N so the touched rows of B stay in cache, and computes 4×4 tiles of C in sixteen
 * scalar accumulators, which halves the loads per multiply-add compared with a dot product per
 * element. Semantics are those of {@link Gemm#sgemm}; summation order differs from
 * {@link GemmReference} only by the K blocking.
 */
final class GemmPlain {
    private GemmPlain() {}

    private static final int KB = 256;
    private static final int NB = 256;

    /** Float product, single-threaded. Modified: {@code c}. */
    static void sgemm(int m, int n, int k,
                      float[] a, int aOff, int ars, int acs,
                      float[] b, int bOff, int brs, int bcs,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
        }
        for (int j0 = 0; j0 < n; j0 += NB) {
            int j1 = Math.min(n, j0 + NB);
            for (int p0 = 0; p0 < k; p0 += KB) {
                int p1 = Math.min(k, p0 + KB);
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    int j = j0;
                    for (; j + 4 <= j1; j += 4) {
                        tile4x4(a, aOff + i * ars, ars, acs, b, bOff + j * bcs, brs, bcs,
                                c, cOff + i * ldc + j, ldc, p0, p1);
                    }
                    for (; j < j1; j++) {
                        for (int r = 0; r < 4; r++) {
                            c[cOff + (i + r) * ldc + j] += dot(a, aOff + (i + r) * ars, acs, b, bOff + j * bcs, brs, p0, p1);
                        }
                    }
                }
                for (; i < m; i++) {
                    for (int j = j0; j < j1; j++) {
                        c[cOff + i * ldc + j] += dot(a, aOff + i * ars, acs, b, bOff + j * bcs, brs, p0, p1);
                    }
                }
            }
        }
    }

    private static float dot(float[] a, int ai, int acs, float[] b, int bj, int brs, int p0, int p1) {
        float s = 0f;
        for (int p = p0; p < p1; p++) s += a[ai + p * acs] * b[bj + p * brs];
        return s;
    }

    /** {@code C[r, j] += Σ_{p0≤p<p1} A[r, p]·B[p, j]} for the 4×4 tile whose corners the offsets name. */
    private static void tile4x4(float[] a, int ai, int ars, int acs, float[] b, int bj, int brs, int bcs,
                                float[] c, int ci, int ldc, int p0, int p1) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = p0; p < p1; p++) {
            int ap = ai + p * acs, bp = bj + p * brs;
            float a0 = a[ap], a1 = a[ap + ars], a2 = a[ap + 2 * ars], a3 = a[ap + 3 * ars];
            float b0 = b[bp], b1 = b[bp + bcs], b2 = b[bp + 2 * bcs], b3 = b[bp + 3 * bcs];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02; c[ci + 3] += c03;
        ci += ldc;
        c[ci] += c10; c[ci + 1] += c11; c[ci + 2] += c12; c[ci + 3] += c13;
        ci += ldc;
        c[ci] += c20; c[ci + 1] += c21; c[ci + 2] += c22; c[ci + 3] += c23;
        ci += ldc;
        c[ci] += c30; c[ci + 1] += c31; c[ci + 2] += c32; c[ci + 3] += c33;
    }

    /** Double product, single-threaded. Modified: {@code c}. */
    static void dgemm(int m, int n, int k,
                      double[] a, int aOff, int ars, int acs,
                      double[] b, int bOff, int brs, int bcs,
                      double[] c, int cOff, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
        }
        for (int j0 = 0; j0 < n; j0 += NB) {
            int j1 = Math.min(n, j0 + NB);
            for (int p0 = 0; p0 < k; p0 += KB) {
                int p1 = Math.min(k, p0 + KB);
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    int j = j0;
                    for (; j + 4 <= j1; j += 4) {
                        tile4x4(a, aOff + i * ars, ars, acs, b, bOff + j * bcs, brs, bcs,
                                c, cOff + i * ldc + j, ldc, p0, p1);
                    }
                    for (; j < j1; j++) {
                        for (int r = 0; r < 4; r++) {
                            c[cOff + (i + r) * ldc + j] += dot(a, aOff + (i + r) * ars, acs, b, bOff + j * bcs, brs, p0, p1);
                        }
                    }
                }
                for (; i < m; i++) {
                    for (int j = j0; j < j1; j++) {
                        c[cOff + i * ldc + j] += dot(a, aOff + i * ars, acs, b, bOff + j * bcs, brs, p0, p1);
                    }
                }
            }
        }
    }

    private static double dot(double[] a, int ai, int acs, double[] b, int bj, int brs, int p0, int p1) {
        double s = 0.0;
        for (int p = p0; p < p1; p++) s += a[ai + p * acs] * b[bj + p * brs];
        return s;
    }

    /** {@code C[r, j] += Σ_{p0≤p<p1} A[r, p]·B[p, j]} for the 4×4 tile whose corners the offsets name. */
    private static void tile4x4(double[] a, int ai, int ars, int acs, double[] b, int bj, int brs, int bcs,
                                double[] c, int ci, int ldc, int p0, int p1) {
        double c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        double c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = p0; p < p1; p++) {
            int ap = ai + p * acs, bp = bj + p * brs;
            double a0 = a[ap], a1 = a[ap + ars], a2 = a[ap + 2 * ars], a3 = a[ap + 3 * ars];
            double b0 = b[bp], b1 = b[bp + bcs], b2 = b[bp + 2 * bcs], b3 = b[bp + 3 * bcs];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02; c[ci + 3] += c03;
        ci += ldc;
        c[ci] += c10; c[ci + 1] += c11; c[ci + 2] += c12; c[ci + 3] += c13;
        ci += ldc;
        c[ci] += c20; c[ci + 1] += c21; c[ci + 2] += c22; c[ci + 3] += c23;
        ci += ldc;
        c[ci] += c30; c[ci + 1] += c31; c[ci + 2] += c32; c[ci + 3] += c33;
    }
}
