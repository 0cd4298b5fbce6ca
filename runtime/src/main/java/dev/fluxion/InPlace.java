package dev.fluxion;

import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.Elementwise;
import dev.fluxion.kernel.StridedLoop;

/** The in-place updates optimizers use. Each writes only the target's own elements. */
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

    private static Tensor operand(String op, Tensor dst, Tensor other) {
        if (!Shapes.broadcastsTo(other.shape, dst.shape)) {
            throw new FluxionException(op + ": shape " + Shapes.str(other.shape) + " cannot be broadcast to the target's shape "
                    + Shapes.str(dst.shape));
        }
        return Pointwise.inStorage(other, dst.f != null ? DType.FLOAT32 : DType.FLOAT64);
    }

    /** dst += alpha · other. */
    static Tensor add(Tensor dst, Tensor other, double alpha) {
        checkWritable("addInPlace", dst);
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

    static Tensor mul(Tensor dst, double c) {
        checkWritable("mulInPlace", dst);
        combine(BinaryOp.TIMES, dst, Factories.full(dst.f != null ? DType.FLOAT32 : DType.FLOAT64, c));
        return dst;
    }

    static Tensor copy(Tensor dst, Tensor other) {
        checkWritable("copyInPlace", dst);
        Tensor src = operand("copyInPlace", dst, other);
        Conversions.copyInto(src, Shapes.broadcastStrides(src, dst.shape), dst, dst.strides, dst.offset);
        return dst;
    }

    static Tensor fill(Tensor dst, double value) {
        checkWritable("fillInPlace", dst);
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
