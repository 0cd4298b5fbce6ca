package dev.fluxion.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float GEMM on the Vector API: packed panels, an MR×(2·lanes) register-blocked micro-kernel
 * with fused multiply-add, and cache blocking over K, M and N.
 *
 * <p>Only loaded when {@code jdk.incubator.vector} is present (see {@link Gemm}). The loop order is
 * BLIS's: for each N block and K block pack B (in column panels of {@link #NR}); for each M block
 * pack A (in row panels of {@link #MR}); then sweep the micro-tiles. Zero padding in the packs lets
 * every micro-kernel call run the full tile: a full tile is stored or added straight into C, an
 * edge tile goes through a scratch tile and only its valid part reaches C. A sum of at most
 * {@link #DIRECT_K} terms (a weight gradient over a batch) reads an operand in place, without
 * packing, when it already lies as the kernel reads it: A with adjacent rows (a transposed view,
 * {@code A[i..i+MR, p]} contiguous) and B with adjacent columns; then only edge panels are packed.
 * Every element is the same chain of fused multiply-adds over each K block, started from zero,
 * blocks added in order, whichever path it takes and however the product is split over threads.
 *
 * <p>{@code GemmVector} (float) and {@code GemmVectorDouble} are the same code over two element
 * types, kept in step by hand: Java generics do not reach primitives. The micro-kernel is written
 * out accumulator by accumulator so C2 keeps each local in a vector register. On Zen 4 (AVX-512)
 * the float version runs at ≈87–89% of the single-core FMA peak at 1024³ and at ≈92% (of the peak)
 * on the weight gradient of a batch of 64 (benchmarks/RESULTS.md).
 * The block sizes can be overridden for tuning with the system properties
 * {@code fluxion.gemm.kc}, {@code fluxion.gemm.mc} and {@code fluxion.gemm.nc}.
 */
final class GemmVector {
    private GemmVector() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Micro-tile rows: MR rows × 2 vectors of accumulators, leaving registers for B and A. */
    static final int MR = 8;
    /** Micro-tile columns: two vectors wide. */
    static final int NR = 2 * L;
    /** K block, the packed panels' depth: 1024 measured best on Zen 4 (512: 2-6% slower at 1024³). */
    static final int KC = Integer.getInteger("fluxion.gemm.kc", 1024);
    /** M block, a multiple of MR: the packed A block (MC×KC). */
    static final int MC = roundUp(Integer.getInteger("fluxion.gemm.mc", 128), MR);
    /** N block, a multiple of NR: the packed B block (KC×NC). */
    static final int NC = roundUp(Integer.getInteger("fluxion.gemm.nc", 1024), NR);

    /** Sums at most this long read operands in place when their layout allows (no packing). */
    static final int DIRECT_K = Integer.getInteger("fluxion.gemm.directK", 256);

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** Per-thread pack buffers, grown on demand so repeated calls allocate nothing. */
    private static final class Buffers {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];
    }

    private static int roundUp(int x, int m) {
        return Math.max(m, (x + m - 1) / m * m);
    }

    /** Single-threaded blocked product, semantics of {@link Gemm#sgemm}. Modified: {@code c}. */
    static void sgemm(int m, int n, int k,
                      float[] a, int aOff, int ars, int acs,
                      float[] b, int bOff, int brs, int bcs,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        Buffers buf = BUFFERS.get();
        int kcMax = Math.min(KC, k);
        int ncMax = Math.min(NC, roundUp(n, NR));
        int mcMax = Math.min(MC, roundUp(m, MR));
        // Short sums read operands that already lie as the kernel wants them in place: A with its
        // rows adjacent (a transposed view, A[i..i+MR, p] contiguous), B with its columns adjacent.
        // Only full panels are read in place; the edge panels are packed with zero padding.
        boolean short_ = k <= DIRECT_K;
        boolean directA = short_ && ars == 1;
        boolean directB = short_ && bcs == 1;
        if (!directB && buf.b.length < kcMax * ncMax) buf.b = new float[kcMax * ncMax];
        if (buf.a.length < kcMax * mcMax) buf.a = new float[kcMax * mcMax];
        if (directB && buf.b.length < kcMax * NR) buf.b = new float[kcMax * NR];
        float[] ap = buf.a, bp = buf.b, tile = buf.tile;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                if (!directB) {
                    packB(kc, nc, b, bOff + pc * brs + jc * bcs, brs, bcs, bp);
                }
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    if (!directA) {
                        packA(mc, kc, a, aOff + ic * ars + pc * acs, ars, acs, ap);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        float[] bSrc = bp;
                        int bi = jr * kc, bs = NR;
                        if (directB && nr == NR) {
                            bSrc = b;
                            bi = bOff + pc * brs + jc + jr;
                            bs = brs;
                        } else if (directB) {
                            packB(kc, nr, b, bOff + pc * brs + jc + jr, brs, 1, bp);
                            bi = 0;
                        }
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int cIdx = cOff + (ic + ir) * ldc + jc + jr;
                            float[] aSrc = ap;
                            int ai = ir * kc, as = MR;
                            if (directA && mr == MR) {
                                aSrc = a;
                                ai = aOff + ic + ir + pc * acs;
                                as = acs;
                            } else if (directA) {
                                packA(mr, kc, a, aOff + ic + ir + pc * acs, 1, acs, ap);
                                ai = 0;
                            }
                            boolean overwrite = pc == 0 && !accumulate;
                            if (mr == MR && nr == NR) {
                                // A full tile goes straight into C: stored by an overwrite's first K block, else added.
                                if (overwrite) {
                                    kernel(kc, aSrc, ai, as, bSrc, bi, bs, c, cIdx, ldc);
                                } else {
                                    kernelAdd(kc, aSrc, ai, as, bSrc, bi, bs, c, cIdx, ldc);
                                }
                                continue;
                            }
                            kernel(kc, aSrc, ai, as, bSrc, bi, bs, tile, 0, NR);
                            // An overwrite stores the first K block's tile (no pass clearing C first).
                            if (overwrite) {
                                storeTile(tile, c, cIdx, ldc, mr, nr);
                            } else {
                                addTile(tile, c, cIdx, ldc, mr, nr);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Packs A in row panels: {@code ap[panel·MR·kc + p·MR + r] = A[panel·MR + r, p]}, 0 past mc. */
    private static void packA(int mc, int kc, float[] a, int off, int rs, int cs, float[] ap) {
        int idx = 0;
        for (int i0 = 0; i0 < mc; i0 += MR) {
            int mr = Math.min(MR, mc - i0);
            int base = off + i0 * rs;
            for (int p = 0; p < kc; p++, idx += MR) {
                int q = base + p * cs;
                for (int r = 0; r < mr; r++) ap[idx + r] = a[q + r * rs];
                for (int r = mr; r < MR; r++) ap[idx + r] = 0f;
            }
        }
    }

    /** Packs B in column panels: {@code bp[panel·NR·kc + p·NR + j] = B[p, panel·NR + j]}, 0 past nc. */
    private static void packB(int kc, int nc, float[] b, int off, int rs, int cs, float[] bp) {
        int idx = 0;
        for (int j0 = 0; j0 < nc; j0 += NR) {
            int nr = Math.min(NR, nc - j0);
            int base = off + j0 * cs;
            if (nr == NR && cs == 1) {
                // Row-major B: each panel row is two contiguous vectors.
                for (int p = 0; p < kc; p++, idx += NR) {
                    int q = base + p * rs;
                    FloatVector.fromArray(S, b, q).intoArray(bp, idx);
                    FloatVector.fromArray(S, b, q + L).intoArray(bp, idx + L);
                }
            } else {
                for (int p = 0; p < kc; p++, idx += NR) {
                    int q = base + p * rs;
                    for (int j = 0; j < nr; j++) bp[idx + j] = b[q + j * cs];
                    for (int j = nr; j < NR; j++) bp[idx + j] = 0f;
                }
            }
        }
    }

    /**
     * The micro-kernel: {@code tile[r·NR + j] = Σ_{p<kc} ap[ai + p·MR + r] · bp[bi + p·NR + j]}.
     *
     * <p>It writes a scratch tile rather than adding into C: loading C here too pushed the method
     * past C2's inlining node budget, the Vector API calls stopped being intrinsified, and the
     * boxed accumulators made the whole product three times slower.
     */
    private static void kernel(int kc, float[] ap, int ai, int as, float[] bp, int bi, int bs,
                               float[] out, int oi, int ldo) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z;
        FloatVector c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, ai += as, bi += bs) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.intoArray(out, oi + 0 * ldo);
        c01.intoArray(out, oi + 0 * ldo + L);
        c10.intoArray(out, oi + 1 * ldo);
        c11.intoArray(out, oi + 1 * ldo + L);
        c20.intoArray(out, oi + 2 * ldo);
        c21.intoArray(out, oi + 2 * ldo + L);
        c30.intoArray(out, oi + 3 * ldo);
        c31.intoArray(out, oi + 3 * ldo + L);
        c40.intoArray(out, oi + 4 * ldo);
        c41.intoArray(out, oi + 4 * ldo + L);
        c50.intoArray(out, oi + 5 * ldo);
        c51.intoArray(out, oi + 5 * ldo + L);
        c60.intoArray(out, oi + 6 * ldo);
        c61.intoArray(out, oi + 6 * ldo + L);
        c70.intoArray(out, oi + 7 * ldo);
        c71.intoArray(out, oi + 7 * ldo + L);
    }

    /**
     * {@link #kernel} adding its sums into {@code out} instead of storing them: {@code out += Σ},
     * the sum over this K block formed first from zero (the same bits as the tile and
     * {@link #addTile}). A method of its own so that each stays within C2's inlining budget.
     */
    private static void kernelAdd(int kc, float[] ap, int ai, int as, float[] bp, int bi, int bs,
                               float[] out, int oi, int ldo) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z;
        FloatVector c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, ai += as, bi += bs) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.add(FloatVector.fromArray(S, out, oi + 0 * ldo)).intoArray(out, oi + 0 * ldo);
        c01.add(FloatVector.fromArray(S, out, oi + 0 * ldo + L)).intoArray(out, oi + 0 * ldo + L);
        c10.add(FloatVector.fromArray(S, out, oi + 1 * ldo)).intoArray(out, oi + 1 * ldo);
        c11.add(FloatVector.fromArray(S, out, oi + 1 * ldo + L)).intoArray(out, oi + 1 * ldo + L);
        c20.add(FloatVector.fromArray(S, out, oi + 2 * ldo)).intoArray(out, oi + 2 * ldo);
        c21.add(FloatVector.fromArray(S, out, oi + 2 * ldo + L)).intoArray(out, oi + 2 * ldo + L);
        c30.add(FloatVector.fromArray(S, out, oi + 3 * ldo)).intoArray(out, oi + 3 * ldo);
        c31.add(FloatVector.fromArray(S, out, oi + 3 * ldo + L)).intoArray(out, oi + 3 * ldo + L);
        c40.add(FloatVector.fromArray(S, out, oi + 4 * ldo)).intoArray(out, oi + 4 * ldo);
        c41.add(FloatVector.fromArray(S, out, oi + 4 * ldo + L)).intoArray(out, oi + 4 * ldo + L);
        c50.add(FloatVector.fromArray(S, out, oi + 5 * ldo)).intoArray(out, oi + 5 * ldo);
        c51.add(FloatVector.fromArray(S, out, oi + 5 * ldo + L)).intoArray(out, oi + 5 * ldo + L);
        c60.add(FloatVector.fromArray(S, out, oi + 6 * ldo)).intoArray(out, oi + 6 * ldo);
        c61.add(FloatVector.fromArray(S, out, oi + 6 * ldo + L)).intoArray(out, oi + 6 * ldo + L);
        c70.add(FloatVector.fromArray(S, out, oi + 7 * ldo)).intoArray(out, oi + 7 * ldo);
        c71.add(FloatVector.fromArray(S, out, oi + 7 * ldo + L)).intoArray(out, oi + 7 * ldo + L);
    }

    /** {@code C[r, j] = tile[r·NR + j]} for the valid {@code mr×nr} corner of the tile. */
    private static void storeTile(float[] tile, float[] c, int ci, int ldc, int mr, int nr) {
        for (int r = 0; r < mr; r++) {
            System.arraycopy(tile, r * NR, c, ci + r * ldc, nr);
        }
    }

    /** {@code C[r, j] += tile[r·NR + j]} for the valid {@code mr×nr} corner of the tile. */
    private static void addTile(float[] tile, float[] c, int ci, int ldc, int mr, int nr) {
        if (nr == NR) {
            for (int r = 0; r < mr; r++) {
                int row = ci + r * ldc;
                FloatVector.fromArray(S, tile, r * NR).add(FloatVector.fromArray(S, c, row))
                        .intoArray(c, row);
                FloatVector.fromArray(S, tile, r * NR + L).add(FloatVector.fromArray(S, c, row + L))
                        .intoArray(c, row + L);
            }
        } else {
            for (int r = 0; r < mr; r++) {
                int row = ci + r * ldc;
                for (int j = 0; j < nr; j++) c[row + j] += tile[r * NR + j];
            }
        }
    }
}
