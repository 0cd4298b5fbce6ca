package dev.fluxion.optim;

import dev.fluxion.DType;
import dev.fluxion.F;
import dev.fluxion.FluxionException;
import dev.fluxion.FusedUpdates;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The part Adam and AdamW share: per-parameter first and second moment estimates with bias
 * correction, and the step {@code p = p − lr·m̂ / (√v̂ + ε)}. The two optimizers differ only in
 * how weight decay enters, which they do before calling {@link #apply}.
 */
final class AdamMoments {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean amsgrad;
    private final @Nullable Tensor[] expAvg;
    private final @Nullable Tensor[] expAvgSq;
    private final @Nullable Tensor[] maxExpAvgSq;
    private final long[] steps;

    AdamMoments(String optimizer, int parameterCount, double beta1, double beta2, double eps, boolean amsgrad) {
        Optimizer.requireNonNegative(optimizer, "epsilon value", eps);
        requireBeta(optimizer, 0, beta1);
        requireBeta(optimizer, 1, beta2);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.amsgrad = amsgrad;
        this.expAvg = new Tensor[parameterCount];
        this.expAvgSq = new Tensor[parameterCount];
        this.maxExpAvgSq = new Tensor[parameterCount];
        this.steps = new long[parameterCount];
    }

    double beta1() {
        return beta1;
    }

    double beta2() {
        return beta2;
    }

    double eps() {
        return eps;
    }

    boolean amsgrad() {
        return amsgrad;
    }

    /** How many updates parameter {@code index} has had (PyTorch's {@code state['step']}). */
    long steps(int index) {
        return steps[index];
    }

    /**
     * One Adam step for parameter {@code index}, as {@code torch.optim.adam._single_tensor_adam}:
     * <pre>
     *   t = t + 1
     *   m = β₁·m + (1 − β₁)·g
     *   v = β₂·v + (1 − β₂)·g²
     *   v_max = max(v_max, v)                        (AMSGrad only; then v_max replaces v below)
     *   denom = √v / √(1 − β₂ᵗ) + ε
     *   p = p − (lr / (1 − β₁ᵗ))·m / denom
     * </pre>
     * {@code m}, {@code v} and {@code v_max} start at zero, in the parameter's dtype.
     */
    void apply(int index, Parameter param, Tensor grad, double lr) {
        apply(index, param, grad, lr, 0, 1);
    }

    /**
     * As {@link #apply(int, Parameter, Tensor, double)} with weight decay folded in: Adam's coupled
     * {@code g + p·weightDecay} and AdamW's decoupled {@code p·decayFactor}, done first. Without
     * AMSGrad, on contiguous operands of one dtype, the whole update is one fused pass
     * ({@link FusedUpdates#adamStep}) that rounds exactly as the tensor ops below.
     */
    void apply(int index, Parameter param, Tensor grad, double lr, double weightDecay, double decayFactor) {
        Tensor m = expAvg[index];
        Tensor v = expAvgSq[index];
        if (m == null || v == null) {
            m = Tensor.zerosLike(param);
            v = Tensor.zerosLike(param);
            expAvg[index] = m;
            expAvgSq[index] = v;
        }
        long t = ++steps[index];
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / biasCorrection1;
        if (!amsgrad && FusedUpdates.adamStep(param, grad, m, v, beta1, beta2, eps, weightDecay, decayFactor,
                biasCorrection2Sqrt, stepSize)) {
            return;
        }
        if (decayFactor != 1) {
            param.mulInPlace(decayFactor);
        }
        if (weightDecay != 0) {
            grad = grad.plus(param.times(weightDecay));
        }
        m.mulInPlace(beta1).addInPlace(grad, 1 - beta1);
        v.mulInPlace(beta2).addcmulInPlace(grad, grad, 1 - beta2);

        Tensor second = v;
        if (amsgrad) {
            Tensor max = maxExpAvgSq[index];
            if (max == null) {
                max = Tensor.zerosLike(param);
                maxExpAvgSq[index] = max;
            }
            max.copyInPlace(F.where(v.gt(max), v, max));
            second = max;
        }
        Tensor denom = second.sqrt().div(biasCorrection2Sqrt).plus(eps);
        param.addcdivInPlace(m, denom, -stepSize);
    }

    /** The names of a parameter's state, as PyTorch's Adam. */
    Set<String> stateNames() {
        // Ordered, so that error messages are the same on every run.
        List<String> names = amsgrad ? List.of("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
                : List.of("step", "exp_avg", "exp_avg_sq");
        return Collections.unmodifiableSet(new LinkedHashSet<>(names));
    }

    /** Parameter {@code index}'s state (live tensors), empty before its first step. */
    Map<String, Tensor> state(int index) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (expAvg[index] != null && expAvgSq[index] != null) {
            out.put("step", Tensor.scalar(steps[index], DType.INT64));
            out.put("exp_avg", expAvg[index]);
            out.put("exp_avg_sq", expAvgSq[index]);
            if (amsgrad && maxExpAvgSq[index] != null) {
                out.put("max_exp_avg_sq", maxExpAvgSq[index]);
            }
        }
        return out;
    }

    /** Replaces parameter {@code index}'s state; an empty map resets it to before the first step. */
    void load(String optimizer, int index, Map<String, Tensor> state) {
        if (state.isEmpty()) {
            expAvg[index] = null;
            expAvgSq[index] = null;
            maxExpAvgSq[index] = null;
            steps[index] = 0;
            return;
        }
        for (String name : stateNames()) {
            if (!state.containsKey(name)) {
                throw new FluxionException(optimizer + ".loadStateDict: state of parameter " + index + " lacks \"state."
                        + index + "." + name + "\"");
            }
        }
        double step = state.get("step").item();
        if (!(step >= 0 && step == Math.rint(step))) {
            throw new FluxionException(optimizer + ".loadStateDict: \"state." + index + ".step\" is " + step
                    + ", not a step count");
        }
        steps[index] = (long) step;
        expAvg[index] = state.get("exp_avg");
        expAvgSq[index] = state.get("exp_avg_sq");
        maxExpAvgSq[index] = amsgrad ? state.get("max_exp_avg_sq") : null;
    }

    private static void requireBeta(String optimizer, int which, double beta) {
        if (!(beta >= 0.0 && beta < 1.0)) {
            throw new IllegalArgumentException(optimizer + ": invalid beta parameter at index " + which + ": " + beta
                    + " (must be in [0, 1))");
        }
    }
}
