package dev.fluxion.cuda;

import dev.fluxion.Reduction;

/**
 * Softmax, log-softmax and the losses (mse, bce, cross entropy) on CUDA tensors, with their
 * derivatives. Softmax runs over the last dimension; losses reduce by MEAN or SUM to a device scalar.
 */
public final class CudaNN {

    private CudaNN() {
    }

    /** softmax over the last dimension. */
    public static CudaTensor softmax(CudaTensor x, int dim) {
        return softmax(x, dim, false);
    }

    /** log-softmax over the last dimension. */
    public static CudaTensor logSoftmax(CudaTensor x, int dim) {
        return softmax(x, dim, true);
    }

    /** g ↦ out · (g − Σ g·out), {@code out} the softmax. */
    public static CudaTensor softmaxGrad(CudaTensor g, CudaTensor out, int dim) {
        return softmaxBackward(g, out, dim, false);
    }

    /** g ↦ g − exp(out) · Σ g, {@code out} the log-softmax. */
    public static CudaTensor logSoftmaxGrad(CudaTensor g, CudaTensor out, int dim) {
        return softmaxBackward(g, out, dim, true);
    }

    /** Mean squared error, as the runtime's {@code F.mse} (same shapes). */
    public static CudaTensor mse(CudaTensor pred, CudaTensor target, Reduction reduction) {
        return partialLoss("mse_partial", pred, target, reduction);
    }

    /** d mse / d pred = 2 (pred − target) · g · scale. */
    public static CudaTensor mseGrad(CudaTensor g, CudaTensor pred, CudaTensor target, Reduction reduction) {
        return lossBackward("mse_backward", g, pred, target, reduction);
    }

    /** Binary cross entropy of probabilities, logs clamped to ≥ −100 as PyTorch's. */
    public static CudaTensor bce(CudaTensor p, CudaTensor y, Reduction reduction) {
        return partialLoss("bce_partial", p, y, reduction);
    }

    /** d bce / dp = g · scale · (p − y) / max(p (1 − p), 1e-12). */
    public static CudaTensor bceGrad(CudaTensor g, CudaTensor p, CudaTensor y, Reduction reduction) {
        return lossBackward("bce_backward", g, p, y, reduction);
    }

    /** Cross entropy of logits {@code [N, C]} against class indices {@code [N]} (INT64 or float64). */
    public static CudaTensor crossEntropy(CudaTensor logits, CudaTensor target, Reduction reduction) {
        int rows = checkCrossEntropy(logits, target);
        CudaTensor losses = CudaTensor.empty(logits.context(), logits.dtype(), 1, rows);
        Launch.of(logits.context(), KernelSources.LOSSES, "cross_entropy_rows" + Checks.suffix(logits))
                .ptr(logits).ptr(target).ptr(losses).i64(logits.size(1)).run(rows, Launch.THREADS);
        CudaTensor sum = CudaReductions.rows("sum", losses, new int[0]);
        return reduction == Reduction.MEAN ? CudaOps.times(sum, 1.0 / Math.max(1, rows)) : sum;
    }

    /** d crossEntropy / d logits = g · scale · (softmax(logits) − onehot(target)). */
    public static CudaTensor crossEntropyGrad(CudaTensor g, CudaTensor logits, CudaTensor target, Reduction reduction) {
        int rows = checkCrossEntropy(logits, target);
        Checks.compatible("crossEntropyGrad", g, logits);
        CudaTensor gx = CudaTensor.empty(logits.context(), logits.dtype(), logits.shape());
        Launch.of(logits.context(), KernelSources.LOSSES, "cross_entropy_backward" + Checks.suffix(logits))
                .ptr(g).ptr(logits).ptr(target).ptr(gx).i64(logits.size(1)).f64(scale(reduction, rows))
                .run(rows, Launch.THREADS);
        return gx;
    }

    // ------------------------------------------------------------------ helpers

    private static CudaTensor softmax(CudaTensor x, int dim, boolean log) {
        Checks.floating("softmax", x);
        lastDim("softmax", x, dim);
        CudaTensor y = CudaTensor.empty(x.context(), x.dtype(), x.shape());
        Launch.of(x.context(), KernelSources.SOFTMAX, "softmax_rows" + Checks.suffix(x))
                .ptr(x).ptr(y).i64(x.size(-1)).i32(log ? 1 : 0).run(x.numel() / Math.max(1, x.size(-1)), Launch.THREADS);
        return y;
    }

    private static CudaTensor softmaxBackward(CudaTensor g, CudaTensor out, int dim, boolean log) {
        Checks.compatible("softmaxGrad", g, out);
        Checks.sameShape("softmaxGrad", g, out);
        lastDim("softmaxGrad", out, dim);
        CudaTensor gx = CudaTensor.empty(g.context(), g.dtype(), g.shape());
        Launch.of(g.context(), KernelSources.SOFTMAX, "softmax_rows_backward" + Checks.suffix(g))
                .ptr(g).ptr(out).ptr(gx).i64(g.size(-1)).i32(log ? 1 : 0)
                .run(g.numel() / Math.max(1, g.size(-1)), Launch.THREADS);
        return gx;
    }

    private static void lastDim(String op, CudaTensor x, int dim) {
        if (Checks.dim(op, x, dim) != x.dim() - 1) {
            throw new UnsupportedOperationException(op + " on the device runs over the last dimension only; got dimension "
                    + dim + " of a " + x.dim() + "-d tensor (transpose first)");
        }
    }

    private static CudaTensor partialLoss(String kernel, CudaTensor a, CudaTensor b, Reduction reduction) {
        Checks.compatible(kernel, a, b);
        Checks.sameShape(kernel, a, b);
        Checks.floating(kernel, a);
        long n = a.numel();
        int blocks = (int) Math.min(Launch.gridFor(n), 1024);
        CudaTensor partial = CudaTensor.empty(a.context(), a.dtype(), 1, blocks);
        Launch.of(a.context(), KernelSources.LOSSES, kernel + Checks.suffix(a))
                .ptr(a).ptr(b).ptr(partial).i64(n).run(blocks, Launch.THREADS);
        CudaTensor sum = CudaReductions.rows("sum", partial, new int[0]);
        return reduction == Reduction.MEAN ? CudaOps.times(sum, 1.0 / Math.max(1, n)) : sum;
    }

    private static CudaTensor lossBackward(String kernel, CudaTensor g, CudaTensor a, CudaTensor b, Reduction reduction) {
        Checks.compatible(kernel, a, b);
        Checks.compatible(kernel, g, a);
        Checks.sameShape(kernel, a, b);
        CudaTensor ga = CudaTensor.empty(a.context(), a.dtype(), a.shape());
        Launch.of(a.context(), KernelSources.LOSSES, kernel + Checks.suffix(a))
                .ptr(g).ptr(a).ptr(b).ptr(ga).i64(a.numel()).f64(scale(reduction, a.numel())).elementwise(a.numel());
        return ga;
    }

    private static double scale(Reduction reduction, long n) {
        return switch (reduction) {
            case MEAN -> 1.0 / Math.max(1, n);
            case SUM -> 1.0;
            default -> throw new UnsupportedOperationException("reduction " + reduction + " is not on the device yet");
        };
    }

    private static int checkCrossEntropy(CudaTensor logits, CudaTensor target) {
        Checks.floating("crossEntropy", logits);
        if (!logits.device().equals(target.device())) {
            throw new IllegalArgumentException("crossEntropy: tensors on different devices: " + logits.device()
                    + " and " + target.device());
        }
        if (logits.dim() != 2 || target.dim() != 1 || target.size(0) != logits.size(0)) {
            throw new IllegalArgumentException("crossEntropy: needs logits [N, C] and targets [N]; got "
                    + java.util.Arrays.toString(logits.shape()) + " and " + java.util.Arrays.toString(target.shape()));
        }
        if (!target.isDoubleStorage()) {
            throw new IllegalArgumentException("crossEntropy: targets are class indices (INT64), got "
                    + target.dtype().torchName());
        }
        return logits.size(0);
    }
}
