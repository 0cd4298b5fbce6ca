package dev.fluxion.cuda;

import dev.fluxion.cuda.nativ.Cublas;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Matrix products on CUDA tensors through cuBLAS. Tensors are row-major and cuBLAS column-major;
 * a row-major {@code X[r×c]} read column-major is {@code Xᵀ}, so {@code C = op(A)·op(B)} is computed
 * as {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: cuBLAS is called with the operands swapped and no copy is made.
 * Float32 GEMMs use full precision unless {@link Cuda#allowTf32} (PyTorch's default).
 */
public final class CudaBlas {

    private static final MemorySegment ONE_F = Arena.global().allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
    private static final MemorySegment ZERO_F = Arena.global().allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
    private static final MemorySegment ONE_D = Arena.global().allocateFrom(ValueLayout.JAVA_DOUBLE, 1d);
    private static final MemorySegment ZERO_D = Arena.global().allocateFrom(ValueLayout.JAVA_DOUBLE, 0d);

    private CudaBlas() {
    }

    /** a · b: [m, k]·[k, n], or batched [B, m, k]·[B, k, n], [B, m, k]·[k, n] and [m, k]·[B, k, n]. */
    public static CudaTensor matmul(CudaTensor a, CudaTensor b) {
        return matmul(a, b, false, false);
    }

    /**
     * op(a) · op(b), op transposing the last two dimensions when asked (the derivative rules'
     * {@code g·bᵀ} and {@code aᵀ·g} without materialising a transpose).
     */
    public static CudaTensor matmul(CudaTensor a, CudaTensor b, boolean transA, boolean transB) {
        Checks.compatible("matmul", a, b);
        Checks.floating("matmul", a);
        if (a.dim() < 2 || a.dim() > 3 || b.dim() < 2 || b.dim() > 3) {
            throw new IllegalArgumentException("matmul on the device: needs [m,k]·[k,n], [B,m,k]·[B,k,n], [B,m,k]·[k,n] or [m,k]·[B,k,n]; got "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
        int m = transA ? a.size(-1) : a.size(-2);
        int k = transA ? a.size(-2) : a.size(-1);
        int kb = transB ? b.size(-1) : b.size(-2);
        int n = transB ? b.size(-2) : b.size(-1);
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner sizes differ: " + Arrays.toString(a.shape())
                    + (transA ? "ᵀ" : "") + " · " + Arrays.toString(b.shape()) + (transB ? "ᵀ" : ""));
        }
        int batch = a.dim() == 3 ? a.size(0) : b.dim() == 3 ? b.size(0) : 1;
        if (a.dim() == 3 && b.dim() == 3 && b.size(0) != batch) {
            throw new IllegalArgumentException("matmul: batch sizes differ: " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()));
        }
        boolean batched = a.dim() == 3 || b.dim() == 3;
        CudaTensor c = batched ? CudaTensor.empty(a.context(), a.dtype(), batch, m, n)
                : CudaTensor.empty(a.context(), a.dtype(), m, n);
        if (c.numel() == 0) {
            return c;
        }
        if (k == 0) {
            return CudaOps.fillInPlace(c, 0);
        }
        boolean dbl = a.isDoubleStorage();
        DeviceContext ctx = a.context();
        MemorySegment handle = ctx.cublasHandle();
        Cublas cublas = ctx.runtime().cublas();
        int lda = a.size(-1);
        int ldb = b.size(-1);
        int opA = transA ? Cublas.OP_T : Cublas.OP_N;
        int opB = transB ? Cublas.OP_T : Cublas.OP_N;
        MemorySegment one = dbl ? ONE_D : ONE_F;
        MemorySegment zero = dbl ? ZERO_D : ZERO_F;
        if (!batched) {
            cublas.gemm(dbl, handle, opB, opA, n, m, k, one, b.pointer(), ldb, a.pointer(), lda, zero, c.pointer(), n);
        } else {
            long strideA = a.dim() == 3 ? (long) m * k : 0; // one matrix times a stack: the same a for each
            long strideB = b.dim() == 3 ? (long) k * n : 0;
            cublas.gemmStridedBatched(dbl, handle, opB, opA, n, m, k, one, b.pointer(), ldb, strideB, a.pointer(), lda,
                    strideA, zero, c.pointer(), n, (long) m * n, batch);
        }
        return c;
    }

    /** x·wᵀ + bias, the runtime's {@code F.linear} (weight [out, in], bias [out] or null). */
    public static CudaTensor linear(CudaTensor x, CudaTensor weight, CudaTensor bias) {
        CudaTensor y = matmul(x, weight, false, true);
        return bias == null ? y : CudaOps.plus(y, bias);
    }
}
