package dev.fluxion;

import dev.fluxion.kernel.ReduceOp;
import dev.fluxion.kernel.Reductions;
import java.util.Arrays;

/** The loss functions of {@link F}, PyTorch semantics. */
final class Losses {
    private Losses() {}

    static Tensor reduce(String name, Tensor perElement, Reduction reduction) {
        if (reduction == Reduction.MEAN && perElement.buffer == null && perElement.dtype.isFloatingPoint()
                && perElement.isContiguous() && perElement.numel() > 0) {
            // mean() of a dense tensor: its sum over everything (Reduce.reduce's contiguous path), then
            // div(count) with the count a scalar of the dtype; the same bits, one tensor instead of four.
            int n = perElement.numel();
            double mean = perElement.f != null
                    ? (float) Reductions.reduceContiguous(ReduceOp.SUM, perElement.f, perElement.offset, n) / (float) n
                    : Reductions.reduceContiguous(ReduceOp.SUM, perElement.d, perElement.offset, n) / n;
            return Tensor.checked(name, Factories.full(perElement.dtype, mean));
        }
        return Tensor.checked(name, switch (reduction) {
            case MEAN -> perElement.mean();
            case SUM -> perElement.sum();
            case NONE -> perElement;
        });
    }

    static void checkSameShape(String name, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape, b.shape)) {
            throw new FluxionException(name + ": input of shape " + Shapes.str(a.shape) + " and target of shape "
                    + Shapes.str(b.shape) + " must have the same shape");
        }
    }

    static Tensor mse(Tensor pred, Tensor target, Reduction r) {
        Shapes.broadcast("mse", pred.shape, target.shape);
        return reduce("mse", pred.minus(target).square(), r);
    }

    /** −[y ln p + (1 − y) ln(1 − p)], each log clamped to ≥ −100 as PyTorch does. */
    static Tensor bce(Tensor p, Tensor y, Reduction r) {
        checkSameShape("bce", p, y);
        checkProbabilities(p);
        Tensor fused = FusedLosses.bce("bce", p, y, r, false);
        return fused != null ? fused : bceComposed(p, y, r);
    }

    /**
     * Throws unless every element of {@code p} is in [0, 1], as PyTorch's {@code binary_cross_entropy}
     * does: outside it the loss is NaN and the gradient huge (p = 1.5 gives a gradient of 2·10¹¹
     * after the log clamp), which silently ruins training. NaN fails the check too.
     */
    static void checkProbabilities(Tensor p) {
        if (p.numel() == 0 || allProbabilities(p)) {
            return;
        }
        double lo = p.min().item(), hi = p.max().item();
        if (!(lo >= 0 && hi <= 1)) {
            throw new FluxionException("bce: all elements of the input should be between 0 and 1, but the input of shape "
                    + Shapes.str(p.shape) + " holds values in [" + lo + ", " + hi + "]"
                    + "; pass probabilities (sigmoid(z)), or use bceWithLogits(z, y) on the logits");
        }
    }

    /**
     * Whether every element of a dense CPU {@code p} is in [0, 1] (NaN is not), read in place with
     * no reduction tensors; false for other layouts, which {@link #checkProbabilities} then checks
     * through {@code min} and {@code max}.
     */
    private static boolean allProbabilities(Tensor p) {
        if (p.buffer != null || !p.isContiguous()) {
            return false;
        }
        int n = p.numel();
        if (p.f != null) {
            for (int i = p.offset; i < p.offset + n; i++) {
                float v = p.f[i];
                if (!(v >= 0 && v <= 1)) {
                    return false;
                }
            }
            return true;
        }
        if (p.d != null) {
            for (int i = p.offset; i < p.offset + n; i++) {
                double v = p.d[i];
                if (!(v >= 0 && v <= 1)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** {@link #bce} from tensor ops: the general path, and the reference the fused kernel is tested against. */
    static Tensor bceComposed(Tensor p, Tensor y, Reduction r) {
        checkSameShape("bce", p, y);
        Tensor logP = p.log().clamp(-100, Double.POSITIVE_INFINITY);
        Tensor log1mP = p.rsub(1).log().clamp(-100, Double.POSITIVE_INFINITY);
        Tensor l = y.times(logP).plus(y.rsub(1).times(log1mP)).neg();
        return reduce("bce", l, r);
    }

    /** max(z, 0) − z·y + ln(1 + e^(−|z|)). */
    static Tensor bceWithLogits(Tensor z, Tensor y, Reduction r) {
        checkSameShape("bceWithLogits", z, y);
        Tensor fused = FusedLosses.bce("bceWithLogits", z, y, r, true);
        return fused != null ? fused : bceWithLogitsComposed(z, y, r);
    }

    /** {@link #bceWithLogits} from tensor ops (general path and test reference). */
    static Tensor bceWithLogitsComposed(Tensor z, Tensor y, Reduction r) {
        checkSameShape("bceWithLogits", z, y);
        return reduce("bceWithLogits", z.softplus().minus(z.times(y)), r);
    }

    /** Whether {@code target} holds class probabilities (same shape as the logits) rather than indices. */
    static boolean isProbabilities(Tensor input, Tensor target) {
        return target.dtype.isFloatingPoint() && Arrays.equals(input.shape, target.shape) && input.shape.length >= 1
                && target.shape.length == input.shape.length;
    }

    static Tensor crossEntropy(Tensor logits, Tensor target, Reduction r) {
        checkClassInput("crossEntropy", logits);
        Tensor fused = FusedLosses.crossEntropy(logits, target, r);
        return fused != null ? fused : crossEntropyComposed(logits, target, r);
    }

    /** {@link #crossEntropy} as log-softmax then NLL (general path and test reference). */
    static Tensor crossEntropyComposed(Tensor logits, Tensor target, Reduction r) {
        checkClassInput("crossEntropy", logits);
        Tensor logp = logits.logSoftmax(logits.shape.length == 1 ? 0 : 1);
        if (isProbabilities(logits, target)) {
            Tensor l = logp.times(target).sum(logits.shape.length == 1 ? 0 : 1).neg();
            return reduce("crossEntropy", l, r);
        }
        return nllLossComposed("crossEntropy", logp, target, r);
    }

    static Tensor nllLoss(String name, Tensor logProbs, Tensor target, Reduction r) {
        checkClassInput(name, logProbs);
        Tensor fused = FusedLosses.nll(name, logProbs, target, r);
        return fused != null ? fused : nllLossComposed(name, logProbs, target, r);
    }

    /** {@link #nllLoss} by gather (general path and test reference). */
    static Tensor nllLossComposed(String name, Tensor logProbs, Tensor target, Reduction r) {
        checkClassInput(name, logProbs);
        Tensor idx = classIndex(name, logProbs, target);
        Tensor picked = logProbs.shape.length == 1
                ? logProbs.gather(0, idx.reshape(1)).reshape()
                : logProbs.gather(1, idx.unsqueeze(1)).squeeze(1);
        return reduce(name, picked.neg(), r);
    }

    private static void checkClassInput(String name, Tensor input) {
        if (input.shape.length != 1 && input.shape.length != 2) {
            throw new FluxionException(name + ": expects input of shape [N, C] or [C], got " + Shapes.str(input.shape));
        }
    }

    /** The target as validated integral class indices: shape [N] for [N, C] input, [] for [C]. */
    static Tensor classIndex(String name, Tensor input, Tensor target) {
        int[] expected = input.shape.length == 1 ? new int[0] : new int[] {input.shape[0]};
        if (!Arrays.equals(target.shape, expected)) {
            throw new FluxionException(name + ": target of shape " + Shapes.str(target.shape)
                    + " does not match input of shape " + Shapes.str(input.shape) + " (expected target shape "
                    + Shapes.str(expected) + " of class indices)");
        }
        int classes = input.shape[input.shape.length - 1];
        for (double v : target.toDoubleArray()) {
            if (v != Math.rint(v) || v < 0 || v >= classes) {
                throw new FluxionException(name + ": target value " + v + " is not a class index in [0, " + classes + ")");
            }
        }
        return target;
    }
}
