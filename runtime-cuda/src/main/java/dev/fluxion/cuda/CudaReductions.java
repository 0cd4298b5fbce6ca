package dev.fluxion.cuda;

import java.util.Arrays;

/**
 * Sum, mean and max on CUDA tensors, over everything or one dimension, and their derivatives.
 * Results stay on the device (a full reduction is a shape {@code []} tensor); upstream gradients
 * of full reductions are device scalars, so no step waits for the host.
 */
public final class CudaReductions {

    private CudaReductions() {
    }

    /** Σ x, shape []. */
    public static CudaTensor sum(CudaTensor x) {
        return full("sum", x);
    }

    /** The mean of x, shape []. */
    public static CudaTensor mean(CudaTensor x) {
        return CudaOps.times(full("sum", x), 1.0 / Math.max(1, x.numel()));
    }

    /** The largest element, shape [] (NaN if any is). */
    public static CudaTensor max(CudaTensor x) {
        if (x.numel() == 0) {
            throw new IllegalArgumentException("max of an empty tensor");
        }
        return full("max", x);
    }

    public static CudaTensor sum(CudaTensor x, int dim, boolean keepDim) {
        return alongDim("sum", x, dim, keepDim);
    }

    public static CudaTensor mean(CudaTensor x, int dim, boolean keepDim) {
        int d = Checks.dim("mean", x, dim);
        return CudaOps.times(alongDim("sum", x, d, keepDim), 1.0 / Math.max(1, x.size(d)));
    }

    public static CudaTensor max(CudaTensor x, int dim, boolean keepDim) {
        return alongDim("max", x, dim, keepDim);
    }

    /** d Σx / dx = g everywhere ({@code g} shape []). */
    public static CudaTensor sumGrad(CudaTensor g, CudaTensor x) {
        return fillFromScalar(g, x, 1);
    }

    /** d mean(x) / dx = g / n everywhere. */
    public static CudaTensor meanGrad(CudaTensor g, CudaTensor x) {
        return fillFromScalar(g, x, 1.0 / Math.max(1, x.numel()));
    }

    /** d Σ_dim x / dx: g broadcast back over {@code dim}. */
    public static CudaTensor sumGrad(CudaTensor g, CudaTensor x, int dim) {
        return broadcastDim(g, x, Checks.dim("sumGrad", x, dim), 1);
    }

    /** d mean_dim x / dx: g / size(dim) broadcast back over {@code dim}. */
    public static CudaTensor meanGrad(CudaTensor g, CudaTensor x, int dim) {
        int d = Checks.dim("meanGrad", x, dim);
        return broadcastDim(g, x, d, 1.0 / Math.max(1, x.size(d)));
    }

    /** d max(x) / dx: g / k at the k elements equal to the max (as the runtime and PyTorch share ties). */
    public static CudaTensor maxGrad(CudaTensor g, CudaTensor x, CudaTensor out) {
        Checks.compatible("maxGrad", g, x);
        CudaTensor mask = CudaTensor.empty(x.context(), x.dtype(), x.shape());
        Launch.of(x.context(), KernelSources.REDUCE, "eq_scalar_mask" + Checks.suffix(x))
                .ptr(x).ptr(out).ptr(mask).i64(x.numel()).elementwise(x.numel());
        CudaTensor count = sum(mask);
        CudaTensor gx = CudaTensor.empty(x.context(), x.dtype(), x.shape());
        Launch.of(x.context(), KernelSources.REDUCE, "max_all_backward" + Checks.suffix(x))
                .ptr(g).ptr(x).ptr(out).ptr(count).ptr(gx).i64(x.numel()).elementwise(x.numel());
        return gx;
    }

    /** d max_dim(x) / dx: g at the first index of the max along {@code dim}, 0 elsewhere. */
    public static CudaTensor maxGrad(CudaTensor g, CudaTensor x, int dim) {
        Checks.compatible("maxGrad", g, x);
        int d = Checks.dim("maxGrad", x, dim);
        long[] oi = outerInner(x, d);
        CudaTensor gx = CudaTensor.empty(x.context(), x.dtype(), x.shape());
        Launch.of(x.context(), KernelSources.REDUCE, "max_dim_backward" + Checks.suffix(x))
                .ptr(g).ptr(x).ptr(gx).i64(oi[0]).i64(x.size(d)).i64(oi[1]).elementwise(oi[0] * oi[1]);
        return gx;
    }

    // ------------------------------------------------------------------ kernels

    /** A full reduction: one partial per block, then one block over the partials. */
    static CudaTensor full(String op, CudaTensor x) {
        Checks.floating(op, x);
        long n = x.numel();
        int blocks = (int) Math.min(Launch.gridFor(n), 1024);
        CudaTensor partial = CudaTensor.empty(x.context(), x.dtype(), blocks);
        Launch.of(x.context(), KernelSources.REDUCE, op + "_partial" + Checks.suffix(x))
                .ptr(x).ptr(partial).i64(n).run(blocks, Launch.THREADS);
        return rows(op, partial.reshape(1, blocks), new int[0]);
    }

    /** One block per row of a [rows, cols] tensor; the result has {@code shape}. */
    static CudaTensor rows(String op, CudaTensor x, int[] shape) {
        long cols = x.size(-1);
        long rows = x.numel() / Math.max(1, cols);
        CudaTensor y = CudaTensor.empty(x.context(), x.dtype(), shape);
        Launch.of(x.context(), KernelSources.REDUCE, op + "_rows" + Checks.suffix(x))
                .ptr(x).ptr(y).i64(cols).run(rows, Launch.THREADS);
        return y;
    }

    private static CudaTensor alongDim(String op, CudaTensor x, int dim, boolean keepDim) {
        Checks.floating(op, x);
        int d = Checks.dim(op, x, dim);
        int[] outShape = reducedShape(x.shape(), d, keepDim);
        long[] oi = outerInner(x, d);
        if (oi[1] == 1) {
            return rows(op, x.reshape((int) oi[0], x.size(d)), outShape);
        }
        CudaTensor y = CudaTensor.empty(x.context(), x.dtype(), outShape);
        Launch.of(x.context(), KernelSources.REDUCE, op + "_dim" + Checks.suffix(x))
                .ptr(x).ptr(y).i64(oi[0]).i64(x.size(d)).i64(oi[1]).elementwise(oi[0] * oi[1]);
        return y;
    }

    private static CudaTensor fillFromScalar(CudaTensor g, CudaTensor x, double scale) {
        Checks.compatible("reduction gradient", g, x);
        if (g.numel() != 1) {
            throw new IllegalArgumentException("the gradient of a full reduction is one value; got shape "
                    + Arrays.toString(g.shape()));
        }
        CudaTensor gx = CudaTensor.empty(x.context(), x.dtype(), x.shape());
        Launch.of(x.context(), KernelSources.ELEMENTWISE, "fill_from_scalar" + Checks.suffix(x))
                .ptr(gx).ptr(g).i64(x.numel()).f64(scale).elementwise(x.numel());
        return gx;
    }

    private static CudaTensor broadcastDim(CudaTensor g, CudaTensor x, int d, double scale) {
        Checks.compatible("reduction gradient", g, x);
        long[] oi = outerInner(x, d);
        if (g.numel() != oi[0] * oi[1]) {
            throw new IllegalArgumentException("gradient of shape " + Arrays.toString(g.shape())
                    + " does not match a reduction of " + Arrays.toString(x.shape()) + " over dimension " + d);
        }
        CudaTensor gx = CudaTensor.empty(x.context(), x.dtype(), x.shape());
        Launch.of(x.context(), KernelSources.ELEMENTWISE, "broadcast_dim" + Checks.suffix(x))
                .ptr(g).ptr(gx).i64(oi[0]).i64(x.size(d)).i64(oi[1]).f64(scale).elementwise(x.numel());
        return gx;
    }

    /** [outer, inner]: the products of the sizes before and after {@code d}. */
    static long[] outerInner(CudaTensor x, int d) {
        long outer = 1, inner = 1;
        for (int i = 0; i < d; i++) {
            outer *= x.size(i);
        }
        for (int i = d + 1; i < x.dim(); i++) {
            inner *= x.size(i);
        }
        return new long[] {outer, inner};
    }

    static int[] reducedShape(int[] shape, int d, boolean keepDim) {
        int[] out = new int[keepDim ? shape.length : shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i == d) {
                if (keepDim) {
                    out[j++] = 1;
                }
            } else {
                out[j++] = shape[i];
            }
        }
        return out;
    }
}
