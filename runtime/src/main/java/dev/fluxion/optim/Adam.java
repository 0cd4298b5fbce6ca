package dev.fluxion.optim;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Adam (Kingma and Ba, 2015) with optional L2 weight decay and AMSGrad, exactly as
 * {@code torch.optim.Adam}. For each parameter {@code p} with gradient {@code g}, at its step
 * {@code t = 1, 2, ...}:
 *
 * <pre>
 *   g = g + λ·p                                  (λ = weightDecay, coupled L2; skipped when 0)
 *   m = β₁·m + (1 − β₁)·g
 *   v = β₂·v + (1 − β₂)·g²
 *   v_max = max(v_max, v); use v_max for v       (AMSGrad only)
 *   p = p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * Defaults as in PyTorch: {@code lr = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0}, no AMSGrad. For
 * weight decay decoupled from the gradient use {@link AdamW}.
 */
public final class Adam extends Optimizer {
    private final double weightDecay;
    private final AdamMoments moments;

    /**
     * Adam with PyTorch's defaults, {@code lr = 1e-3}.
     *
     * @param params the parameters to update
     */
    public Adam(Collection<? extends Parameter> params) {
        this(params, 1e-3);
    }

    /**
     * Adam with the given learning rate and PyTorch's other defaults.
     *
     * @param params the parameters to update
     * @param lr the learning rate, {@code >= 0}
     */
    public Adam(Collection<? extends Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.0, false);
    }

    /**
     * Adam with every setting given.
     *
     * @param params the parameters to update
     * @param lr the learning rate, {@code >= 0}
     * @param beta1 β₁, decay of the first moment, in {@code [0, 1)}
     * @param beta2 β₂, decay of the second moment, in {@code [0, 1)}
     * @param eps ε, added to the denominator, {@code >= 0}
     * @param weightDecay λ, L2 penalty added to the gradient, {@code >= 0}
     * @param amsgrad use the running maximum of the second moment (Reddi et al., 2018)
     * @throws IllegalArgumentException for a setting out of range, with PyTorch's wording
     */
    public Adam(Collection<? extends Parameter> params, double lr, double beta1, double beta2, double eps,
            double weightDecay, boolean amsgrad) {
        super("Adam", params, lr);
        this.weightDecay = requireNonNegative("Adam", "weight_decay value", weightDecay);
        this.moments = new AdamMoments("Adam", parameters().size(), beta1, beta2, eps, amsgrad);
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

    /** λ, the coupled L2 weight decay. */
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
        moments.load("Adam", index, state);
    }

    @Override
    protected void update(int index, Parameter param, Tensor grad) {
        moments.apply(index, param, grad, learningRate(), weightDecay, 1);
    }
}
