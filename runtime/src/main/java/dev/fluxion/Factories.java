package dev.fluxion;

import java.util.Arrays;
import java.util.Random;

import dev.fluxion.kernel.StridedLoop;

/** Creation of new tensors. */
final class Factories {
    private Factories() {}

    static Tensor fromArray(float[] data, int... shape) {
        checkShape("fromArray", shape);
        if (Shapes.numel(shape) != data.length) {
            throw new FluxionException("fromArray: " + data.length + " values cannot fill shape " + Shapes.str(shape));
        }
        return new Tensor(DType.FLOAT32, data, null, shape.clone(), StridedLoop.contiguousStrides(shape), 0);
    }

    static Tensor fromArray(double[] data, DType dtype, int... shape) {
        checkShape("fromArray", shape);
        if (Shapes.numel(shape) != data.length) {
            throw new FluxionException("fromArray: " + data.length + " values cannot fill shape " + Shapes.str(shape));
        }
        if (dtype == DType.FLOAT32) {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) data[i];
            }
            return fromArray(f, shape);
        }
        return new Tensor(dtype, null, data, shape.clone(), StridedLoop.contiguousStrides(shape), 0);
    }

    static Tensor of(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] data = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw new FluxionException("of: row " + i + " has " + rows[i].length + " values, row 0 has " + cols);
            }
            System.arraycopy(rows[i], 0, data, i * cols, cols);
        }
        return fromArray(data, rows.length, cols);
    }

    static Tensor of(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] data = new double[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw new FluxionException("of: row " + i + " has " + rows[i].length + " values, row 0 has " + cols);
            }
            System.arraycopy(rows[i], 0, data, i * cols, cols);
        }
        return fromArray(data, DType.FLOAT64, rows.length, cols);
    }

    static Tensor full(DType dtype, double value, int... shape) {
        checkShape("full", shape);
        Tensor t = Tensor.empty(dtype, shape.clone());
        if (value != 0) {
            double v = dtype == DType.BOOL ? (value != 0 ? 1 : 0) : dtype == DType.INT64 ? (long) value : value;
            if (t.f != null) {
                Arrays.fill(t.f, (float) v);
            } else {
                Arrays.fill(t.d, v);
            }
        }
        return t;
    }

    static Tensor arange(double start, double end, double step) {
        if (step == 0 || Double.isNaN(start) || Double.isNaN(end)) {
            throw new FluxionException("arange: step must be nonzero and bounds finite (start " + start
                    + ", end " + end + ", step " + step + ")");
        }
        double count = Math.max(0, Math.ceil((end - start) / step));
        if (!(count <= Integer.MAX_VALUE)) { // also catches infinite bounds and a NaN step
            throw new FluxionException("arange: [" + start + ", " + end + ") with step " + step + " has "
                    + (Double.isFinite(count) ? String.format(java.util.Locale.ROOT, "%.0f", count) : "infinitely many")
                    + " elements, more than 2^31 - 1");
        }
        int n = (int) count;
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) (start + i * step);
        }
        return fromArray(data, n);
    }

    static Tensor linspace(double start, double end, int n) {
        if (n < 0) {
            throw new FluxionException("linspace: number of steps must be non-negative, got " + n);
        }
        float[] data = new float[n];
        double step = n > 1 ? (end - start) / (n - 1) : 0;
        for (int i = 0; i < n; i++) {
            // Fill from both ends, as PyTorch does, so the last value is exactly end.
            data[i] = (float) (i < n / 2 ? start + i * step : end - (n - 1 - i) * step);
        }
        return fromArray(data, n);
    }

    static Tensor rand(Random rng, DType dtype, boolean normal, int... shape) {
        checkShape(normal ? "randn" : "rand", shape);
        if (!dtype.isFloatingPoint()) {
            throw new FluxionException((normal ? "randn" : "rand") + ": dtype must be FLOAT32 or FLOAT64, got " + dtype);
        }
        Tensor t = Tensor.empty(dtype, shape.clone());
        int n = t.numel();
        for (int i = 0; i < n; i++) {
            double v = normal ? rng.nextGaussian() : rng.nextDouble();
            if (t.f != null) {
                t.f[i] = (float) v;
            } else {
                t.d[i] = v;
            }
        }
        return t;
    }

    static Tensor eye(int n, DType dtype) {
        Tensor t = full(dtype, 0, n, n);
        for (int i = 0; i < n; i++) {
            if (t.f != null) {
                t.f[i * n + i] = 1;
            } else {
                t.d[i * n + i] = 1;
            }
        }
        return t;
    }

    static void checkShape(String op, int[] shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new FluxionException(op + ": negative size in shape " + Shapes.str(shape));
            }
        }
    }
}
