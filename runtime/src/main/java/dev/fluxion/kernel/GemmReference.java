package dev.fluxion.kernel;

/**
 * Plain scalar matrix product: the specification every fast GEMM path is tested against.
 *
 * <p>Computes {@code C[i,j] (+)= Σ_p A[i,p]·B[p,j]} with the strided addressing of
 * {@link Gemm#sgemm}. The inner sum runs over {@code p} in increasing order and accumulates in
 * the element type, so it is deterministic and easy to reason about; it is not fast.
 */
public final class GemmReference {
    private GemmReference() {}

    /**
     * {@code C[i,j] = (accumulate ? C[i,j] : 0) + Σ_{p<k} A[i,p]·B[p,j]} in float.
     *
     * <p>A[i,p] = {@code a[aOff + i·aRowStride + p·aColStride]}, B[p,j] =
     * {@code b[bOff + p·bRowStride + j·bColStride]}, C[i,j] = {@code c[cOff + i·ldc + j]}.
     * Modified: {@code c}. Not modified: {@code a}, {@code b}.
     */
    public static void sgemm(int m, int n, int k,
                             float[] a, int aOff, int aRowStride, int aColStride,
                             float[] b, int bOff, int bRowStride, int bColStride,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[aOff + i * aRowStride + p * aColStride] * b[bOff + p * bRowStride + j * bColStride];
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }

    /** As {@link #sgemm} in double. Modified: {@code c}. */
    public static void dgemm(int m, int n, int k,
                             double[] a, int aOff, int aRowStride, int aColStride,
                             double[] b, int bOff, int bRowStride, int bColStride,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0.0;
                for (int p = 0; p < k; p++) {
                    s += a[aOff + i * aRowStride + p * aColStride] * b[bOff + p * bRowStride + j * bColStride];
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }
}
