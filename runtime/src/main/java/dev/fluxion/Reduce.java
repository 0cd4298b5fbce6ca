package dev.fluxion;

import dev.fluxion.kernel.ReduceOp;
import dev.fluxion.kernel.Reductions;

/** Reductions over all elements or given dims, with keepDim. */
final class Reduce {
    private Reduce() {}

    static int[] allDims(Tensor t) {
        int[] dims = new int[t.shape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i;
        }
        return dims;
    }

    static Tensor reduce(String name, ReduceOp op, Tensor t, int[] dims, boolean keepDim) {
        int[] ds = Shapes.dims(name, dims, t.shape);
        boolean[] mask = Shapes.mask(t.shape.length, ds);
        if (op != ReduceOp.SUM && t.numel() == 0) {
            throw new FluxionException(name + ": cannot reduce a tensor with no elements (shape "
                    + Shapes.str(t.shape) + ")");
        }
        if (t.buffer != null) {
            int[] sorted = ds.clone();
            java.util.Arrays.sort(sorted);
            return Tensor.checked(name, Devices.backendOf(name, t).reduce(name, op, t, sorted, keepDim));
        }
        DType dtype = t.dtype.isFloatingPoint() ? t.dtype : (op == ReduceOp.SUM ? DType.INT64 : t.dtype);
        Tensor src = Pointwise.inStorage(t, dtype);
        Tensor out = Tensor.empty(dtype, Shapes.reduced(t.shape, ds, keepDim));
        int n = src.numel();
        if (ds.length == src.shape.length && n > 0 && src.isContiguous()) {
            // Everything into one value: no layout analysis needed.
            if (src.f != null) {
                out.f[0] = (float) Reductions.reduceContiguous(op, src.f, src.offset, n);
            } else {
                out.d[0] = Reductions.reduceContiguous(op, src.d, src.offset, n);
            }
            return Tensor.checked(name, out);
        }
        if (src.f != null) {
            Reductions.reduce(op, src.f, src.offset, src.shape, src.strides, mask, out.f);
        } else {
            Reductions.reduce(op, src.d, src.offset, src.shape, src.strides, mask, out.d);
        }
        return Tensor.checked(name, out);
    }

    static int count(Tensor t, int[] dims) {
        int[] ds = Shapes.dims("mean", dims, t.shape);
        int n = 1;
        for (int d : ds) {
            n *= t.shape[d];
        }
        return n;
    }

    static Tensor mean(Tensor t, int[] dims, boolean keepDim) {
        Tensor x = t.dtype.isFloatingPoint() ? t : t.toFloat();
        Tensor s = reduce("mean", ReduceOp.SUM, x, dims, keepDim);
        return s.div(count(t, dims));
    }

    static Tensor logSumExp(Tensor t, int[] dims, boolean keepDim) {
        Tensor x = t.dtype.isFloatingPoint() ? t : t.toFloat();
        int[] ds = Shapes.dims("logSumExp", dims, x.shape);
        if (x.numel() == 0) {
            return Tensor.checked("logSumExp", Factories.full(x.dtype, Double.NEGATIVE_INFINITY,
                    Shapes.reduced(x.shape, ds, keepDim)));
        }
        Tensor rows = x.buffer != null ? null : SoftmaxOps.logSumExpLastDim(x, ds, keepDim);
        if (rows != null) {
            return rows;
        }
        return logSumExpComposed(x, ds, keepDim);
    }

    /** {@link #logSumExp} from reductions and elementwise ops: any dims (and the row kernel's test reference). */
    static Tensor logSumExpComposed(Tensor x, int[] ds, boolean keepDim) {
        Tensor m = reduce("logSumExp", ReduceOp.MAX, x, ds, true);
        // An infinite max would give inf − inf = NaN below; shifting by 0 there is exact.
        Tensor shift = Pointwise.where(m.abs().lt(Double.POSITIVE_INFINITY), m, Tensor.zerosLike(m));
        Tensor out = x.minus(shift).exp().sum(ds, true).log().plus(shift);
        if (!keepDim) {
            out = out.reshape(Shapes.reduced(x.shape, ds, false));
        }
        return Tensor.checked("logSumExp", out);
    }

    static Tensor norm(Tensor t, int[] dims, boolean keepDim) {
        Tensor x = t.dtype.isFloatingPoint() ? t : t.toFloat();
        return Tensor.checked("norm", x.square().sum(dims, keepDim).sqrt());
    }

    static Tensor argmax(Tensor t, int dim, boolean keepDim) {
        if (t.numel() == 0) {
            throw new FluxionException("argmax: cannot take the argmax of a tensor with no elements (shape "
                    + Shapes.str(t.shape) + ")");
        }
        if (t.shape.length == 0) {
            return t.buffer != null ? Tensor.fullLike(t, 0).to(DType.INT64) : Factories.full(DType.INT64, 0);
        }
        int dm = Shapes.dim("argmax", dim, t.shape);
        if (t.buffer != null) {
            return Devices.backendOf("argmax", t).argmax(t, dm, keepDim);
        }
        double[] x = Conversions.toDoubleArray(t);
        int n = t.shape[dm];
        int inner = 1;
        for (int d = dm + 1; d < t.shape.length; d++) {
            inner *= t.shape[d];
        }
        int outer = x.length / (n * inner);
        Tensor out = Tensor.empty(DType.INT64, Shapes.reduced(t.shape, new int[] {dm}, keepDim));
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                double bestValue = x[o * n * inner + i];
                for (int k = 1; k < n && !Double.isNaN(bestValue); k++) {
                    double v = x[(o * n + k) * inner + i];
                    if (v > bestValue || Double.isNaN(v)) {
                        best = k;
                        bestValue = v;
                    }
                }
                out.d[o * inner + i] = best;
            }
        }
        return out;
    }
}
