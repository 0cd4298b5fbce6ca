package dev.fluxion.kernel;

/**
 * General matrix product, the one entry point the runtime calls for {@code matmul} and its
 * gradients.
 *
 * <p>Computes {@code C[i,j] = (accumulate ? C[i,j] : 0) + Σ_{p<k} A[i,p]·B[p,j]} for
 * {@code 0 ≤ i < m}, {@code 0 ≤ j < n}, where
 * <ul>
 *   <li>{@code A[i,p] = a[aOff + i·aRowStride + p·aColStride]},</li>
 *   <li>{@code B[p,j] = b[bOff + p·bRowStride + j·bColStride]},</li>
 *   <li>{@code C[i,j] = c[cOff + i·ldc + j]} (C is row-major with leading dimension {@code ldc}).</li>
 * </ul>
 * A transposed operand is passed as the same array with its two strides swapped; it is read in
 * place (the fast path packs panels of it internally), never copied by the caller.
 *
 * <p>Dispatch: problems under {@value #SMALL_WORK} multiply-adds take the plain blocked loop
 * ({@link GemmPlain}); larger float ones with skinny shapes take {@link SkinnyGemm} (at most 16
 * columns and 16 terms: a small layer over a large batch; or C at most 16×16 summed over many
 * terms: its weight gradient); other larger float ones with both operands contiguous along K and at most
 * 128 rows (a linear layer's {@code x·Wᵀ} on a batch) take the unpacked
 * dot-product kernel {@link GemmNt}; other larger ones take the packed Vector API kernels ({@link GemmVector},
 * {@link GemmVectorDouble}) when {@code jdk.incubator.vector} is in the boot layer
 * ({@link Vectors#AVAILABLE}), else {@link GemmPlain}. Problems of at least
 * {@value #PARALLEL_WORK} multiply-adds are split by blocks of C over the shared {@link Parallel}
 * pool. Results differ from {@link GemmReference} by rounding only: the sum over {@code p} is
 * blocked and fused.
 */
public final class Gemm {
    private Gemm() {}

    /** Whether the packed Vector API kernels are used ({@link Vectors#AVAILABLE}, decided once). */
    static final boolean VECTOR = Vectors.AVAILABLE;

    /** Below this many multiply-adds (m·n·k) packing costs more than it saves. */
    static final long SMALL_WORK = 16L * 16 * 16;
    /** From this many multiply-adds on, splitting over threads pays for the hand-off. */
    static final long PARALLEL_WORK = 96L * 96 * 96;

    /** Whether the Vector API kernels are in use on this JVM. */
    public static boolean vectorized() {
        return VECTOR;
    }

    /** The thread count the overloads without one use: the number of available processors. */
    public static int defaultThreads() {
        return Parallel.THREADS; // availableProcessors(), read once: it is a system call
    }

    /**
     * Float product {@code C (+)= A·B} with the strided addressing described on the class, using
     * up to {@link #defaultThreads()} threads. Modified: {@code c}. Not modified: {@code a}, {@code b}.
     *
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static void sgemm(int m, int n, int k,
                             float[] a, int aOff, int aRowStride, int aColStride,
                             float[] b, int bOff, int bRowStride, int bColStride,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        sgemm(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                c, cOff, ldc, accumulate, defaultThreads());
    }

    /**
     * As {@link #sgemm(int, int, int, float[], int, int, int, float[], int, int, int, float[], int, int, boolean)}
     * with at most {@code threads} threads (1 forces the calling thread alone; benchmarks use it).
     *
     * @throws IllegalArgumentException if a dimension is negative or {@code threads < 1}
     */
    public static void sgemm(int m, int n, int k,
                             float[] a, int aOff, int aRowStride, int aColStride,
                             float[] b, int bOff, int bRowStride, int bColStride,
                             float[] c, int cOff, int ldc, boolean accumulate, int threads) {
        check("sgemm", m, n, k, threads);
        if (m == 0 || n == 0) return;
        long work = (long) m * n * k;
        boolean fast = VECTOR && work >= SMALL_WORK;
        if (fast && k > 0 && SkinnyGemm.longSumApplies(m, n, k, bColStride)) {
            // The sum over k is the long side: split over threads it would change the bits.
            SkinnyGemm.longSum(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, c, cOff, ldc, accumulate);
            return;
        }
        boolean tall = fast && k > 0 && SkinnyGemm.tallApplies(m, n, k);
        if (tall && (threads == 1 || work < PARALLEL_WORK)) {
            SkinnyGemm.tall(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                    c, cOff, ldc, accumulate);
            return;
        }
        boolean nt = fast && !tall && GemmNt.applies(m, k, aColStride, bRowStride);
        GemmThreads.Block block = (i0, i1, j0, j1) -> {
            int ao = aOff + i0 * aRowStride, bo = bOff + j0 * bColStride, co = cOff + i0 * ldc + j0;
            if (tall) {
                SkinnyGemm.tall(i1 - i0, j1 - j0, k, a, ao, aRowStride, aColStride, b, bo, bRowStride, bColStride,
                        c, co, ldc, accumulate);
            } else if (nt) {
                GemmNt.sgemm(i1 - i0, j1 - j0, k, a, ao, aRowStride, b, bo, bColStride, c, co, ldc, accumulate);
            } else if (fast) {
                GemmVector.sgemm(i1 - i0, j1 - j0, k, a, ao, aRowStride, aColStride,
                        b, bo, bRowStride, bColStride, c, co, ldc, accumulate);
            } else {
                GemmPlain.sgemm(i1 - i0, j1 - j0, k, a, ao, aRowStride, aColStride,
                        b, bo, bRowStride, bColStride, c, co, ldc, accumulate);
            }
        };
        if (threads == 1 || work < PARALLEL_WORK) {
            block.run(0, m, 0, n);
        } else if (tall) {
            GemmThreads.split(m, n, threads, work, SkinnyGemm.ROWS, SkinnyGemm.MAX_N, block);
        } else if (nt) {
            GemmThreads.split(m, n, threads, work, GemmNt.MR, GemmNt.NR, block);
        } else if (fast) {
            GemmThreads.split(m, n, threads, work, GemmVector.MR, GemmVector.NR, block);
        } else {
            GemmThreads.split(m, n, threads, work, 4, 4, block);
        }
    }

    /**
     * Double product {@code C (+)= A·B} with the strided addressing described on the class, using
     * up to {@link #defaultThreads()} threads. Modified: {@code c}. Not modified: {@code a}, {@code b}.
     *
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static void dgemm(int m, int n, int k,
                             double[] a, int aOff, int aRowStride, int aColStride,
                             double[] b, int bOff, int bRowStride, int bColStride,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        dgemm(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                c, cOff, ldc, accumulate, defaultThreads());
    }

    /**
     * As {@link #dgemm(int, int, int, double[], int, int, int, double[], int, int, int, double[], int, int, boolean)}
     * with at most {@code threads} threads.
     *
     * @throws IllegalArgumentException if a dimension is negative or {@code threads < 1}
     */
    public static void dgemm(int m, int n, int k,
                             double[] a, int aOff, int aRowStride, int aColStride,
                             double[] b, int bOff, int bRowStride, int bColStride,
                             double[] c, int cOff, int ldc, boolean accumulate, int threads) {
        check("dgemm", m, n, k, threads);
        if (m == 0 || n == 0) return;
        long work = (long) m * n * k;
        boolean fast = VECTOR && work >= SMALL_WORK;
        GemmThreads.Block block = (i0, i1, j0, j1) -> {
            int ao = aOff + i0 * aRowStride, bo = bOff + j0 * bColStride, co = cOff + i0 * ldc + j0;
            if (fast) {
                GemmVectorDouble.dgemm(i1 - i0, j1 - j0, k, a, ao, aRowStride, aColStride,
                        b, bo, bRowStride, bColStride, c, co, ldc, accumulate);
            } else {
                GemmPlain.dgemm(i1 - i0, j1 - j0, k, a, ao, aRowStride, aColStride,
                        b, bo, bRowStride, bColStride, c, co, ldc, accumulate);
            }
        };
        if (threads == 1 || work < PARALLEL_WORK) {
            block.run(0, m, 0, n);
        } else if (fast) {
            GemmThreads.split(m, n, threads, work, GemmVectorDouble.MR, GemmVectorDouble.NR, block);
        } else {
            GemmThreads.split(m, n, threads, work, 4, 4, block);
        }
    }

    private static void check(String op, int m, int n, int k, int threads) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": negative dimension m=" + m + ", n=" + n + ", k=" + k);
        }
        if (threads < 1) throw new IllegalArgumentException(op + ": threads must be ≥ 1, got " + threads);
    }
}
