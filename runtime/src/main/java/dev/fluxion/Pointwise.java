package dev.fluxion;

import java.util.Arrays;

import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.Elementwise;
import dev.fluxion.kernel.Parallel;
import dev.fluxion.kernel.StridedLoop;
import dev.fluxion.kernel.UnaryOp;
import org.jspecify.annotations.Nullable;

/** Elementwise ops on tensors: dtype promotion, broadcasting, dispatch to the row kernels. */
final class Pointwise {
    private Pointwise() {}

    /** A 0-dim operand for {@code x op c}: x's dtype if floating, else int64 or float32 by c. */
    static Tensor scalarFor(Tensor x, double c) {
        DType t = x.dtype.isFloatingPoint() ? x.dtype : (c == Math.rint(c) && !Double.isInfinite(c) ? DType.INT64 : DType.FLOAT32);
        return Factories.full(t, c);
    }

    static Tensor unary(String name, UnaryOp op, Tensor x) {
        return unary(name, op, 0, 0, x);
    }

    static Tensor unary(String name, UnaryOp op, double p, double q, Tensor x) {
        DType dtype = x.dtype;
        if (!dtype.isFloatingPoint()) {
            boolean keepsIntegers = switch (op) {
                case NEG, ABS, SIGN, SQUARE, RELU, IDENTITY -> true;
                case CLAMP -> p == Math.rint(p) && q == Math.rint(q);
                default -> false;
            };
            dtype = keepsIntegers ? DType.INT64 : DType.FLOAT32;
        }
        if (x.buffer != null) {
            return Tensor.checked(name, Devices.backendOf(name, x).unary(name, op, p, q, x, dtype));
        }
        x = Conversions.to(x, dtype);
        long cost = cost(op);
        if (x.isContiguous() && (long) x.numel() * cost <= Parallel.GRAIN) {
            return Tensor.checked(name, denseUnary(op, p, q, dtype, x));
        }
        Tensor out = Tensor.empty(dtype, x.shape.clone());
        int[][] st = {x.strides, out.strides};
        int[] offs = {x.offset, 0};
        if (x.f != null) {
            float[] a = x.f, o = out.f;
            StridedLoop.run(out.shape, st, offs, cost, (of, s, n) -> Elementwise.unary(op, p, q, a, of[0], s[0], o, of[1], s[1], n));
        } else {
            double[] a = x.d, o = out.d;
            StridedLoop.run(out.shape, st, offs, cost, (of, s, n) -> Elementwise.unary(op, p, q, a, of[0], s[0], o, of[1], s[1], n));
        }
        return Tensor.checked(name, out);
    }

    static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b) {
        boolean onDevice = a.buffer != null || b.buffer != null;
        if (!onDevice && a.dtype == b.dtype && a.dtype.isFloatingPoint() && !op.isComparison()) {
            Tensor fast = denseBinary(op, a, b);
            if (fast != null) {
                return Tensor.checked(name, fast);
            }
        }
        Device device = onDevice ? Devices.common(name, a, b) : null;
        int[] shape = Shapes.broadcast(name, a.shape, b.shape);
        // An integer division gives FLOAT32; an integer power stays INT64 unless an exponent is negative.
        DType compute = DType.promote(a.dtype, b.dtype);
        if (compute == DType.INT64 && (op == BinaryOp.DIV || op == BinaryOp.POW && hasNegative(b))) {
            compute = DType.FLOAT32;
        }
        DType result = compute;
        if (op.isComparison()) {
            result = DType.BOOL;
            if (compute == DType.FLOAT32) {
                compute = DType.FLOAT64;
            }
        }
        if (device != null) {
            return Tensor.checked(name, Devices.backend(name, device).binary(name, op, a, b, compute, result));
        }
        a = inStorage(a, compute);
        b = inStorage(b, compute);
        Tensor out = Tensor.empty(result, shape);
        int[][] st = {Shapes.broadcastStrides(a, shape), Shapes.broadcastStrides(b, shape), out.strides};
        int[] offs = {a.offset, b.offset, 0};
        long cost = op == BinaryOp.POW ? 20 : 1;
        if (compute == DType.FLOAT32) {
            float[] x = a.f, y = b.f, o = out.f;
            StridedLoop.run(shape, st, offs, cost, (of, s, n) ->
                    Elementwise.binary(op, x, of[0], s[0], y, of[1], s[1], o, of[2], s[2], n));
        } else {
            double[] x = a.d, y = b.d, o = out.d;
            StridedLoop.run(shape, st, offs, cost, (of, s, n) ->
                    Elementwise.binary(op, x, of[0], s[0], y, of[1], s[1], o, of[2], s[2], n));
        }
        return Tensor.checked(name, out);
    }

    /**
     * {@code t = op(t)} in place where {@link #unary} would take its small dense path for t
     * (contiguous, floating, on the CPU, below the parallel grain), with the same row kernel, so
     * the bits of {@code unary(op, t)}; false (t unchanged) elsewhere.
     */
    static boolean unaryInPlace(UnaryOp op, Tensor t) {
        if (t.buffer != null || !t.dtype.isFloatingPoint() || !t.isContiguous()
                || (long) t.numel() * cost(op) > Parallel.GRAIN) {
            return false;
        }
        int n = t.numel();
        if (t.f != null) {
            Elementwise.unary(op, 0, 0, t.f, t.offset, 1, t.f, t.offset, 1, n);
        } else {
            Elementwise.unary(op, 0, 0, t.d, t.offset, 1, t.d, t.offset, 1, n);
        }
        return true;
    }

    /**
     * The small-tensor fast path of {@link #unary}: contiguous x, one row kernel call, no loop
     * set-up. The row kernel is the one the general path would call for this layout, so the
     * values are identical.
     */
    private static Tensor denseUnary(UnaryOp op, double p, double q, DType dtype, Tensor x) {
        Tensor out = Tensor.empty(dtype, x.shape.clone());
        int n = out.numel();
        if (x.f != null) {
            Elementwise.unary(op, p, q, x.f, x.offset, 1, out.f, 0, 1, n);
        } else {
            Elementwise.unary(op, p, q, x.d, x.offset, 1, out.d, 0, 1, n);
        }
        return out;
    }

    /**
     * The small-tensor fast path of {@link #binary} for one floating dtype: both operands
     * contiguous with the same shape, or one of them a single element (a scalar or 0-dim operand)
     * of no higher rank, read with step 0. Null when the operands are laid out otherwise or the
     * work is large enough to split over threads; the general path then handles them. Calls the
     * same row kernel as the general path would after collapsing dims, so values are identical.
     */
    private static @Nullable Tensor denseBinary(BinaryOp op, Tensor a, Tensor b) {
        return denseBinary(op, a, b, null);
    }

    /**
     * {@link #denseBinary(BinaryOp, Tensor, Tensor)} writing into {@code into} where it is not null
     * (dense, of the result's dtype and shape: the caller checks), else into a new tensor.
     */
    static @Nullable Tensor denseBinary(BinaryOp op, Tensor a, Tensor b, @Nullable Tensor into) {
        int[] shape;
        int aStep = 1, bStep = 1;
        if (Arrays.equals(a.shape, b.shape)) {
            shape = a.shape;
        } else if (b.shape.length <= a.shape.length && b.numel() == 1) {
            shape = a.shape;
            bStep = 0;
        } else if (a.shape.length <= b.shape.length && a.numel() == 1) {
            shape = b.shape;
            aStep = 0;
        } else {
            return null;
        }
        int n = Shapes.numel(shape);
        if ((long) n * (op == BinaryOp.POW ? 20 : 1) > Parallel.GRAIN || !a.isContiguous() || !b.isContiguous()) {
            return null;
        }
        Tensor out = into != null ? into : Tensor.empty(a.dtype, shape.clone());
        if (a.f != null) {
            Elementwise.binary(op, a.f, a.offset, aStep, b.f, b.offset, bStep, out.f, 0, 1, n);
        } else {
            Elementwise.binary(op, a.d, a.offset, aStep, b.d, b.offset, bStep, out.d, 0, 1, n);
        }
        return out;
    }

    /** {@code out_i = mask_i ≠ 0 ? a_i : b_i}, all three broadcast. */
    static Tensor where(Tensor mask, Tensor a, Tensor b) {
        if (mask.dtype != DType.BOOL) {
            // As PyTorch ("where expected condition to be a boolean tensor"): a float mask is
            // usually a bug, and "nonzero" would silently select NaN entries.
            throw new FluxionException("where: the mask must be a BOOL tensor (a comparison such as x.gt(0)), got "
                    + mask.dtype + " of shape " + Shapes.str(mask.shape) + "; compare it explicitly, e.g. mask.ne(0)");
        }
        if (mask.buffer != null || a.buffer != null || b.buffer != null) {
            Device device = Devices.common("where", mask, a, b);
            return Tensor.checked("where", Devices.backend("where", device).where(mask, a, b));
        }
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", mask.shape, a.shape), b.shape);
        DType dtype = DType.promote(a.dtype, b.dtype);
        Tensor m = mask.f != null ? binary("where", BinaryOp.NE, mask, Factories.full(DType.FLOAT32, 0)) : mask;
        a = inStorage(a, dtype);
        b = inStorage(b, dtype);
        Tensor out = Tensor.empty(dtype, shape);
        int[][] st = {Shapes.broadcastStrides(m, shape), Shapes.broadcastStrides(a, shape),
                Shapes.broadcastStrides(b, shape), out.strides};
        int[] offs = {m.offset, a.offset, b.offset, 0};
        double[] md = m.d;
        if (dtype == DType.FLOAT32) {
            float[] x = a.f, y = b.f, o = out.f;
            StridedLoop.run(shape, st, offs, 1, (of, s, n) -> {
                for (int i = 0; i < n; i++) {
                    o[of[3] + i * s[3]] = md[of[0] + i * s[0]] != 0 ? x[of[1] + i * s[1]] : y[of[2] + i * s[2]];
                }
            });
        } else {
            double[] x = a.d, y = b.d, o = out.d;
            StridedLoop.run(shape, st, offs, 1, (of, s, n) -> {
                for (int i = 0; i < n; i++) {
                    o[of[3] + i * s[3]] = md[of[0] + i * s[0]] != 0 ? x[of[1] + i * s[1]] : y[of[2] + i * s[2]];
                }
            });
        }
        return Tensor.checked("where", out);
    }

    /** {@code t} with the storage kind of {@code dtype} (float[] for FLOAT32, double[] otherwise). */
    static Tensor inStorage(Tensor t, DType dtype) {
        if (dtype == DType.FLOAT32) {
            return Conversions.to(t, DType.FLOAT32);
        }
        return t.f != null ? Conversions.copy(t, dtype) : t;
    }

    /** Whether {@code t} holds a value below 0 (on a device: its minimum, one scalar read back). */
    private static boolean hasNegative(Tensor t) {
        if (t.buffer != null) {
            return t.numel() > 0 && t.min().item() < 0;
        }
        for (double v : Conversions.toDoubleArray(t)) {
            if (v < 0) {
                return true;
            }
        }
        return false;
    }

    private static long cost(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, SIGN, SQUARE, RELU, LEAKY_RELU, CLAMP, IDENTITY -> 1;
            default -> 16;
        };
    }
}
