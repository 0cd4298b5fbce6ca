package dev.fluxion;

import java.util.Arrays;

import dev.fluxion.kernel.Axpy;
import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.Elementwise;
import dev.fluxion.kernel.StridedLoop;

/**
 * The in-place updates optimizers use. Each writes only the target's own elements.
 *
 * <p>When target and operands are contiguous with the same shape and dtype (every optimizer step
 * over a parameter and its gradient), the update is one fused pass of an {@link Axpy} kernel with
 * no temporary; anything else (broadcast operands, strided views, mixed dtypes) takes the general
 * broadcasting path, which rounds identically.
 */
final class InPlace {
    private InPlace() {}

    private static void checkWritable(String op, Tensor t) {
        if (!t.dtype.isFloatingPoint()) {
            throw new FluxionException(op + ": in-place update of a " + t.dtype + " tensor is not supported");
        }
        for (int d = 0; d < t.shape.length; d++) {
            if (t.strides[d] == 0 && t.shape[d] > 1) {
                throw new FluxionException(op + ": the target of shape " + Shapes.str(t.shape)
                        + " is an expanded view (several elements share memory); write to a copy() instead");
            }
        }
    }

    /**
     * Throws naming the operation for a null operand: {@code p.addInPlace(p.grad(), -lr)} before
     * any backward pass is the usual way to get one, since a gradient is null until then.
     */
    static void checkOperand(String op, String name, Tensor t) {
        if (t == null) {
            throw new FluxionException(op + ": the operand " + name + " is null (a Parameter's grad() is null until a"
                    + " backward pass has accumulated into it)");
        }
    }

    private static Tensor operand(String op, Tensor dst, Tensor other) {
        if (!Shapes.broadcastsTo(other.shape, dst.shape)) {
            throw new FluxionException(op + ": shape " + Shapes.str(other.shape) + " cannot be broadcast to the target's shape "
                    + Shapes.str(dst.shape));
        }
        return Pointwise.inStorage(other, dst.f != null ? DType.FLOAT32 : DType.FLOAT64);
    }

    /** dst += alpha · other. */
    static Tensor add(Tensor dst, Tensor other, double alpha) {
        checkOperand("addInPlace", "other", other);
        checkWritable("addInPlace", dst);
        if (dst.buffer != null || other.buffer != null) {
            return onDevice("addInPlace", DeviceBackend.InPlaceUpdate.ADD, dst, other, null, alpha);
        }
        if (fusable(dst, other)) {
            int n = Shapes.numel(dst.shape);
            if (dst.f != null) {
                Axpy.axpy(n, alpha, other.f, other.offset, dst.f, dst.offset);
            } else {
                Axpy.axpy(n, alpha, other.d, other.offset, dst.d, dst.offset);
            }
            return dst;
        }
        Tensor src = operand("addInPlace", dst, other);
        BinaryOp op = BinaryOp.PLUS;
        if (alpha == -1) {
            op = BinaryOp.MINUS;
        } else if (alpha != 1) {
            src = src.times(alpha);
        }
        combine(op, dst, src);
        return dst;
    }

    /** dst += value · (a · b), or value · (a / b) when {@code divide}. */
    static Tensor addCombined(Tensor dst, Tensor a, Tensor b, double value, boolean divide) {
        String op = divide ? "addcdivInPlace" : "addcmulInPlace";
        checkOperand(op, "a", a);
        checkOperand(op, "b", b);
        checkWritable(op, dst);
        if (dst.buffer != null || a.buffer != null || b.buffer != null) {
            return onDevice(op, divide ? DeviceBackend.InPlaceUpdate.ADD_QUOTIENT : DeviceBackend.InPlaceUpdate.ADD_PRODUCT,
                    dst, a, b, value);
        }
        if (fusable(dst, a) && fusable(dst, b)) {
            int n = Shapes.numel(dst.shape);
            if (dst.f != null) {
                Axpy.addcombined(n, value, divide, a.f, a.offset, b.f, b.offset, dst.f, dst.offset);
            } else {
                Axpy.addcombined(n, value, divide, a.d, a.offset, b.d, b.offset, dst.d, dst.offset);
            }
            return dst;
        }
        return add(dst, divide ? a.div(b) : a.times(b), value);
    }

    /**
     * Whether {@code dst op= other} can run as one flat loop: same dtype and shape, both
     * contiguous, and not two different windows of one array (where the in-order loop would read
     * values it has already written).
     */
    static boolean fusable(Tensor dst, Tensor other) {
        if (dst.dtype != other.dtype || !Arrays.equals(dst.shape, other.shape)
                || !dst.isContiguous() || !other.isContiguous()) {
            return false;
        }
        boolean shared = dst.f != null ? dst.f == other.f : dst.d == other.d;
        // An empty view's offset may lie past its storage: leave those to the general path.
        return (!shared || dst.offset == other.offset) && dst.numel() > 0;
    }

    /** dst = dst op src, src broadcast to dst. */
    static void combine(BinaryOp op, Tensor dst, Tensor src) {
        int[][] st = {dst.strides, Shapes.broadcastStrides(src, dst.shape), dst.strides};
        int[] offs = {dst.offset, src.offset, dst.offset};
        if (dst.f != null) {
            float[] o = dst.f, s = src.f;
            StridedLoop.run(dst.shape, st, offs, 1, (of, sp, n) ->
                    Elementwise.binary(op, o, of[0], sp[0], s, of[1], sp[1], o, of[2], sp[2], n));
        } else {
            double[] o = dst.d, s = src.d;
            StridedLoop.run(dst.shape, st, offs, 1, (of, sp, n) ->
                    Elementwise.binary(op, o, of[0], sp[0], s, of[1], sp[1], o, of[2], sp[2], n));
        }
    }

    /**
     * An in-place update where a tensor is on a device: every operand on the target's device
     * (a 0-dim CPU operand counts as a scalar), the target a contiguous device tensor.
     */
    private static Tensor onDevice(String op, DeviceBackend.InPlaceUpdate update, Tensor dst,
            @org.jspecify.annotations.Nullable Tensor a, @org.jspecify.annotations.Nullable Tensor b, double alpha) {
        Device device = dst.device();
        for (Tensor operand : new Tensor[] {a, b}) {
            if (operand != null) {
                if (!Devices.common(op, dst, operand).equals(device)) {
                    throw new FluxionException(op + ": the target is on " + device + " but the operand of shape "
                            + Shapes.str(operand.shape) + " is on " + operand.device() + "; move it with .to(" + device + ")");
                }
                if (!Shapes.broadcastsTo(operand.shape, dst.shape)) {
                    throw new FluxionException(op + ": shape " + Shapes.str(operand.shape)
                            + " cannot be broadcast to the target's shape " + Shapes.str(dst.shape));
                }
            }
        }
        Devices.backend(op, device).inPlace(op, update, dst, a, b, alpha);
        return dst;
    }

    static Tensor mul(Tensor dst, double c) {
        checkWritable("mulInPlace", dst);
        if (dst.buffer != null) {
            return onDevice("mulInPlace", DeviceBackend.InPlaceUpdate.SCALE, dst, null, null, c);
        }
        if (dst.isContiguous() && dst.numel() > 0) {
            int n = Shapes.numel(dst.shape);
            if (dst.f != null) {
                Axpy.scale(n, c, dst.f, dst.offset);
            } else {
                Axpy.scale(n, c, dst.d, dst.offset);
            }
            return dst;
        }
        combine(BinaryOp.TIMES, dst, Factories.full(dst.f != null ? DType.FLOAT32 : DType.FLOAT64, c));
        return dst;
    }

    static Tensor copy(Tensor dst, Tensor other) {
        checkOperand("copyInPlace", "other", other);
        checkWritable("copyInPlace", dst);
        if (dst.buffer != null || other.buffer != null) {
            return onDevice("copyInPlace", DeviceBackend.InPlaceUpdate.COPY, dst, other, null, 0);
        }
        if (fusable(dst, other)) {
            int n = Shapes.numel(dst.shape);
            if (dst.f != null) {
                System.arraycopy(other.f, other.offset, dst.f, dst.offset, n);
            } else {
                System.arraycopy(other.d, other.offset, dst.d, dst.offset, n);
            }
            return dst;
        }
        Tensor src = operand("copyInPlace", dst, other);
        Conversions.copyInto(src, Shapes.broadcastStrides(src, dst.shape), dst, dst.strides, dst.offset);
        return dst;
    }

    static Tensor fill(Tensor dst, double value) {
        checkWritable("fillInPlace", dst);
        if (dst.buffer != null) {
            return onDevice("fillInPlace", DeviceBackend.InPlaceUpdate.FILL, dst, null, null, value);
        }
        if (dst.isContiguous() && dst.numel() > 0) {
            int n = Shapes.numel(dst.shape);
            if (dst.f != null) {
                Arrays.fill(dst.f, dst.offset, dst.offset + n, (float) value);
            } else {
                Arrays.fill(dst.d, dst.offset, dst.offset + n, value);
            }
            return dst;
        }
        int[][] st = {dst.strides};
        int[] offs = {dst.offset};
        if (dst.f != null) {
            float[] o = dst.f;
            float v = (float) value;
            StridedLoop.run(dst.shape, st, offs, 1, (of, sp, n) -> {
                for (int i = 0; i < n; i++) o[of[0] + i * sp[0]] = v;
            });
        } else {
            double[] o = dst.d;
            StridedLoop.run(dst.shape, st, offs, 1, (of, sp, n) -> {
                for (int i = 0; i < n; i++) o[of[0] + i * sp[0]] = value;
            });
        }
        return dst;
    }
}
