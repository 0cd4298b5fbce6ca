package dev.fluxion.cuda;

import dev.fluxion.DType;
import dev.fluxion.Devices;
import dev.fluxion.Tensor;

import java.util.Arrays;

/**
 * {@code torch.matmul} on CUDA tensors through cuBLAS ({@link CudaBlas}): 1-D operands as a row or
 * column, 2-D products, a stack of matrices times one matrix (folded into one GEMM), one matrix
 * times a stack (a strided-batched GEMM with batch stride 0) and batches of one shape (a
 * strided-batched GEMM). A 2-D operand that is the transpose of a contiguous matrix
 * (a weight read as {@code Wᵀ} by {@code F.linear}, or the {@code aᵀ} of a derivative rule) goes
 * to cuBLAS with its transpose flag, not copied.
 */
final class DeviceMatmul {

    private DeviceMatmul() {
    }

    static Tensor matmul(Tensor a, Tensor b) {
        DType dtype = DType.promote(a.dtype(), b.dtype());
        if (dtype == DType.INT64) {
            dtype = DType.FLOAT32;
        }
        Tensor x = a.dtype() == dtype ? a : a.to(dtype);
        Tensor y = b.dtype() == dtype ? b : b.to(dtype);
        boolean aVec = x.dim() == 1, bVec = y.dim() == 1;
        if (aVec) {
            x = x.unsqueeze(0);
        }
        if (bVec) {
            y = y.unsqueeze(1);
        }
        int m = x.size(-2), k = x.size(-1), n = y.size(-1);
        if (k != y.size(-2)) {
            throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " are not compatible (inner dims " + k + " ≠ " + y.size(-2) + ")");
        }
        Tensor out;
        if (x.dim() == 2 && y.dim() == 2) {
            out = gemm(x, y);
        } else if (y.dim() == 2) {
            int[] lead = Arrays.copyOf(x.shape(), x.dim() - 2);
            Tensor folded = gemm(x.reshape(-1, k), y);
            out = folded.reshape(concat(lead, m, n));
        } else if (x.dim() == 2) {
            // One matrix times a stack (a convolution's weight times its patches): batch stride 0 for x.
            int[] lead = Arrays.copyOf(y.shape(), y.dim() - 2);
            boolean tx = readsTransposed(x);
            CudaTensor cy = CudaBuffer.contiguous(y).reshape(batch(lead), k, n);
            out = CudaBuffer.wrap(CudaBlas.matmul(matrix(x, tx), cy, tx, false)).reshape(concat(lead, m, n));
        } else if (Arrays.equals(Arrays.copyOf(x.shape(), x.dim() - 2), Arrays.copyOf(y.shape(), y.dim() - 2))) {
            int[] lead = Arrays.copyOf(x.shape(), x.dim() - 2);
            CudaTensor cx = CudaBuffer.contiguous(x).reshape(batch(lead), m, k);
            CudaTensor cy = CudaBuffer.contiguous(y).reshape(batch(lead), k, n);
            out = CudaBuffer.wrap(CudaBlas.matmul(cx, cy)).reshape(concat(lead, m, n));
        } else {
            throw Devices.unsupported("matmul of shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " (broadcast batch dims)", a.device());
        }
        if (aVec) {
            out = out.squeeze(-2);
        }
        if (bVec) {
            out = out.squeeze(-1);
        }
        return out;
    }

    /** A 2-D product, passing a transposed-contiguous operand to cuBLAS as a transpose. */
    private static Tensor gemm(Tensor x, Tensor y) {
        boolean tx = readsTransposed(x), ty = readsTransposed(y);
        return CudaBuffer.wrap(CudaBlas.matmul(matrix(x, tx), matrix(y, ty), tx, ty));
    }

    /** 2-D {@code t} as cuBLAS reads it: the contiguous matrix it transposes when {@code transposed}, else contiguous. */
    private static CudaTensor matrix(Tensor t, boolean transposed) {
        return transposed ? CudaBuffer.storage(t).window(Devices.offset(t), t.size(1), t.size(0)) : CudaBuffer.contiguous(t);
    }

    /** Whether 2-D {@code t} is the transpose of a contiguous matrix (strides [1, rows]) and not itself contiguous. */
    private static boolean readsTransposed(Tensor t) {
        int[] s = t.strides();
        return !t.isContiguous() && s[0] == 1 && s[1] == t.size(0);
    }

    private static int batch(int[] lead) {
        int b = 1;
        for (int s : lead) {
            b *= s;
        }
        return b;
    }

    private static int[] concat(int[] lead, int r, int c) {
        int[] s = Arrays.copyOf(lead, lead.length + 2);
        s[lead.length] = r;
        s[lead.length + 1] = c;
        return s;
    }
}
