package dev.fluxion;

import java.util.Arrays;
import java.util.List;

/** Index-based ops: index_select, gather, cat, stack, and their scatter-add adjoints. */
final class Gather {
    private Gather() {}

    /** The view of {@code t} at index {@code i} along {@code dim}, with that dim removed. */
    static Tensor select(Tensor t, int dim, int i) {
        return t.view(Views.remove(t.shape, dim), Views.remove(t.strides, dim), t.offset + i * t.strides[dim]);
    }

    private static int checkIndex(String op, int i, int size, int dim, int[] shape) {
        int r = i < 0 ? i + size : i;
        if (r < 0 || r >= size) {
            throw new FluxionException(op + ": index " + i + " is out of range for dim " + dim + " of size " + size
                    + " (shape " + Shapes.str(shape) + ")");
        }
        return r;
    }

    static Tensor index(Tensor t, int dim, int[] indices) {
        int d = Shapes.dim("index", dim, t.shape);
        int[] shape = t.shape.clone();
        shape[d] = indices.length;
        if (t.buffer != null) {
            Tensor index = indexAlong("index", indices, d, t.shape, shape, t.device());
            return Tensor.checked("index", Devices.backendOf("index", t).gather(t, d, index));
        }
        Tensor out = Tensor.empty(t.dtype, shape);
        for (int k = 0; k < indices.length; k++) {
            int i = checkIndex("index", indices[k], t.shape[d], d, t.shape);
            Tensor dst = select(out, d, k);
            Tensor src = select(t, d, i);
            Conversions.copyInto(src, src.strides, dst, dst.strides, dst.offset);
        }
        return Tensor.checked("index", out);
    }

    /** {@code out} of x's shape, zeros plus {@code out[indices[k]] += g[k]} along {@code dim}. */
    static Tensor indexAdd(Tensor g, int[] xShape, DType dtype, int dim, int[] indices) {
        int d = Shapes.dim("indexGrad", dim, xShape);
        if (g.buffer != null) {
            Tensor index = indexAlong("indexGrad", indices, d, xShape, g.shape, g.device());
            checkGather("indexGrad", xShape, d, index);
            return Devices.backendOf("indexGrad", g).scatterAdd(g, xShape, dtype, d, index);
        }
        Tensor out = Tensor.empty(dtype, xShape.clone());
        for (int k = 0; k < indices.length; k++) {
            int i = checkIndex("indexGrad", indices[k], xShape[d], d, xShape);
            InPlace.add(select(out, d, i), select(g, d, k), 1.0);
        }
        return out;
    }

    /**
     * {@code indices} (each checked, negative ones counted from the end) as an INT64 index of
     * {@code shape} on {@code device} that repeats them along every dim but {@code d}: index(t, d, i)
     * is then t.gather(d, that index), and its adjoint a scatter-add of it.
     */
    private static Tensor indexAlong(String op, int[] indices, int d, int[] sourceShape, int[] shape, Device device) {
        Tensor column = Tensor.empty(DType.INT64, new int[] {indices.length});
        for (int k = 0; k < indices.length; k++) {
            column.d[k] = checkIndex(op, indices[k], sourceShape[d], d, sourceShape);
        }
        int[] along = new int[shape.length];
        java.util.Arrays.fill(along, 1);
        along[d] = indices.length;
        return column.to(device).reshape(along).expand(shape);
    }

    /** Checks every value of a device index against {@code shape[d]} on the host, as the CPU loop does. */
    private static void checkIndices(String op, Tensor index, int[] shape, int d) {
        for (double v : Conversions.toDoubleArray(index)) {
            checkIndex(op, (int) v, shape[d], d, shape);
        }
    }

    static Tensor gather(Tensor t, int dim, Tensor index) {
        int d = checkGather("gather", t.shape, dim, index);
        if (t.buffer != null || index.buffer != null) {
            Device device = Devices.common("gather", t, index);
            checkIndices("gather", index, t.shape, d);
            return Tensor.checked("gather", Devices.backend("gather", device).gather(t.to(device), d, index.to(device)));
        }
        Tensor out = Tensor.empty(t.dtype, index.shape.clone());
        double[] idx = Conversions.toDoubleArray(index);
        Tensor src = Pointwise.inStorage(t, t.dtype);
        int[] pos = new int[index.shape.length];
        for (int e = 0; e < idx.length; e++) {
            int off = src.offset;
            for (int k = 0; k < pos.length; k++) {
                int p = k == d ? checkIndex("gather", (int) idx[e], t.shape[d], d, t.shape) : pos[k];
                off += p * src.strides[k];
            }
            if (out.f != null) {
                out.f[e] = src.f[off];
            } else {
                out.d[e] = src.d[off];
            }
            advance(pos, index.shape);
        }
        return Tensor.checked("gather", out);
    }

    /** Zeros of {@code xShape} with {@code out[.., index[i], ..] += g[i]} (the adjoint of gather). */
    static Tensor scatterAdd(Tensor g, int[] xShape, DType dtype, int dim, Tensor index) {
        int d = checkGather("gatherGrad", xShape, dim, index);
        if (g.buffer != null || index.buffer != null) {
            Device device = Devices.common("gatherGrad", g, index);
            checkIndices("gatherGrad", index, xShape, d);
            return Devices.backend("gatherGrad", device).scatterAdd(g.to(device).expand(index.shape), xShape, dtype, d,
                    index.to(device));
        }
        Tensor out = Tensor.empty(dtype, xShape.clone());
        double[] idx = Conversions.toDoubleArray(index);
        double[] gv = Conversions.toDoubleArray(g.expand(index.shape));
        int[] strides = out.strides;
        int[] pos = new int[index.shape.length];
        for (int e = 0; e < idx.length; e++) {
            int off = 0;
            for (int k = 0; k < pos.length; k++) {
                int p = k == d ? checkIndex("gatherGrad", (int) idx[e], xShape[d], d, xShape) : pos[k];
                off += p * strides[k];
            }
            if (out.f != null) {
                out.f[off] += (float) gv[e];
            } else {
                out.d[off] += gv[e];
            }
            advance(pos, index.shape);
        }
        return out;
    }

    private static int checkGather(String op, int[] shape, int dim, Tensor index) {
        int d = Shapes.dim(op, dim, shape);
        if (index.shape.length != shape.length) {
            throw new FluxionException(op + ": index of shape " + Shapes.str(index.shape)
                    + " must have as many dims as the input of shape " + Shapes.str(shape));
        }
        if (index.dtype.isFloatingPoint()) {
            for (double v : Conversions.toDoubleArray(index)) {
                if (v != Math.rint(v)) {
                    throw new FluxionException(op + ": index holds the non-integral value " + v);
                }
            }
        }
        for (int k = 0; k < shape.length; k++) {
            if (k != d && index.shape[k] > shape[k]) {
                throw new FluxionException(op + ": index of shape " + Shapes.str(index.shape)
                        + " is larger than the input of shape " + Shapes.str(shape) + " in dim " + k);
            }
        }
        return d;
    }

    private static void advance(int[] pos, int[] shape) {
        for (int k = pos.length - 1; k >= 0; k--) {
            if (++pos[k] < shape[k]) {
                return;
            }
            pos[k] = 0;
        }
    }

    static Tensor cat(int dim, List<Tensor> tensors) {
        if (tensors.isEmpty()) {
            throw new FluxionException("cat: expects at least one tensor");
        }
        Tensor first = tensors.get(0);
        int d = Shapes.dim("cat", dim, first.shape);
        DType dtype = first.dtype;
        int total = 0;
        for (Tensor t : tensors) {
            if (t.shape.length != first.shape.length) {
                throw new FluxionException("cat: shapes " + Shapes.str(first.shape) + " and " + Shapes.str(t.shape)
                        + " have different numbers of dims");
            }
            for (int k = 0; k < t.shape.length; k++) {
                if (k != d && t.shape[k] != first.shape[k]) {
                    throw new FluxionException("cat: shapes " + Shapes.str(first.shape) + " and " + Shapes.str(t.shape)
                            + " differ in dim " + k + " (only dim " + d + " may differ)");
                }
            }
            total += t.shape[d];
            dtype = DType.promote(dtype, t.dtype) == DType.INT64 && dtype == DType.BOOL && t.dtype == DType.BOOL
                    ? DType.BOOL : DType.promote(dtype, t.dtype);
        }
        int[] shape = first.shape.clone();
        shape[d] = total;
        Device device = first.device();
        for (Tensor t : tensors) {
            Devices.common("cat", first, t); // one device for all (an error naming both otherwise)
        }
        DeviceBackend backend = device.isCuda() ? Devices.backend("cat", device) : null;
        Tensor out = backend != null ? backend.full(device, dtype, 0, shape) : Tensor.empty(dtype, shape);
        int at = 0;
        for (Tensor t : tensors) {
            int n = t.shape[d];
            Tensor dst = Views.slice(out, d, at, at + n, 1);
            if (backend != null) {
                backend.copyInto(t, dst);
            } else {
                Conversions.copyInto(t, t.strides, dst, dst.strides, dst.offset);
            }
            at += n;
        }
        return Tensor.checked("cat", out);
    }

    static Tensor stack(int dim, List<Tensor> tensors) {
        if (tensors.isEmpty()) {
            throw new FluxionException("stack: expects at least one tensor");
        }
        int[] shape = tensors.get(0).shape;
        Tensor[] parts = new Tensor[tensors.size()];
        for (int i = 0; i < parts.length; i++) {
            Tensor t = tensors.get(i);
            if (!Arrays.equals(t.shape, shape)) {
                throw new FluxionException("stack: all tensors must have the same shape, got " + Shapes.str(shape)
                        + " and " + Shapes.str(t.shape));
            }
            parts[i] = Views.unsqueeze(t, dim);
        }
        return cat(dim < 0 ? dim + shape.length + 1 : dim, Arrays.asList(parts));
    }
}
