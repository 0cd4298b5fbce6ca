package dev.fluxion;

import java.util.ArrayList;
import java.util.List;

import dev.fluxion.kernel.Elementwise;
import dev.fluxion.kernel.StridedLoop;
import dev.fluxion.kernel.UnaryOp;

/** Copies, dtype conversions and exports to Java arrays and lists. */
final class Conversions {
    private Conversions() {}

    /** A contiguous copy of {@code t} converted to {@code dtype}. */
    static Tensor copy(Tensor t, DType dtype) {
        if (t.buffer != null) {
            return Devices.backendOf("copy", t).convert(t, dtype);
        }
        Tensor out = Tensor.empty(dtype, t.shape.clone());
        copyInto(t, t.strides, out, out.strides, out.offset);
        if (dtype == DType.BOOL || dtype == DType.INT64 && !(t.dtype == DType.INT64 || t.dtype == DType.BOOL)) {
            double[] d = out.d;
            for (int i = 0; i < d.length; i++) {
                d[i] = dtype == DType.BOOL ? (d[i] != 0 ? 1 : 0) : (double) (long) d[i];
            }
        }
        return out;
    }

    /**
     * Writes src (read with {@code srcStrides} over {@code out}'s iteration shape) into the view
     * of {@code out} given by {@code outStrides} and {@code outOffset}, converting storage kind.
     */
    static void copyInto(Tensor src, int[] srcStrides, Tensor out, int[] outStrides, int outOffset) {
        int[][] st = {srcStrides, outStrides};
        int[] offs = {src.offset, outOffset};
        if (src.f != null && out.f != null) {
            float[] a = src.f, o = out.f;
            StridedLoop.run(out.shape, st, offs, 1, (of, s, n) ->
                    Elementwise.unary(UnaryOp.IDENTITY, 0, 0, a, of[0], s[0], o, of[1], s[1], n));
        } else if (src.f != null) {
            float[] a = src.f;
            double[] o = out.d;
            StridedLoop.run(out.shape, st, offs, 1, (of, s, n) -> Elementwise.widen(a, of[0], s[0], o, of[1], s[1], n));
        } else if (out.f != null) {
            double[] a = src.d;
            float[] o = out.f;
            StridedLoop.run(out.shape, st, offs, 1, (of, s, n) -> Elementwise.narrow(a, of[0], s[0], o, of[1], s[1], n));
        } else {
            double[] a = src.d, o = out.d;
            StridedLoop.run(out.shape, st, offs, 1, (of, s, n) ->
                    Elementwise.unary(UnaryOp.IDENTITY, 0, 0, a, of[0], s[0], o, of[1], s[1], n));
        }
    }

    /** A contiguous copy of contiguous {@code t} in one pass (no zero-fill first). */
    static Tensor denseCopy(Tensor t) {
        if (t.buffer != null) {
            return copy(t, t.dtype);
        }
        int n = Shapes.numel(t.shape);
        int[] shape = t.shape.clone();
        return t.f != null
                ? new Tensor(t.dtype, java.util.Arrays.copyOfRange(t.f, t.offset, t.offset + n), null, shape,
                        StridedLoop.contiguousStrides(shape), 0)
                : new Tensor(t.dtype, null, java.util.Arrays.copyOfRange(t.d, t.offset, t.offset + n), shape,
                        StridedLoop.contiguousStrides(shape), 0);
    }

    static Tensor to(Tensor t, DType dtype) {
        return t.dtype == dtype ? t : copy(t, dtype);
    }

    /** {@code t} as a contiguous float[] or double[] tensor (no copy when it already is). */
    static Tensor dense(Tensor t) {
        return t.isContiguous() ? t : copy(t, t.dtype);
    }

    static float[] toFloatArray(Tensor t) {
        Tensor c = copy(Devices.toHost(t), DType.FLOAT32);
        return c.f;
    }

    static double[] toDoubleArray(Tensor t) {
        Tensor c = copy(Devices.toHost(t), DType.FLOAT64);
        return c.d;
    }

    static Object toArray(Tensor t) {
        t = Devices.toHost(t);
        if (t.f != null) {
            float[] data = toFloatArray(t);
            if (t.shape.length == 0) {
                return data[0];
            }
            return nest(data, t.shape, 0, 0, true);
        }
        double[] data = toDoubleArray(t);
        if (t.shape.length == 0) {
            return data[0];
        }
        return nest(data, t.shape, 0, 0, false);
    }

    private static Object nest(Object data, int[] shape, int dim, int start, boolean isFloat) {
        int n = shape[dim];
        if (dim == shape.length - 1) {
            if (isFloat) {
                float[] r = new float[n];
                System.arraycopy(data, start, r, 0, n);
                return r;
            }
            double[] r = new double[n];
            System.arraycopy(data, start, r, 0, n);
            return r;
        }
        int inner = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        Class<?> component = componentType(isFloat, shape.length - dim - 1);
        Object r = java.lang.reflect.Array.newInstance(component, n);
        for (int i = 0; i < n; i++) {
            java.lang.reflect.Array.set(r, i, nest(data, shape, dim + 1, start + i * inner, isFloat));
        }
        return r;
    }

    private static Class<?> componentType(boolean isFloat, int rank) {
        Class<?> c = isFloat ? float.class : double.class;
        for (int i = 0; i < rank; i++) {
            c = c.arrayType();
        }
        return c;
    }

    static List<?> toList(Tensor t) {
        double[] data = toDoubleArray(t);
        if (t.shape.length == 0) {
            return List.of(data[0]);
        }
        return listOf(data, t.shape, 0, 0);
    }

    private static List<Object> listOf(double[] data, int[] shape, int dim, int start) {
        int n = shape[dim];
        List<Object> r = new ArrayList<>(n);
        int inner = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        for (int i = 0; i < n; i++) {
            r.add(dim == shape.length - 1 ? (Object) data[start + i] : listOf(data, shape, dim + 1, start + i * inner));
        }
        return r;
    }

    static boolean allClose(Tensor a, Tensor b, double rtol, double atol) {
        if (!java.util.Arrays.equals(a.shape, b.shape)) {
            return false;
        }
        double[] x = toDoubleArray(a);
        double[] y = toDoubleArray(b);
        for (int i = 0; i < x.length; i++) {
            if (!(Math.abs(x[i] - y[i]) <= atol + rtol * Math.abs(y[i])) && !(x[i] == y[i])) {
                return false;
            }
        }
        return true;
    }

    static void checkFinite(String op, Tensor t) {
        if (!t.dtype.isFloatingPoint()) {
            return;
        }
        double[] x = toDoubleArray(t);
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new FluxionException(op + ": anomaly detected: result of shape " + Shapes.str(t.shape)
                        + " has " + x[i] + " at flat index " + i);
            }
        }
    }
}
