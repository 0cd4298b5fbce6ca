package dev.fluxion;

import dev.fluxion.kernel.AdamKernel;
import dev.fluxion.kernel.SgdKernel;
import org.jspecify.annotations.Nullable;

/**
 * Whole optimizer updates as one pass over a parameter's storage, for the optimizers of
 * {@code dev.fluxion.optim} (they live in another package and see tensors only through the public
 * API). Each method runs its fused kernel when the operands allow it and otherwise returns
 * {@code false}, leaving everything untouched, so the caller takes its general tensor-op path,
 * which rounds identically.
 */
public final class FusedUpdates {
    private FusedUpdates() {}

    /**
     * One Adam/AdamW step of {@code param} as {@link AdamKernel#step} describes, if {@code param},
     * {@code grad}, {@code m} and {@code v} are contiguous, of one floating dtype and one shape, and
     * the three updated tensors have storages of their own.
     *
     * @param weightDecay Adam's coupled decay λ (0 for none)
     * @param decayFactor AdamW's decoupled factor {@code 1 − lr·λ} (1 for none)
     * @return whether the update was done
     */
    public static boolean adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, double beta1, double beta2,
                                   double eps, double weightDecay, double decayFactor,
                                   double biasCorrection2Sqrt, double stepSize) {
        if (!InPlace.fusable(param, grad) || !InPlace.fusable(param, m) || !InPlace.fusable(param, v)
                || !param.dtype.isFloatingPoint() || sharesStorage(param, m) || sharesStorage(param, v)
                || sharesStorage(m, v) || hasExpandedDim(param)) {
            return false;
        }
        int n = param.numel();
        if (param.f != null) {
            AdamKernel.step(n, param.f, param.offset, grad.f, grad.offset, m.f, m.offset, v.f, v.offset,
                    beta1, beta2, eps, weightDecay, decayFactor, biasCorrection2Sqrt, stepSize);
        } else {
            AdamKernel.step(n, param.d, param.offset, grad.d, grad.offset, m.d, m.offset, v.d, v.offset,
                    beta1, beta2, eps, weightDecay, decayFactor, biasCorrection2Sqrt, stepSize);
        }
        return true;
    }

    /**
     * One SGD step of {@code param} with weight decay and momentum as {@link SgdKernel#step}
     * describes, if {@code param}, {@code grad} and the momentum buffer (when there is one) are
     * contiguous, of one floating dtype and one shape, and the updated tensors have storages of
     * their own. Without momentum ({@code momentumBuffer} null) it is {@code p += (g + p·λ)·(−lr)}.
     *
     * @param momentumBuffer the buffer to update, null when momentum is off
     * @param first whether the buffer is new (it is set to the decayed gradient, not read)
     * @return whether the update was done
     */
    public static boolean sgdStep(Tensor param, Tensor grad, @Nullable Tensor momentumBuffer, double lr,
                                  double weightDecay, double momentum, double dampening, boolean nesterov,
                                  boolean first) {
        if (!InPlace.fusable(param, grad) || !param.dtype.isFloatingPoint() || hasExpandedDim(param)
                || sharesStorage(param, grad)) {
            return false;
        }
        if (momentumBuffer != null && (!InPlace.fusable(param, momentumBuffer) || sharesStorage(param, momentumBuffer)
                || sharesStorage(grad, momentumBuffer))) {
            return false;
        }
        int n = param.numel();
        if (momentumBuffer == null) {
            if (param.f != null) {
                SgdKernel.stepNoMomentum(n, param.f, param.offset, grad.f, grad.offset, lr, weightDecay);
            } else {
                SgdKernel.stepNoMomentum(n, param.d, param.offset, grad.d, grad.offset, lr, weightDecay);
            }
        } else if (param.f != null) {
            SgdKernel.step(n, param.f, param.offset, grad.f, grad.offset, momentumBuffer.f, momentumBuffer.offset,
                    lr, weightDecay, momentum, dampening, nesterov, first);
        } else {
            SgdKernel.step(n, param.d, param.offset, grad.d, grad.offset, momentumBuffer.d, momentumBuffer.offset,
                    lr, weightDecay, momentum, dampening, nesterov, first);
        }
        return true;
    }

    private static boolean sharesStorage(Tensor a, Tensor b) {
        return a.f != null ? a.f == b.f : a.d == b.d;
    }

    private static boolean hasExpandedDim(Tensor t) {
        for (int d = 0; d < t.shape.length; d++) {
            if (t.strides[d] == 0 && t.shape[d] > 1) {
                return true;
            }
        }
        return false;
    }
}
