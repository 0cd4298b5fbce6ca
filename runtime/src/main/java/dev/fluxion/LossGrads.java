package dev.fluxion;

import org.jspecify.annotations.Nullable;

/** The loss rules' shared pieces: how the cotangent of a reduced loss reaches each element. */
final class LossGrads {
    private LossGrads() {}

    /** {@code local} times ∂L/∂(per-element loss): g/n for MEAN, g for SUM, g_i for NONE. */
    static Tensor scale(Tensor g, Tensor local, Reduction reduction) {
        return switch (reduction) {
            case MEAN -> local.times(g.div(Math.max(1, local.numel())));
            case SUM -> local.times(g);
            case NONE -> local.times(g);
        };
    }

    /**
     * The MSE rule {@code 2·(a − b)·s} with s the scaled cotangent, in one pass and one result
     * array, for same-shape contiguous a, b of one float dtype and a 0-dim g of that dtype (every
     * MEAN or SUM loss); null otherwise, and the caller composes the ops. Each element is rounded
     * as by the three separate ops: fl(fl(fl(a − b)·2)·s).
     */
    static @Nullable Tensor mseFused(Tensor g, Tensor a, Tensor b, Reduction reduction) {
        return mseFused(g, a, b, reduction, null);
    }

    /** {@link #mseFused(Tensor, Tensor, Tensor, Reduction)} into {@code into} (dense, a's dtype and shape) where not null. */
    static @Nullable Tensor mseFused(Tensor g, Tensor a, Tensor b, Reduction reduction, @Nullable Tensor into) {
        if (g.buffer != null || a.buffer != null || b.buffer != null || reduction == Reduction.NONE || g.dim() != 0 || a.dtype != b.dtype || g.dtype != a.dtype
                || !a.dtype.isFloatingPoint() || !java.util.Arrays.equals(a.shape, b.shape)
                || !a.isContiguous() || !b.isContiguous()) {
            return null;
        }
        int n = a.numel();
        // g / n as Tensor.div computes it (the count as a scalar of g's dtype), without its tensors.
        double gv = g.item();
        int count = Math.max(1, n);
        double sv = reduction != Reduction.MEAN ? gv : a.f != null ? (double) ((float) gv / (float) count) : gv / count;
        Tensor out = into != null ? into : Tensor.empty(a.dtype, a.shape.clone());
        if (a.f != null) {
            float[] x = a.f, y = b.f, o = out.f;
            float sf = (float) sv;
            for (int i = 0, xo = a.offset, yo = b.offset; i < n; i++) {
                float d = x[xo + i] - y[yo + i];
                o[i] = (d * 2f) * sf;
            }
        } else {
            double[] x = a.d, y = b.d, o = out.d;
            for (int i = 0, xo = a.offset, yo = b.offset; i < n; i++) {
                o[i] = ((x[xo + i] - y[yo + i]) * 2.0) * sv;
            }
        }
        return Tensor.checked("mseGrad", out);
    }

    static Tensor bceLocal(Tensor p, Tensor y) {
        Tensor den = p.times(p.rsub(1)).clamp(1e-12, Double.POSITIVE_INFINITY);
        return p.minus(y).div(den);
    }

    /** Per-row scale: [N, 1] (or [] for unbatched) cotangents of the per-sample losses. */
    private static Tensor rowScale(Tensor g, Tensor input, Reduction reduction) {
        boolean batched = input.dim() == 2;
        int n = batched ? input.shape[0] : 1;
        Tensor s = switch (reduction) {
            case MEAN -> g.div(Math.max(1, n));
            case SUM -> g;
            case NONE -> g;
        };
        return batched && s.dim() == 1 ? s.unsqueeze(1) : s;
    }

    static Tensor crossEntropy(Tensor g, Tensor logits, Tensor target, Reduction reduction) {
        int classDim = logits.dim() == 1 ? 0 : 1;
        Tensor p = logits.softmax(classDim);
        Tensor local = Losses.isProbabilities(logits, target)
                ? p.times(target.sum(classDim, true)).minus(target)
                : p.minus(oneHot(logits, Losses.classIndex("crossEntropyGrad", logits, target)));
        return local.times(rowScale(g, logits, reduction));
    }

    static Tensor nll(Tensor g, Tensor logProbs, Tensor target, Reduction reduction) {
        Tensor idx = Losses.classIndex("nllLossGrad", logProbs, target);
        return oneHot(logProbs, idx).neg().times(rowScale(g, logProbs, reduction));
    }

    /**
     * Zeros like input with 1 at [n, target_n] (or [target] for unbatched input): ones scattered at
     * the class indices, on the input's device.
     */
    private static Tensor oneHot(Tensor input, Tensor target) {
        DType dtype = input.dtype.isFloatingPoint() ? input.dtype : DType.FLOAT32;
        Tensor index = target.unsqueeze(target.dim()); // [N, 1], or [1] for an unbatched input
        return Gather.scatterAdd(Factories.full(dtype, 1), input.shape, dtype, input.dim() - 1, index);
    }
}
