package dev.fluxion;

/**
 * Forward-mode (tangent) rules the generated {@code fJvp} code calls, beside {@link Derivatives}'
 * reverse rules. Convention: {@code t} is the tangent of ONE input (the others held fixed); then
 * the op's inputs in order; then {@code out} (the op's result) where the rule needs it; then the
 * op's non-tensor arguments. Each returns that input's contribution to the tangent of the result,
 * already of the result's shape (broadcasting applied, not undone as in {@code Derivatives}).
 *
 * <p>Elementwise unary ops need no rule here: their Jacobian is diagonal, so the reverse rule
 * {@code Derivatives.expGrad(t, x, out)} is also the tangent rule. Linear ops (sum, reshape,
 * matmul with one side fixed, ...) apply the op itself to the tangent.
 */
public final class Tangents {
    private Tangents() {}

    /** {@code t} broadcast to {@code out}'s shape ({@code t} itself where the shapes agree). */
    public static Tensor broadcast(Tensor t, Tensor out) {
        return java.util.Arrays.equals(t.shape(), out.shape()) ? t : t.expand(out.shape());
    }

    /** out = x ⊕ s for a double s: the contribution of s's tangent {@code sDot}, a tensor like out filled with it. */
    public static Tensor fill(double sDot, Tensor out) {
        return Tensor.fullLike(out, sDot);
    }

    /** out = a / b: the contribution of b's tangent, −out · t / b. */
    public static Tensor divB(Tensor t, Tensor b, Tensor out) {
        return out.times(t).div(b).neg();
    }

    /** out = c / x for a tensor x: the contribution of x's tangent, −out · t / x. */
    public static Tensor rdiv(Tensor t, Tensor x, Tensor out) {
        return out.times(t).div(x).neg();
    }

    /** out = a^b: the contribution of a's tangent, t · b · a^(b−1), 0 where b = 0 (as PyTorch). */
    public static Tensor powA(Tensor t, Tensor a, Tensor b) {
        Tensor local = b.times(a.pow(b.minus(1)));
        local = F.where(b.eq(0), Tensor.zerosLike(local), local);
        return broadcast(t, local).times(local);
    }

    /** out = a^b: the contribution of b's tangent, t · out · ln a, 0 where a = 0 and b ≥ 0 (as PyTorch). */
    public static Tensor powB(Tensor t, Tensor a, Tensor b, Tensor out) {
        Tensor local = out.times(a.log());
        Tensor zeroBase = a.eq(0).times(b.ge(0)).ne(0);
        local = F.where(zeroBase, Tensor.zerosLike(local), local);
        return broadcast(t, local).times(local);
    }

    /** out = x^p for a double p: the contribution of p's tangent, pDot · out · ln x, 0 where out = 0. */
    public static Tensor powExponent(double pDot, Tensor x, Tensor out) {
        Tensor local = out.times(x.log());
        local = F.where(out.eq(0), Tensor.zerosLike(local), local);
        return local.times(pDot);
    }

    /** out = where(mask, a, b): the contribution of a's tangent, t where mask, exactly 0 elsewhere. */
    public static Tensor whereA(Tensor t, Tensor mask, Tensor out) {
        return F.where(mask, broadcast(t, out), Tensor.zerosLike(out));
    }

    /** out = where(mask, a, b): the contribution of b's tangent, t where not mask, exactly 0 elsewhere. */
    public static Tensor whereB(Tensor t, Tensor mask, Tensor out) {
        return F.where(mask, Tensor.zerosLike(out), broadcast(t, out));
    }

    /** out = max(x) over all elements: Σ t over the maxima, shared equally at a tie (as the reverse rule). */
    public static Tensor max(Tensor t, Tensor x, Tensor out) {
        return Derivatives.maxGrad(Tensor.onesLike(out), x, out).times(t).sum();
    }

    /** out = max(x, dim): t at the first maximum of each slice. */
    public static Tensor max(Tensor t, Tensor x, Tensor out, int dim, boolean keepDim) {
        return Derivatives.maxGrad(Tensor.onesLike(out), x, out, dim, keepDim).times(t).sum(dim, keepDim);
    }

    /** out = min(x) over all elements. */
    public static Tensor min(Tensor t, Tensor x, Tensor out) {
        return Derivatives.minGrad(Tensor.onesLike(out), x, out).times(t).sum();
    }

    /** out = min(x, dim). */
    public static Tensor min(Tensor t, Tensor x, Tensor out, int dim, boolean keepDim) {
        return Derivatives.minGrad(Tensor.onesLike(out), x, out, dim, keepDim).times(t).sum(dim, keepDim);
    }

    /** out = ‖x‖₂: Σ t · x / out. */
    public static Tensor norm(Tensor t, Tensor x, Tensor out) {
        return Derivatives.normGrad(Tensor.onesLike(out), x, out).times(t).sum();
    }

    /** out = ‖x‖₂ along {@code dim}. */
    public static Tensor norm(Tensor t, Tensor x, Tensor out, int dim, boolean keepDim) {
        return Derivatives.normGrad(Tensor.onesLike(out), x, out, dim, keepDim).times(t).sum(dim, keepDim);
    }

    /** out = log Σ exp x: Σ t · softmax(x). */
    public static Tensor logSumExp(Tensor t, Tensor x, Tensor out) {
        return Derivatives.logSumExpGrad(Tensor.onesLike(out), x, out).times(t).sum();
    }

    /** out = log Σ exp x along {@code dim}. */
    public static Tensor logSumExp(Tensor t, Tensor x, Tensor out, int dim, boolean keepDim) {
        return Derivatives.logSumExpGrad(Tensor.onesLike(out), x, out, dim, keepDim).times(t).sum(dim, keepDim);
    }

    /** out = softmax(x, dim): out · (t − Σ_dim out · t). */
    public static Tensor softmax(Tensor t, Tensor out, int dim) {
        return out.times(t.minus(out.times(t).sum(dim, true)));
    }

    /** out = logSoftmax(x, dim): t − Σ_dim softmax(x) · t. */
    public static Tensor logSoftmax(Tensor t, Tensor out, int dim) {
        return t.minus(out.exp().times(t).sum(dim, true));
    }

    /** out = mse(pred, target): the contribution of pred's tangent. */
    public static Tensor mseA(Tensor t, Tensor pred, Tensor target, Reduction reduction, Tensor out) {
        return contract(Derivatives.mseGradA(Tensor.onesLike(out), pred, target, reduction), t, reduction, false);
    }

    /** out = mse(pred, target): the contribution of target's tangent. */
    public static Tensor mseB(Tensor t, Tensor pred, Tensor target, Reduction reduction, Tensor out) {
        return contract(Derivatives.mseGradB(Tensor.onesLike(out), pred, target, reduction), t, reduction, false);
    }

    /** out = bce(p, y): the contribution of p's tangent. */
    public static Tensor bce(Tensor t, Tensor p, Tensor y, Reduction reduction, Tensor out) {
        return contract(Derivatives.bceGrad(Tensor.onesLike(out), p, y, reduction), t, reduction, false);
    }

    /** out = bceWithLogits(z, y): the contribution of z's tangent. */
    public static Tensor bceWithLogits(Tensor t, Tensor z, Tensor y, Reduction reduction, Tensor out) {
        return contract(Derivatives.bceWithLogitsGrad(Tensor.onesLike(out), z, y, reduction), t, reduction, false);
    }

    /** out = crossEntropy(logits [N, C], target): the contribution of the logits' tangent. */
    public static Tensor crossEntropy(Tensor t, Tensor logits, Tensor target, Reduction reduction, Tensor out) {
        return contract(Derivatives.crossEntropyGrad(Tensor.onesLike(out), logits, target, reduction), t, reduction,
                logits.dim() > 1);
    }

    /** out = nllLoss(logProbs [N, C], target): the contribution of the log-probabilities' tangent. */
    public static Tensor nllLoss(Tensor t, Tensor logProbs, Tensor target, Reduction reduction, Tensor out) {
        return contract(Derivatives.nllLossGrad(Tensor.onesLike(out), logProbs, target, reduction), t, reduction,
                logProbs.dim() > 1);
    }

    /**
     * ⟨w, t⟩ for a loss whose Jacobian rows are {@code w}: a scalar for MEAN and SUM; for NONE the
     * elementwise product, summed over the class dim where each output is one row ({@code perRow}).
     */
    private static Tensor contract(Tensor w, Tensor t, Reduction reduction, boolean perRow) {
        Tensor p = w.times(t);
        if (reduction != Reduction.NONE) {
            return p.sum();
        }
        return perRow ? p.sum(1) : p;
    }
}
