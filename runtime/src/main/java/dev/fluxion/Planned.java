package dev.fluxion;

import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.Parallel;
import dev.fluxion.kernel.UnaryOp;
import dev.fluxion.tape.Tapes;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Operations whose result goes into a buffer planned at compile time: what a generated
 * {@code fBackward} calls for a temporary whose value never leaves the call (not returned, not
 * kept by a pullback the caller holds, not stored anywhere). Each takes the call's {@link Tapes}
 * and the value's slot: with pooled tapes (a call that lets nothing escape, see
 * {@link dev.fluxion.tape.TapePool}) the result is written into the dense tensor this thread's
 * previous call left in that slot when its dtype and shape fit (a new one, kept for the next
 * call, when they do not); with {@link Tapes#FRESH} it is the plain operation.
 *
 * <p>Each computes the same bits as the operation it stands for, with the same kernels; layouts
 * or dtypes outside the fast path of that operation take the plain operation (a new tensor).
 */
public final class Planned {
    private Planned() {}

    /**
     * The dense tensor of {@code dtype} and {@code shape} in {@code slot}, or a new one kept there;
     * null where {@code tapes} are not pooled.
     */
    private static @Nullable Tensor buffer(Tapes tapes, int slot, DType dtype, int[] shape) {
        if (!tapes.isPooled()) {
            return null;
        }
        if (tapes.buffer(slot) instanceof Tensor t && t.dtype == dtype && Arrays.equals(t.shape, shape)) {
            return t;
        }
        Tensor t = Tensor.empty(dtype, shape.clone());
        tapes.keepBuffer(slot, t);
        return t;
    }

    /** {@link #buffer} of shape [rows, cols], with no shape array unless a new buffer is made. */
    private static @Nullable Tensor buffer(Tapes tapes, int slot, DType dtype, int rows, int cols) {
        if (tapes.isPooled() && tapes.buffer(slot) instanceof Tensor t && t.dtype == dtype && t.shape.length == 2
                && t.shape[0] == rows && t.shape[1] == cols) {
            return t;
        }
        return buffer(tapes, slot, dtype, new int[] {rows, cols});
    }

    private static boolean cpuFloat(Tensor a, Tensor b) {
        return a.buffer == null && b.buffer == null && a.dtype == b.dtype && a.dtype.isFloatingPoint();
    }

    /** {@code Tensor.onesLike(t)} (the seed cotangent of a scalar loss), refilled with ones each call; see the class. */
    public static Tensor onesLike(Tapes tapes, int slot, Tensor t) {
        if (t.buffer == null && t.dtype.isFloatingPoint() && buffer(tapes, slot, t.dtype, t.shape) instanceof Tensor out) {
            if (out.f != null) {
                Arrays.fill(out.f, 1f);
            } else {
                Arrays.fill(out.d, 1.0);
            }
            return out;
        }
        return Tensor.onesLike(t);
    }

    /** {@code a.matmul(b)} for 2-D operands; see the class. */
    public static Tensor matmul(Tapes tapes, int slot, Tensor a, Tensor b) {
        if (cpuFloat(a, b) && a.dim() == 2 && b.dim() == 2 && a.shape[1] == b.shape[0] && a.shape[1] > 0
                && buffer(tapes, slot, a.dtype, a.shape[0], b.shape[1]) instanceof Tensor out) {
            if (out.numel() > 0) {
                MatMul.product2d(a, b, out);
            }
            return Tensor.checked("matmul", out);
        }
        return a.matmul(b);
    }

    /** {@code a.plus(b)}; see the class. */
    public static Tensor plus(Tapes tapes, int slot, Tensor a, Tensor b) {
        Tensor r = binary(tapes, slot, BinaryOp.PLUS, a, b);
        return r != null ? Tensor.checked("plus", r) : a.plus(b);
    }

    /** {@link Derivatives#sigmoidGrad}; see the class. */
    public static Tensor sigmoidGrad(Tapes tapes, int slot, Tensor g, Tensor x, Tensor out) {
        Tensor r = sameAs(g, x) ? binary(tapes, slot, BinaryOp.SIGMOID_BACKWARD, g, out) : null;
        return r != null ? Tensor.checked("sigmoidGrad", r) : Derivatives.sigmoidGrad(g, x, out);
    }

    /** {@link Derivatives#tanhGrad}; see the class. */
    public static Tensor tanhGrad(Tapes tapes, int slot, Tensor g, Tensor x, Tensor out) {
        Tensor r = sameAs(g, x) ? binary(tapes, slot, BinaryOp.TANH_BACKWARD, g, out) : null;
        return r != null ? Tensor.checked("tanhGrad", r) : Derivatives.tanhGrad(g, x, out);
    }

    /** {@link Derivatives#reluGrad}; see the class. */
    public static Tensor reluGrad(Tapes tapes, int slot, Tensor g, Tensor x, Tensor out) {
        Tensor r = sameAs(g, x) ? binary(tapes, slot, BinaryOp.RELU_BACKWARD, g, x) : null;
        return r != null ? Tensor.checked("reluGrad", r) : Derivatives.reluGrad(g, x, out);
    }

    /** Whether the cotangent g has x's shape and dtype (then the rule's reduction to x is none). */
    private static boolean sameAs(Tensor g, Tensor x) {
        return g.dtype == x.dtype && Arrays.equals(g.shape, x.shape);
    }

    /**
     * {@code a op b} into a buffer where {@link Pointwise}'s small dense path takes it (same
     * shapes, or b a single element, contiguous, one float dtype, below a parallel grain); else null.
     */
    private static @Nullable Tensor binary(Tapes tapes, int slot, BinaryOp op, Tensor a, Tensor b) {
        if (!tapes.isPooled() || !cpuFloat(a, b) || !a.isContiguous() || !b.isContiguous()
                || a.numel() > Parallel.GRAIN) {
            return null;
        }
        if (!Arrays.equals(a.shape, b.shape) && !(b.shape.length <= a.shape.length && b.numel() == 1)) {
            return null;
        }
        Tensor out = buffer(tapes, slot, a.dtype, a.shape);
        return Pointwise.denseBinary(op, a, b, out);
    }

    /** {@code F.mse(pred, target)}; see the class. The squared errors go into the buffer, the mean is a new tensor. */
    public static Tensor mse(Tapes tapes, int slot, Tensor pred, Tensor target) {
        return mse(tapes, slot, pred, target, Reduction.MEAN);
    }

    /**
     * {@code F.mse(pred, target, reduction)}; see the class. For MEAN and SUM the squared errors go
     * into the buffer and the reduced value is a new tensor; NONE is the plain operation.
     */
    public static Tensor mse(Tapes tapes, int slot, Tensor pred, Tensor target, Reduction reduction) {
        if (reduction != Reduction.NONE && Arrays.equals(pred.shape, target.shape)) {
            Tensor diff = binary(tapes, slot, BinaryOp.MINUS, pred, target);
            if (diff != null && Pointwise.unaryInPlace(UnaryOp.SQUARE, diff)) {
                return Losses.reduce("mse", diff, reduction);
            }
        }
        return Losses.mse(pred, target, reduction);
    }

    /** {@link Derivatives#bceGrad}; see the class. */
    public static Tensor bceGrad(Tapes tapes, int slot, Tensor g, Tensor p, Tensor y, Reduction reduction) {
        if (tapes.isPooled() && p.buffer == null && p.dtype.isFloatingPoint()) {
            Tensor out = buffer(tapes, slot, p.dtype, p.shape);
            Tensor r = FusedLosses.bceGrad(g, p, y, reduction, false, out);
            if (r != null) {
                return r;
            }
        }
        return Derivatives.bceGrad(g, p, y, reduction);
    }

    /** {@link Derivatives#mseGradA}; see the class. */
    public static Tensor mseGradA(Tapes tapes, int slot, Tensor g, Tensor pred, Tensor target, Reduction reduction) {
        if (tapes.isPooled() && pred.buffer == null && pred.dtype.isFloatingPoint()) {
            Tensor out = buffer(tapes, slot, pred.dtype, pred.shape);
            Tensor r = LossGrads.mseFused(g, pred, target, reduction, out);
            if (r != null) {
                return r;
            }
        }
        return Derivatives.mseGradA(g, pred, target, reduction);
    }

    /** {@link Derivatives#matmulGradA} ({@code g·bᵀ}) for 2-D operands of a's shape; see the class. */
    public static Tensor matmulGradA(Tapes tapes, int slot, Tensor g, Tensor a, Tensor b) {
        if (cpuFloat(g, a) && cpuFloat(g, b) && g.dim() == 2 && a.dim() == 2 && b.dim() == 2
                && g.shape[1] == b.shape[1] && b.shape[1] > 0 && a.shape[0] == g.shape[0] && a.shape[1] == b.shape[0]
                && buffer(tapes, slot, a.dtype, a.shape) instanceof Tensor out) {
            if (out.numel() > 0) {
                MatMul.product2d(g.shape[1], g, g.strides[0], g.strides[1], b, b.strides[1], b.strides[0], out);
            }
            return Tensor.checked("matmul", out);
        }
        return Derivatives.matmulGradA(g, a, b);
    }

    /** {@link Epilogues#linear}; see the class. */
    public static Tensor linear(Tapes tapes, int slot, Tensor x, Tensor weight, @Nullable Tensor bias) {
        return linear(tapes, slot, x, weight, bias, UnaryOp.IDENTITY);
    }

    /** {@link Epilogues#linearSigmoid}; see the class. */
    public static Tensor linearSigmoid(Tapes tapes, int slot, Tensor x, Tensor weight, @Nullable Tensor bias) {
        return linear(tapes, slot, x, weight, bias, UnaryOp.SIGMOID);
    }

    /** {@link Epilogues#linearTanh}; see the class. */
    public static Tensor linearTanh(Tapes tapes, int slot, Tensor x, Tensor weight, @Nullable Tensor bias) {
        return linear(tapes, slot, x, weight, bias, UnaryOp.TANH);
    }

    /** {@link Epilogues#linearRelu}; see the class. */
    public static Tensor linearRelu(Tapes tapes, int slot, Tensor x, Tensor weight, @Nullable Tensor bias) {
        return linear(tapes, slot, x, weight, bias, UnaryOp.RELU);
    }

    private static Tensor linear(Tapes tapes, int slot, Tensor x, Tensor weight, @Nullable Tensor bias, UnaryOp act) {
        Tensor into = null;
        if (cpuFloat(x, weight) && x.dim() == 2 && weight.dim() == 2 && x.shape[1] == weight.shape[1]
                && x.shape[1] > 0) {
            into = buffer(tapes, slot, x.dtype, x.shape[0], weight.shape[0]);
        }
        return Epilogues.linear(x, weight, bias, act, into);
    }
}
