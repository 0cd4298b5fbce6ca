package dev.fluxion.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float GEMM for the skinny products of small layers over a large batch, where the packed kernel's
 * 8×(2·lanes) tiles would be mostly zero padding ({@link GemmVector} spends its time packing 6
 * useful columns into 32):
 * <ul>
 *   <li><b>tall</b> ({@link #tall}): C has at most {@value #MAX_N} columns and each element at
 *       most {@value #MAX_K} terms, any number of rows: a small layer's forward product
 *       {@code x·Wᵀ} ([759, 8]·[8, 6]) and its input gradient {@code G·W}. B is copied once into
 *       zero-padded vectors (its row p at {@code panel[p·lanes]}), and each row of C is
 *       {@code Σ_p A[i,p]·B[p,:]}, vector lanes along C's columns, four rows at a time.</li>
 *   <li><b>long sum</b> ({@link #longSum}): C is at most {@value #MAX_N}×{@value #MAX_N} and the
 *       sum runs over many terms, with B's rows contiguous: a small layer's weight gradient
 *       {@code Gᵀ·X} over the batch. Each row of B is loaded once as a vector and multiplied
 *       into four rows of C at a time.</li>
 * </ul>
 *
 * <p>How each element is summed is fixed whatever its position, the other dimensions or the
 * call: in the tall kernel {@code C[i,j]} is one chain of fused multiply-adds over p in order,
 * {@code fma(A[i,k−1], B[k−1,j], … fma(A[i,0], B[0,j], 0))}; in the long sum the even terms and
 * the odd terms are two such chains, added at the end. Rows past the last are computed as copies
 * of the last row and dropped, never special-cased. So the same input gives the same bits on every
 * call, and {@link #reference} (scalar, the same chains) agrees bit for bit. Only loaded when the
 * Vector API is present; allocation-free (the B panel and the tile are per-thread scratch).
 */
final class SkinnyGemm {
    private SkinnyGemm() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Most columns of C for either kernel, and most rows of C for the long sum. */
    static final int MAX_N = 16;
    /** Most terms per element for the tall kernel. */
    static final int MAX_K = 16;
    /** Rows of C per kernel call. */
    static final int ROWS = 4;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread B panel and accumulator tile, sized once for the largest shapes taken. */
    private static final class Scratch {
        final float[] panel = new float[MAX_K * L];
        final float[] tile = new float[ROWS * L];
        final float[] lastRow = new float[L];
    }

    /** Whether {@link #tall} takes a product of this shape. */
    static boolean tallApplies(int m, int n, int k) {
        return n <= MAX_N && k <= MAX_K && m >= ROWS;
    }

    /** Whether {@link #longSum} takes a product of this shape and B's column stride. */
    static boolean longSumApplies(int m, int n, int k, int bColStride) {
        return m <= MAX_N && n <= MAX_N && k > MAX_K && bColStride == 1;
    }

    /**
     * {@code C (+)= A·B} for at most {@value #MAX_N} columns and {@value #MAX_K} terms, with the
     * strided addressing of {@link Gemm}. Modified: {@code c}. Not modified: {@code a}, {@code b}.
     */
    static void tall(int m, int n, int k, float[] a, int aOff, int ars, int acs,
                     float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int ldc, boolean accumulate) {
        Scratch s = SCRATCH.get();
        float[] panel = s.panel, tile = s.tile;
        for (int j0 = 0; j0 < n; j0 += L) {
            int nj = Math.min(L, n - j0);
            for (int p = 0; p < k; p++) {
                int from = bOff + p * brs + j0 * bcs;
                for (int q = 0; q < L; q++) {
                    panel[p * L + q] = q < nj ? b[from + q * bcs] : 0f;
                }
            }
            for (int i0 = 0; i0 < m; i0 += ROWS) {
                int a1 = Math.min(i0 + 1, m - 1), a2 = Math.min(i0 + 2, m - 1), a3 = Math.min(i0 + 3, m - 1);
                tallRows(k, a, aOff + i0 * ars, aOff + a1 * ars, aOff + a2 * ars, aOff + a3 * ars, acs, panel, tile);
                store(tile, Math.min(ROWS, m - i0), nj, c, cOff + i0 * ldc + j0, ldc, accumulate);
            }
        }
    }

    /** {@code tile[r·L + q] = Σ_p A[row r, p]·panel[p·L + q]}, one fma chain per lane, in order. */
    private static void tallRows(int k, float[] a, int a0, int a1, int a2, int a3, int acs, float[] panel, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z;
        for (int p = 0, o = 0; p < k; p++, o += acs) {
            FloatVector w = FloatVector.fromArray(S, panel, p * L);
            c0 = FloatVector.broadcast(S, a[a0 + o]).fma(w, c0);
            c1 = FloatVector.broadcast(S, a[a1 + o]).fma(w, c1);
            c2 = FloatVector.broadcast(S, a[a2 + o]).fma(w, c2);
            c3 = FloatVector.broadcast(S, a[a3 + o]).fma(w, c3);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
    }

    /**
     * {@code C (+)= A·B} for C at most {@value #MAX_N}×{@value #MAX_N}, B's rows contiguous
     * ({@code bColStride == 1}), any number of terms. Modified: {@code c}. Not modified: {@code a}, {@code b}.
     */
    static void longSum(int m, int n, int k, float[] a, int aOff, int ars, int acs,
                        float[] b, int bOff, int brs, float[] c, int cOff, int ldc, boolean accumulate) {
        Scratch s = SCRATCH.get();
        float[] tile = s.tile, lastRow = s.lastRow;
        for (int j0 = 0; j0 < n; j0 += L) {
            int nj = Math.min(L, n - j0);
            int bj = bOff + j0;
            // Rows of B whose full vector would read past the array are read from a padded copy.
            int safe = fullVectorRows(k, b.length, bj, brs);
            for (int i0 = 0; i0 < m; i0 += ROWS) {
                int a1 = Math.min(i0 + 1, m - 1), a2 = Math.min(i0 + 2, m - 1), a3 = Math.min(i0 + 3, m - 1);
                longSumRows(k, safe, a, aOff + i0 * ars, aOff + a1 * ars, aOff + a2 * ars, aOff + a3 * ars, acs,
                        b, bj, brs, nj, lastRow, tile);
                store(tile, Math.min(ROWS, m - i0), nj, c, cOff + i0 * ldc + j0, ldc, accumulate);
            }
        }
    }

    /** How many of the rows {@code p < k} at {@code bj + p·brs} have a whole vector inside the array. */
    private static int fullVectorRows(int k, int length, int bj, int brs) {
        int room = length - L - bj;
        if (room < 0) {
            return 0;
        }
        return brs == 0 ? k : Math.min(k, room / brs + 1);
    }

    /**
     * {@code tile[r·L + q] = even + odd}, where even (odd) is the fma chain, in order, over the
     * even (odd) p of {@code A[row r, p]·B[p, q]}. B's rows from {@code safe} on are copied into
     * {@code lastRow} (zero past {@code nj}) before they are read.
     */
    private static void longSumRows(int k, int safe, float[] a, int a0, int a1, int a2, int a3, int acs,
                                    float[] b, int bj, int brs, int nj, float[] lastRow, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector e0 = z, e1 = z, e2 = z, e3 = z;
        FloatVector o0 = z, o1 = z, o2 = z, o3 = z;
        int p = 0;
        for (; p + 1 < safe; p += 2) {
            FloatVector we = FloatVector.fromArray(S, b, bj + p * brs);
            FloatVector wo = FloatVector.fromArray(S, b, bj + (p + 1) * brs);
            int x = p * acs, y = x + acs;
            e0 = FloatVector.broadcast(S, a[a0 + x]).fma(we, e0);
            o0 = FloatVector.broadcast(S, a[a0 + y]).fma(wo, o0);
            e1 = FloatVector.broadcast(S, a[a1 + x]).fma(we, e1);
            o1 = FloatVector.broadcast(S, a[a1 + y]).fma(wo, o1);
            e2 = FloatVector.broadcast(S, a[a2 + x]).fma(we, e2);
            o2 = FloatVector.broadcast(S, a[a2 + y]).fma(wo, o2);
            e3 = FloatVector.broadcast(S, a[a3 + x]).fma(we, e3);
            o3 = FloatVector.broadcast(S, a[a3 + y]).fma(wo, o3);
        }
        for (; p < k; p++) {
            FloatVector w;
            if (p < safe) {
                w = FloatVector.fromArray(S, b, bj + p * brs);
            } else {
                int from = bj + p * brs;
                for (int q = 0; q < L; q++) {
                    lastRow[q] = q < nj ? b[from + q] : 0f;
                }
                w = FloatVector.fromArray(S, lastRow, 0);
            }
            int x = p * acs;
            if ((p & 1) == 0) {
                e0 = FloatVector.broadcast(S, a[a0 + x]).fma(w, e0);
                e1 = FloatVector.broadcast(S, a[a1 + x]).fma(w, e1);
                e2 = FloatVector.broadcast(S, a[a2 + x]).fma(w, e2);
                e3 = FloatVector.broadcast(S, a[a3 + x]).fma(w, e3);
            } else {
                o0 = FloatVector.broadcast(S, a[a0 + x]).fma(w, o0);
                o1 = FloatVector.broadcast(S, a[a1 + x]).fma(w, o1);
                o2 = FloatVector.broadcast(S, a[a2 + x]).fma(w, o2);
                o3 = FloatVector.broadcast(S, a[a3 + x]).fma(w, o3);
            }
        }
        e0.add(o0).intoArray(tile, 0);
        e1.add(o1).intoArray(tile, L);
        e2.add(o2).intoArray(tile, 2 * L);
        e3.add(o3).intoArray(tile, 3 * L);
    }

    /** {@code C[r, q] (+)= tile[r·L + q]} for the first {@code rows} rows and {@code cols} lanes. */
    private static void store(float[] tile, int rows, int cols, float[] c, int ci, int ldc, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < cols; q++) {
                int idx = ci + r * ldc + q;
                float v = tile[r * L + q];
                c[idx] = accumulate ? c[idx] + v : v;
            }
        }
    }

    /**
     * The scalar reference, bit for bit what {@link #tall} ({@code longSum == false}) or
     * {@link #longSum} computes: {@code C (+)= A·B}. Modified: {@code c}.
     */
    static void reference(boolean longSum, int m, int n, int k, float[] a, int aOff, int ars, int acs,
                          float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float even = 0f, odd = 0f;
                for (int p = 0; p < k; p++) {
                    float x = a[aOff + i * ars + p * acs], w = b[bOff + p * brs + j * bcs];
                    if (longSum && (p & 1) == 1) {
                        odd = Math.fma(x, w, odd);
                    } else {
                        even = Math.fma(x, w, even);
                    }
                }
                float v = longSum ? even + odd : even;
                int idx = cOff + i * ldc + j;
                c[idx] = accumulate ? c[idx] + v : v;
            }
        }
    }
}
