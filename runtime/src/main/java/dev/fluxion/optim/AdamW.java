package dev.fluxion.optim;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), exactly as
 * {@code torch.optim.AdamW}. For each parameter {@code p} with gradient {@code g}, at its step
 * {@code t = 1, 2, ...}:
 *
 * <pre>
 *   p = p·(1 − lr·λ)                             (λ = weightDecay, applied to the weights, not to g)
 *   m = β₁·m + (1 − β₁)·g
 *   v = β₂·v + (1 − β₂)·g²
 *   v_max = max(v_max, v); use v_max for v       (AMSGrad only)
 *   p = p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * Defaults as in PyTorch: {@code lr = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0.01}, no AMSGrad.
 */
public final class AdamW extends Optimizer {
    private final double weightDecay;
    private final AdamMoments moments;

    /**
     * AdamW with PyTorch's defaults, {@code lr = 1e-3, λ = 0.01}.
     *
     * @param params the parameters to update
     */
    public AdamW(Collection<? extends Parameter> params) {
        this(params, 1e-3);
    }

    /**
     * AdamW with the given learning rate and PyTorch's other defaults ({@code λ = 0.01}).
     *
     * @param params the parameters to update
     * @param lr the learning rate, {@code >= 0}
     */
    public AdamW(Collection<? extends Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.01, false);
    }

    /**
     * AdamW with every setting given.
     *
     * @param params the parameters to update
     * @param lr the learning rate, {@code >= 0}
     * @param beta1 β₁, decay of the first moment, in {@code [0, 1)}
     * @param beta2 β₂, decay of the second moment, in {@code [0, 1)}
     * @param eps ε, added to the denominator, {@code >= 0}
     * @param weightDecay λ, decoupled decay: each step multiplies the weights by {@code 1 − lr·λ}
     * @param amsgrad use the running maximum of the second moment
     * @throws IllegalArgumentException for a setting out of range, with PyTorch's wording
     */
    public AdamW(Collection<? extends Parameter> params, double lr, double beta1, double beta2, double eps,
            double weightDecay, boolean amsgrad) {
        super("AdamW", params, lr);
        this.weightDecay = requireNonNegative("AdamW", "weight_decay value", weightDecay);
        this.moments = new AdamMoments("AdamW", parameters().size(), beta1, beta2, eps, amsgrad);
    }

    /** β₁. */
    public double beta1() {
        return moments.beta1();
    }

    /** β₂. */
    public double beta2() {
        return moments.beta2();
    }

    /** ε. */
    public double eps() {
        return moments.eps();
    }

    /** λ, the decoupled weight decay. */
    public double weightDecay() {
        return weightDecay;
    }

    /** Whether AMSGrad is on. */
    public boolean amsgrad() {
        return moments.amsgrad();
    }

    /** {@code step}, {@code exp_avg}, {@code exp_avg_sq}, and {@code max_exp_avg_sq} with AMSGrad. */
    @Override
    protected Set<String> stateNames() {
        return moments.stateNames();
    }

    /** The step count (int64 scalar) and the moment estimates of parameter {@code index}. */
    @Override
    protected Map<String, Tensor> parameterState(int index) {
        return moments.state(index);
    }

    @Override
    protected void loadParameterState(int index, Map<String, Tensor> state) {
        moments.load("AdamW", index, state);
    }

    @Override
    protected void update(int index, Parameter param, Tensor grad) {
        double lr = learningRate();
        moments.apply(index, param, grad, lr, 0, weightDecay != 0 ? 1 - lr * weightDecay : 1);
    }
}
