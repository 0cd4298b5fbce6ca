package dev.fluxion.cuda;

import dev.fluxion.DType;
import dev.fluxion.Tensor;
import dev.fluxion.kernel.ReduceOp;

import java.util.Arrays;

/**
 * The runtime's reductions on CUDA tensors: sum, max and min over any set of dims, with keepDim,
 * through the one-dim and full kernels of {@link CudaReductions} (one dim at a time, last first).
 * Integer and bool tensors sum to INT64 as on the CPU (their values are stored as doubles).
 */
final class DeviceReductions {

    private DeviceReductions() {
    }

    static Tensor reduce(String name, ReduceOp op, Tensor x, int[] dims, boolean keepDim) {
        DType dtype = x.dtype().isFloatingPoint() ? x.dtype() : (op == ReduceOp.SUM ? DType.INT64 : x.dtype());
        int[] outShape = reducedShape(x.shape(), dims, keepDim);
        if (x.numel() == 0) {
            return new CudaBackend().full(x.device(), dtype, 0, outShape); // an empty sum (max/min are refused earlier)
        }
        CudaTensor c = CudaBuffer.contiguous(x);
        if (!x.dtype().isFloatingPoint()) {
            c = c.withDtype(DType.FLOAT64); // same storage: the kernels see doubles
        }
        boolean min = op == ReduceOp.MIN;
        if (min) {
            c = CudaOps.neg(c); // min x = −max(−x)
        }
        String kernel = op == ReduceOp.SUM ? "sum" : "max";
        CudaTensor r;
        if (dims.length == x.dim()) {
            r = kernel.equals("sum") ? CudaReductions.sum(c) : CudaReductions.max(c);
        } else {
            r = c;
            for (int i = dims.length - 1; i >= 0; i--) {
                r = kernel.equals("sum") ? CudaReductions.sum(r, dims[i], true) : CudaReductions.max(r, dims[i], true);
            }
        }
        if (min) {
            r = CudaOps.neg(r);
        }
        r = r.reshape(outShape);
        return CudaBuffer.wrap(r.dtype() == dtype ? r : r.withDtype(dtype));
    }

    static int[] reducedShape(int[] shape, int[] dims, boolean keepDim) {
        boolean[] reduced = new boolean[shape.length];
        for (int d : dims) {
            reduced[d] = true;
        }
        int[] out = new int[shape.length];
        int n = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!reduced[d]) {
                out[n++] = shape[d];
            } else if (keepDim) {
                out[n++] = 1;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
