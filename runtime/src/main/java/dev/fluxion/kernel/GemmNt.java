package dev.fluxion.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float GEMM for the "NT" layout with few rows: both operands run contiguously along K
 * ({@code A[i,p] = a[aOff + i·lda + p]}, {@code B[p,j] = b[bOff + j·ldb + p]}), the product
 * {@code x·Wᵀ} of a linear layer whose weight W is [out, in]. Each element of C is a dot product
 * of two contiguous rows, so nothing is packed: the packed kernel ({@link GemmVector}) would have
 * to transpose all of W element by element on every call, and with a batch of 64 rows that
 * transpose is used only 8 times and costs a third of the product.
 *
 * <p>The micro-kernel takes 4 rows of A and 4 rows of B (16 vector accumulators, lanes along
 * K). Every element of C is summed the same way wherever it lies (in a 4×4 tile or at an edge,
 * on whatever thread): lane {@code l} accumulates the terms {@code p ≡ l (mod lanes)} in order
 * with fused multiply-adds, the lanes are added in a fixed pairwise tree, then the last
 * {@code k mod lanes} terms in order. So results are the same bits on every call, and differ from
 * {@link GemmReference} by rounding only. With 16 lanes a full tile's sixteen lane sums are formed
 * together by vector halvings in that same tree ({@link #sumTile}). Only loaded when the Vector API
 * is present.
 */
final class GemmNt {
    private GemmNt() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Vectors of 8, 4 and 2 lanes, for summing the 16 lanes of a tile's elements ({@link #sumTile}). */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Float> S2 = FloatVector.SPECIES_64;
    /** Tile rows of A (and of C). */
    static final int MR = 4;
    /** Tile rows of B (columns of C). */
    static final int NR = 4;
    /** Most rows of C this kernel takes; beyond that packing B pays for itself. */
    static final int MAX_M = 128;

    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[MR * NR * L * 3 / 2]);

    /** Whether a product of this shape and these strides should take this kernel. */
    static boolean applies(int m, int k, int aColStride, int bRowStride) {
        return aColStride == 1 && bRowStride == 1 && m <= MAX_M && k >= 4 * L;
    }

    /**
     * {@code C (+)= A·B} for {@code A[i,p] = a[aOff + i·lda + p]}, {@code B[p,j] = b[bOff + j·ldb + p]},
     * {@code C[i,j] = c[cOff + i·ldc + j]}. Modified: {@code c}.
     */
    static void sgemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        float[] tile = TILE.get();
        int kv = k - k % L;
        for (int j0 = 0; j0 < n; j0 += NR) {
            int nr = Math.min(NR, n - j0);
            for (int i0 = 0; i0 < m; i0 += MR) {
                int mr = Math.min(MR, m - i0);
                int ai = aOff + i0 * lda;
                int bj = bOff + j0 * ldb;
                int ci = cOff + i0 * ldc + j0;
                if (mr == MR && nr == NR) {
                    kernel(kv, a, ai, lda, b, bj, ldb, tile);
                    if (L == 16) {
                        // The sixteen elements' lanes summed at once (laneSum's tree), then their last terms.
                        sumTile(tile);
                        finishSummed(k, kv, a, ai, lda, b, bj, ldb, tile, c, ci, ldc, accumulate);
                        continue;
                    }
                } else {
                    for (int r = 0; r < mr; r++) {
                        for (int q = 0; q < nr; q++) {
                            dot(kv, a, ai + r * lda, b, bj + q * ldb, tile, (r * NR + q) * L);
                        }
                    }
                }
                finish(k, kv, mr, nr, a, ai, lda, b, bj, ldb, tile, c, ci, ldc, accumulate);
            }
        }
    }

    /** {@code tile[(r·NR + q)·L + l] = Σ_{p ≡ l} A[r, p]·B[p, q]} over the first kv terms, 4×4 rows. */
    private static void kernel(int kv, float[] a, int ai, int lda, float[] b, int bj, int ldb, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda;
        int b1 = bj + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        for (int p = 0; p < kv; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, ai + p);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + p);
            FloatVector x3 = FloatVector.fromArray(S, a, a3 + p);
            FloatVector w = FloatVector.fromArray(S, b, bj + p);
            c00 = x0.fma(w, c00);
            c10 = x1.fma(w, c10);
            c20 = x2.fma(w, c20);
            c30 = x3.fma(w, c30);
            w = FloatVector.fromArray(S, b, b1 + p);
            c01 = x0.fma(w, c01);
            c11 = x1.fma(w, c11);
            c21 = x2.fma(w, c21);
            c31 = x3.fma(w, c31);
            w = FloatVector.fromArray(S, b, b2 + p);
            c02 = x0.fma(w, c02);
            c12 = x1.fma(w, c12);
            c22 = x2.fma(w, c22);
            c32 = x3.fma(w, c32);
            w = FloatVector.fromArray(S, b, b3 + p);
            c03 = x0.fma(w, c03);
            c13 = x1.fma(w, c13);
            c23 = x2.fma(w, c23);
            c33 = x3.fma(w, c33);
        }
        c00.intoArray(tile, 0 * L);
        c01.intoArray(tile, 1 * L);
        c02.intoArray(tile, 2 * L);
        c03.intoArray(tile, 3 * L);
        c10.intoArray(tile, 4 * L);
        c11.intoArray(tile, 5 * L);
        c12.intoArray(tile, 6 * L);
        c13.intoArray(tile, 7 * L);
        c20.intoArray(tile, 8 * L);
        c21.intoArray(tile, 9 * L);
        c22.intoArray(tile, 10 * L);
        c23.intoArray(tile, 11 * L);
        c30.intoArray(tile, 12 * L);
        c31.intoArray(tile, 13 * L);
        c32.intoArray(tile, 14 * L);
        c33.intoArray(tile, 15 * L);
    }

    /**
     * Sums each of the sixteen 16-lane groups that {@link #kernel} wrote, in the tree of
     * {@link #laneSum} (lanes l and l + 8, then l + 4, l + 2, l + 1), halving all sixteen groups
     * at once with vectors of 8, 4 and 2 lanes: afterwards {@code tile[e]} for e = r·NR + q is
     * {@code laneSum(tile, e·L)} of before, bit for bit, with 48 vector additions instead of 240
     * scalar ones. 16 lanes only; the tile holds {@code MR·NR·L + MR·NR·L/2} floats.
     */
    private static void sumTile(float[] t) {
        int h = MR * NR * L; // scratch: the 8-lane partial sums of all sixteen groups
        for (int e = 0; e < MR * NR; e++) {
            FloatVector.fromArray(S8, t, e * 16).add(FloatVector.fromArray(S8, t, e * 16 + 8)).intoArray(t, h + e * 8);
        }
        for (int e = 0; e < MR * NR; e++) {
            FloatVector.fromArray(S4, t, h + e * 8).add(FloatVector.fromArray(S4, t, h + e * 8 + 4)).intoArray(t, e * 4);
        }
        for (int e = 0; e < MR * NR; e++) {
            FloatVector.fromArray(S2, t, e * 4).add(FloatVector.fromArray(S2, t, e * 4 + 2)).intoArray(t, h + e * 2);
        }
        for (int e = 0; e < MR * NR; e++) {
            t[e] = t[h + e * 2] + t[h + e * 2 + 1];
        }
    }

    /** One element's lanes, as {@link #kernel} computes each of its sixteen. */
    private static void dot(int kv, float[] a, int ai, float[] b, int bj, float[] tile, int to) {
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
            acc = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), acc);
        }
        acc.intoArray(tile, to);
    }

    /**
     * {@code Σ_l t[o + l]} over the L lanes in the tree {@code lane l + lane l + w} for w = L/2, …, 1,
     * written out in locals for 16 and 8 lanes (a loop over the array would wait on its own stores).
     */
    static float laneSum(float[] t, int o) {
        if (L == 16) {
            float a0 = t[o] + t[o + 8], a1 = t[o + 1] + t[o + 9], a2 = t[o + 2] + t[o + 10], a3 = t[o + 3] + t[o + 11];
            float a4 = t[o + 4] + t[o + 12], a5 = t[o + 5] + t[o + 13], a6 = t[o + 6] + t[o + 14], a7 = t[o + 7] + t[o + 15];
            float b0 = a0 + a4, b1 = a1 + a5, b2 = a2 + a6, b3 = a3 + a7;
            return (b0 + b2) + (b1 + b3);
        }
        if (L == 8) {
            float b0 = t[o] + t[o + 4], b1 = t[o + 1] + t[o + 5], b2 = t[o + 2] + t[o + 6], b3 = t[o + 3] + t[o + 7];
            return (b0 + b2) + (b1 + b3);
        }
        for (int w = L / 2; w >= 1; w >>= 1) {
            for (int l = 0; l < w; l++) {
                t[o + l] += t[o + l + w];
            }
        }
        return t[o];
    }

    /** Adds each element's lanes in a fixed tree, then its last terms in order, into C. */
    private static void finish(int k, int kv, int mr, int nr, float[] a, int ai, int lda, float[] b, int bj, int ldb,
                               float[] tile, float[] c, int ci, int ldc, boolean accumulate) {
        for (int r = 0; r < mr; r++) {
            for (int q = 0; q < nr; q++) {
                float s = laneSum(tile, (r * NR + q) * L);
                int ar = ai + r * lda, bq = bj + q * ldb;
                for (int p = kv; p < k; p++) {
                    s = Math.fma(a[ar + p], b[bq + p], s);
                }
                int idx = ci + r * ldc + q;
                c[idx] = accumulate ? c[idx] + s : s;
            }
        }
    }

    /** {@link #finish} for a full tile whose lanes {@link #sumTile} has summed: {@code tile[r·NR + q]}. */
    private static void finishSummed(int k, int kv, float[] a, int ai, int lda, float[] b, int bj, int ldb,
                                     float[] tile, float[] c, int ci, int ldc, boolean accumulate) {
        for (int r = 0; r < MR; r++) {
            for (int q = 0; q < NR; q++) {
                float s = tile[r * NR + q];
                int ar = ai + r * lda, bq = bj + q * ldb;
                for (int p = kv; p < k; p++) {
                    s = Math.fma(a[ar + p], b[bq + p], s);
                }
                int idx = ci + r * ldc + q;
                c[idx] = accumulate ? c[idx] + s : s;
            }
        }
    }
}
