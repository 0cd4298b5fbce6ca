package dev.fluxion.optim;

import dev.fluxion.FusedUpdates;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Stochastic gradient descent with optional momentum, dampening, L2 weight decay and Nesterov
 * momentum, with exactly the update of {@code torch.optim.SGD}. For each parameter {@code p} with
 * gradient {@code g}, at step {@code t}:
 *
 * <pre>
 *   d = g + λ·p                              (λ = weightDecay; skipped when 0)
 *   if μ ≠ 0:                                (μ = momentum)
 *       buf = d                              at the parameter's first step
 *       buf = μ·buf + (1 − τ)·d              afterwards (τ = dampening)
 *       d = nesterov ? d + μ·buf : buf
 *   p = p − lr·d
 * </pre>
 *
 * <pre>{@code
 * var opt = new SGD(model.parameters(), 0.1, SGD.Options.DEFAULTS.withMomentum(0.9).withNesterov(true));
 * }</pre>
 */
public final class SGD extends Optimizer {
    /**
     * The settings of SGD besides the learning rate; PyTorch's defaults are {@link #DEFAULTS}
     * (everything 0, no Nesterov).
     *
     * @param momentum μ, {@code >= 0}; 0 turns momentum off
     * @param dampening τ, applied to the gradient when it enters the momentum buffer
     * @param weightDecay λ, L2 penalty added to the gradient, {@code >= 0}
     * @param nesterov Nesterov momentum; requires {@code momentum > 0} and {@code dampening == 0}
     */
    public record Options(double momentum, double dampening, double weightDecay, boolean nesterov) {
        /** PyTorch's defaults: no momentum, no dampening, no weight decay, no Nesterov. */
        public static final Options DEFAULTS = new Options(0, 0, 0, false);

        /**
         * Validates the settings as {@code torch.optim.SGD} does.
         *
         * @throws IllegalArgumentException if momentum or weightDecay is negative (or NaN), or
         *     Nesterov is asked for without momentum or with dampening
         */
        public Options {
            requireNonNegative("SGD", "momentum value", momentum);
            requireNonNegative("SGD", "weight_decay value", weightDecay);
            if (Double.isNaN(dampening)) {
                throw new IllegalArgumentException("SGD: invalid dampening value: NaN");
            }
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening"
                        + " (got momentum=" + momentum + ", dampening=" + dampening + ")");
            }
        }

        /** These options with the given momentum μ. */
        public Options withMomentum(double momentum) {
            return new Options(momentum, dampening, weightDecay, nesterov);
        }

        /** These options with the given dampening τ. */
        public Options withDampening(double dampening) {
            return new Options(momentum, dampening, weightDecay, nesterov);
        }

        /** These options with the given weight decay λ. */
        public Options withWeightDecay(double weightDecay) {
            return new Options(momentum, dampening, weightDecay, nesterov);
        }

        /** These options with Nesterov momentum on or off. */
        public Options withNesterov(boolean nesterov) {
            return new Options(momentum, dampening, weightDecay, nesterov);
        }
    }

    private final Options options;
    private final @Nullable Tensor[] momentumBuffers;

    /**
     * Plain SGD: {@code p = p − lr·g}.
     *
     * @param params the parameters to update
     * @param lr the learning rate, {@code >= 0}
     */
    public SGD(Collection<? extends Parameter> params, double lr) {
        this(params, lr, Options.DEFAULTS);
    }

    /**
     * SGD with momentum μ and no dampening, weight decay or Nesterov.
     *
     * @param params the parameters to update
     * @param lr the learning rate, {@code >= 0}
     * @param momentum μ, {@code >= 0}
     */
    public SGD(Collection<? extends Parameter> params, double lr, double momentum) {
        this(params, lr, Options.DEFAULTS.withMomentum(momentum));
    }

    /**
     * SGD with the given options.
     *
     * @param params the parameters to update
     * @param lr the learning rate, {@code >= 0}
     * @param options momentum, dampening, weight decay and Nesterov
     */
    public SGD(Collection<? extends Parameter> params, double lr, Options options) {
        super("SGD", params, lr);
        this.options = options;
        this.momentumBuffers = new Tensor[parameters().size()];
    }

    /** The options this optimizer was built with. */
    public Options options() {
        return options;
    }

    /** {@code momentum_buffer}, when momentum is on. */
    @Override
    protected Set<String> stateNames() {
        return Set.of("momentum_buffer");
    }

    /** The momentum buffer of parameter {@code index}, if it has one yet. */
    @Override
    protected Map<String, Tensor> parameterState(int index) {
        Tensor buf = momentumBuffers[index];
        return buf == null ? Map.of() : Map.of("momentum_buffer", buf);
    }

    @Override
    protected void loadParameterState(int index, Map<String, Tensor> state) {
        momentumBuffers[index] = state.get("momentum_buffer");
    }

    @Override
    protected void update(int index, Parameter param, Tensor grad) {
        if (fusedUpdate(index, param, grad)) {
            return;
        }
        Tensor d = options.weightDecay() != 0 ? grad.plus(param.times(options.weightDecay())) : grad;
        double momentum = options.momentum();
        if (momentum != 0) {
            @Nullable Tensor buf = momentumBuffers[index];
            if (buf == null) {
                // A copy: the gradient buffer is zeroed in place by the next zeroGrad().
                buf = d.copy();
                momentumBuffers[index] = buf;
            } else {
                buf.mulInPlace(momentum).addInPlace(d, 1 - options.dampening());
            }
            d = options.nesterov() ? d.plus(buf.times(momentum)) : buf;
        }
        param.addInPlace(d, -learningRate());
    }

    /**
     * Weight decay or momentum as one pass over the parameter ({@link FusedUpdates#sgdStep}), which
     * rounds as the tensor ops of {@link #update}; false (nothing done) where the operands do not
     * allow it. Plain SGD is a single {@code addInPlace} already and stays on that path.
     */
    private boolean fusedUpdate(int index, Parameter param, Tensor grad) {
        double momentum = options.momentum();
        if (options.weightDecay() == 0 && momentum == 0) {
            return false;
        }
        if (momentum == 0) {
            return FusedUpdates.sgdStep(param, grad, null, learningRate(), options.weightDecay(), 0, 0, false, false);
        }
        @Nullable Tensor buf = momentumBuffers[index];
        boolean first = buf == null;
        Tensor target = first ? Tensor.zerosLike(param) : buf;
        if (!FusedUpdates.sgdStep(param, grad, target, learningRate(), options.weightDecay(), momentum,
                options.dampening(), options.nesterov(), first)) {
            return false;
        }
        momentumBuffers[index] = target;
        return true;
    }
}
