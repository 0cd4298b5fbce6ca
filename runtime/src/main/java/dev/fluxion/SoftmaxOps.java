package dev.fluxion;

import java.util.Arrays;

import dev.fluxion.kernel.ReduceOp;
import dev.fluxion.kernel.SoftmaxRows;
import org.jspecify.annotations.Nullable;

/**
 * Softmax, log-softmax and log-sum-exp along one dim, shifted by the max for stability. Along the
 * last dim of a contiguous tensor each row is one pass of {@link SoftmaxRows}; any other dim or
 * layout composes reductions and elementwise ops (the same values up to rounding).
 */
final class SoftmaxOps {
    private SoftmaxOps() {}

    static Tensor softmax(Tensor t, int dim, boolean log) {
        String name = log ? "logSoftmax" : "softmax";
        Tensor x = t.dtype.isFloatingPoint() ? t : t.toFloat();
        if (x.shape.length == 0) {
            Shapes.dim(name, dim, 1, x.shape);
            return Tensor.checked(name, log ? Tensor.zerosLike(x) : Tensor.onesLike(x));
        }
        int d = Shapes.dim(name, dim, x.shape);
        if (x.numel() == 0) {
            return Tensor.zerosLike(x);
        }
        if (x.buffer != null) {
            return Tensor.checked(name, Devices.backendOf(name, x).softmax(x, d, log));
        }
        if (d == x.shape.length - 1 && x.isContiguous()) {
            int n = x.shape[d];
            Tensor out = Tensor.empty(x.dtype, x.shape.clone());
            if (x.f != null) {
                SoftmaxRows.forward(x.f, x.offset, out.f, 0, x.numel() / n, n, log);
            } else {
                SoftmaxRows.forward(x.d, x.offset, out.d, 0, x.numel() / n, n, log);
            }
            return Tensor.checked(name, out);
        }
        return composed(x, d, log);
    }

    /** Softmax by reductions and elementwise ops: any dim and layout (and the kernels' test reference). */
    static Tensor composed(Tensor x, int d, boolean log) {
        String name = log ? "logSoftmax" : "softmax";
        Tensor m = Reduce.reduce(name, ReduceOp.MAX, x, new int[] {d}, true);
        Tensor shifted = x.minus(m);
        Tensor e = shifted.exp();
        Tensor s = Reduce.reduce(name, ReduceOp.SUM, e, new int[] {d}, true);
        return Tensor.checked(name, log ? shifted.minus(s.log()) : e.div(s));
    }

    /**
     * The softmax (or log-softmax) pullback in one pass per row, for g and out of one float dtype
     * and shape, both contiguous, along the last dim; null otherwise.
     */
    static @Nullable Tensor backward(Tensor g, Tensor out, int dim, boolean log) {
        if (g.buffer != null || out.buffer != null) {
            return null; // the composed rule runs on the device's elementwise ops and reductions
        }
        if (out.shape.length == 0 || !out.dtype.isFloatingPoint() || g.dtype != out.dtype
                || !Arrays.equals(g.shape, out.shape) || !g.isContiguous() || !out.isContiguous()) {
            return null;
        }
        int d = Shapes.dim(log ? "logSoftmaxGrad" : "softmaxGrad", dim, out.shape);
        int n = out.shape[d];
        if (d != out.shape.length - 1 || n == 0) {
            return null;
        }
        Tensor r = Tensor.empty(out.dtype, out.shape.clone());
        int rows = out.numel() / n;
        if (r.f != null) {
            SoftmaxRows.backward(g.f, g.offset, out.f, out.offset, r.f, rows, n, log);
        } else {
            SoftmaxRows.backward(g.d, g.offset, out.d, out.offset, r.d, rows, n, log);
        }
        return Tensor.checked(log ? "logSoftmaxGrad" : "softmaxGrad", r);
    }

    /** ln Σ exp over the last dim of a contiguous float tensor with elements, in one pass per row; null otherwise. */
    static @Nullable Tensor logSumExpLastDim(Tensor x, int[] ds, boolean keepDim) {
        int rank = x.shape.length;
        if (x.buffer != null || ds.length != 1 || rank == 0 || ds[0] != rank - 1 || x.numel() == 0 || !x.isContiguous()) {
            return null;
        }
        int n = x.shape[rank - 1];
        Tensor out = Tensor.empty(x.dtype, Shapes.reduced(x.shape, ds, keepDim));
        if (x.f != null) {
            SoftmaxRows.logSumExp(x.f, x.offset, out.f, x.numel() / n, n);
        } else {
            SoftmaxRows.logSumExp(x.d, x.offset, out.d, x.numel() / n, n);
        }
        return Tensor.checked("logSumExp", out);
    }
}
