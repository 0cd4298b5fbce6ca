package dev.fluxion;

import java.util.Arrays;

import dev.fluxion.kernel.Gemm;
import dev.fluxion.kernel.Parallel;
import dev.fluxion.kernel.SmallMatmul;

/** {@code torch.matmul} semantics over the GEMM kernel; transposed views are passed by strides. */
final class MatMul {
    /** Multiply-adds in a batched product above which its batches are split over threads (96³, as Gemm). */
    private static final long BATCH_SPLIT_WORK = 96L * 96 * 96;

    private MatMul() {}

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.buffer != null || b.buffer != null) {
            Device device = Devices.common("matmul", a, b);
            return Tensor.checked("matmul", Devices.backend("matmul", device).matmul(a, b));
        }
        if (a.shape.length == 0 || b.shape.length == 0) {
            throw new FluxionException("matmul: both operands need at least 1 dim, got shapes "
                    + Shapes.str(a.shape) + " and " + Shapes.str(b.shape));
        }
        DType dtype = DType.promote(a.dtype, b.dtype);
        if (dtype == DType.INT64) {
            dtype = DType.FLOAT32;
        }
        a = Pointwise.inStorage(a, dtype);
        b = Pointwise.inStorage(b, dtype);
        if (a.dtype != dtype) a = a.to(dtype);
        if (b.dtype != dtype) b = b.to(dtype);
        boolean aVec = a.shape.length == 1;
        boolean bVec = b.shape.length == 1;
        Tensor x = aVec ? Views.unsqueeze(a, 0) : a;
        Tensor y = bVec ? Views.unsqueeze(b, 1) : b;
        int ra = x.shape.length, rb = y.shape.length;
        int m = x.shape[ra - 2], k = x.shape[ra - 1], k2 = y.shape[rb - 2], n = y.shape[rb - 1];
        if (k != k2) {
            throw new FluxionException("matmul: shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + " are not compatible (inner dims " + k + " ≠ " + k2 + ")");
        }
        int[] batchA = Arrays.copyOf(x.shape, ra - 2);
        int[] batchB = Arrays.copyOf(y.shape, rb - 2);
        int[] batch;
        try {
            batch = Shapes.broadcast("matmul", batchA, batchB);
        } catch (FluxionException e) {
            throw new FluxionException("matmul: shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + " have batch dims " + Shapes.str(batchA) + " and " + Shapes.str(batchB) + " that cannot be broadcast");
        }
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Tensor.empty(dtype, outShape);
        if (out.numel() > 0 && k > 0) {
            if (batchB.length == 0 && batch.length > 0 && x.isContiguous()) {
                // A stack of matrices times one matrix: one product with the batch folded into the rows.
                gemm(Shapes.numel(batch) * m, n, k, x, x.offset, k, 1, y, y.offset, y.strides[0], y.strides[1], out, 0);
            } else {
                batched(batch, m, n, k, Views.expand(x, concat(batch, m, k)), Views.expand(y, concat(batch, k, n)), out);
            }
        }
        Tensor r = out;
        if (aVec) {
            r = Views.squeeze(r, r.shape.length - 2);
        }
        if (bVec) {
            r = Views.squeeze(r, r.shape.length - 1);
        }
        return Tensor.checked("matmul", r);
    }

    /**
     * {@code out = x · y} for 2-D x [m, k], y [k, n] of out's floating dtype on the CPU with k &gt; 0,
     * out dense [m, n]: the calls {@link #matmul} makes for such operands, so the same bits.
     * Modified: {@code out}.
     */
    static void product2d(Tensor x, Tensor y, Tensor out) {
        product2d(x.shape[1], x, x.strides[0], x.strides[1], y, y.strides[0], y.strides[1], out);
    }

    /**
     * {@link #product2d(Tensor, Tensor, Tensor)} over k terms with x's and y's row and column
     * strides given, so a transposed operand is passed as its own storage with the two strides
     * swapped and no view is made: {@code batched} with no batch dims makes exactly this one call
     * ({@code expand} to the same shape keeps the strides).
     */
    static void product2d(int k, Tensor x, int xRow, int xCol, Tensor y, int yRow, int yCol, Tensor out) {
        gemm(out.shape[0], out.shape[1], k, x, x.offset, xRow, xCol, y, y.offset, yRow, yCol, out, 0,
                Gemm.defaultThreads());
    }

    /**
     * One product per batch index into consecutive [m, n] blocks of {@code out}. When there are
     * several batches and the whole is worth splitting (as much work as a GEMM that splits
     * itself), the batches are shared out over {@link Parallel}, each product on one thread;
     * smaller stacks run on the caller, each product with the GEMM's own threading.
     */
    private static void batched(int[] batch, int m, int n, int k, Tensor xe, Tensor ye, Tensor out) {
        int nb = Shapes.numel(batch);
        long perBatch = (long) m * n * k;
        boolean split = nb > 1 && Parallel.THREADS > 1 && perBatch * nb >= BATCH_SPLIT_WORK;
        int threads = split ? 1 : Gemm.defaultThreads();
        int rank = batch.length;
        Parallel.RangeBody body = (start, end) -> {
            for (int bi = start; bi < end; bi++) {
                int xo = xe.offset, yo = ye.offset;
                for (int d = rank - 1, rest = bi; d >= 0; d--) {
                    int i = rest % batch[d];
                    rest /= batch[d];
                    xo += i * xe.strides[d];
                    yo += i * ye.strides[d];
                }
                gemm(m, n, k, xe, xo, xe.strides[rank], xe.strides[rank + 1],
                        ye, yo, ye.strides[rank], ye.strides[rank + 1], out, bi * m * n, threads);
            }
        };
        if (split) {
            Parallel.forRange(nb, perBatch, body);
        } else {
            body.run(0, nb);
        }
    }

    private static void gemm(int m, int n, int k, Tensor a, int aOff, int aRow, int aCol,
                             Tensor b, int bOff, int bRow, int bCol, Tensor c, int cOff) {
        gemm(m, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, Gemm.defaultThreads());
    }

    private static void gemm(int m, int n, int k, Tensor a, int aOff, int aRow, int aCol,
                             Tensor b, int bOff, int bRow, int bCol, Tensor c, int cOff, int threads) {
        // Size-1 dims may carry any stride; a zero-size dim never reaches here.
        if (SmallMatmul.applies(m, n, k)) {
            if (c.f != null) {
                SmallMatmul.sgemm(m, n, k, a.f, aOff, aRow, aCol, b.f, bOff, bRow, bCol, c.f, cOff, n);
            } else {
                SmallMatmul.dgemm(m, n, k, a.d, aOff, aRow, aCol, b.d, bOff, bRow, bCol, c.d, cOff, n);
            }
        } else if (c.f != null) {
            Gemm.sgemm(m, n, k, a.f, aOff, aRow, aCol, b.f, bOff, bRow, bCol, c.f, cOff, n, false);
        } else {
            Gemm.dgemm(m, n, k, a.d, aOff, aRow, aCol, b.d, bOff, bRow, bCol, c.d, cOff, n, false);
        }
    }

    /**
     * {@code x · y} for 2-D x [m, k] and y [k, n] of one floating dtype, returned as a [m, n] view
     * of a contiguous [n, m] buffer (strides {@code [1, m]}): computed as {@code (yᵀ · xᵀ)ᵀ}.
     * For a gradient whose parameter is read transposed (a weight W [out, in] used as
     * {@code Wᵀ}), this is the parameter's own layout, so {@code .t()} of it is contiguous.
     */
    static Tensor matmulColumnMajor(Tensor x, Tensor y) {
        if (x.buffer != null || y.buffer != null) {
            return matmul(x, y); // the device's GEMM picks its own layout
        }
        int m = x.shape[0], k = x.shape[1], n = y.shape[1];
        if (k != y.shape[0]) {
            return matmul(x, y); // reports the mismatch
        }
        Tensor buffer = Tensor.empty(x.dtype, new int[] {n, m});
        if (buffer.numel() > 0 && k > 0) {
            gemm(n, m, k, y, y.offset, y.strides[1], y.strides[0], x, x.offset, x.strides[1], x.strides[0], buffer, 0);
        }
        return Tensor.checked("matmul", buffer.view(new int[] {m, n}, new int[] {1, m}, 0));
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }
}
