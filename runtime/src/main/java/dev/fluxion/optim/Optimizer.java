package dev.fluxion.optim;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Base of the optimizers: a fixed list of parameters, a learning rate, {@link #step()} and
 * {@link #zeroGrad()}, the counterpart of {@code torch.optim.Optimizer} with one parameter group.
 *
 * <p>A training step is {@code opt.zeroGrad(); ...Backward(model, ...); opt.step();}. A parameter
 * is skipped by {@code step()} (its value and its state left untouched) when
 * {@code requiresGrad()} is false or its gradient is still null, as in PyTorch. Per-parameter
 * state (momentum buffers, moment estimates, step counts) is created lazily on the first step
 * that updates that parameter.
 *
 * <p>Subclasses implement {@link #update(int, Parameter, Tensor)}; {@code step()} calls it for
 * every parameter that takes part. The class is open (not sealed) so that users can write their
 * own optimizers, as with {@code torch.optim.Optimizer}.
 */
public abstract class Optimizer {
    private final List<Parameter> params;
    private double lr;

    /**
     * @param name the optimizer's name, for error messages
     * @param params the parameters to update, each once
     * @param lr the learning rate, {@code >= 0}
     * @throws IllegalArgumentException if the list is empty, holds a parameter twice, or lr is invalid
     */
    protected Optimizer(String name, Collection<? extends Parameter> params, double lr) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException(name + ": got an empty parameter list");
        }
        Set<Parameter> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Parameter p : params) {
            if (!distinct.add(p)) {
                // PyTorch only warns; updating a parameter twice per step is never what was meant.
                throw new IllegalArgumentException(name + ": the parameter list holds the same parameter twice");
            }
        }
        this.params = List.copyOf(params);
        this.lr = requireNonNegative(name, "learning rate", lr);
    }

    /** The parameters this optimizer updates, in the order given. */
    public final List<Parameter> parameters() {
        return params;
    }

    /** The current learning rate. */
    public final double learningRate() {
        return lr;
    }

    /**
     * Changes the learning rate used from the next {@link #step()} on (for schedules).
     *
     * @param lr the new learning rate, {@code >= 0}
     */
    public final void learningRate(double lr) {
        this.lr = requireNonNegative(getClass().getSimpleName(), "learning rate", lr);
    }

    /**
     * Updates every parameter that requires grad and has a gradient, in place, by this optimizer's
     * rule; see the subclass for the formula.
     */
    public final void step() {
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            @Nullable Tensor grad = p.grad();
            if (!p.requiresGrad() || grad == null) {
                continue;
            }
            if (!Arrays.equals(grad.shape(), p.shape())) {
                throw new IllegalStateException(getClass().getSimpleName() + ": gradient of shape "
                        + Arrays.toString(grad.shape()) + " does not match parameter " + i + " of shape "
                        + Arrays.toString(p.shape()));
            }
            update(i, p, grad);
        }
    }

    /**
     * Zeros every parameter's gradient in place, keeping its buffer (PyTorch's
     * {@code zero_grad(set_to_none=False)}); gradients still null stay null.
     */
    public final void zeroGrad() {
        for (Parameter p : params) {
            if (p.grad() != null) {
                p.zeroGrad();
            }
        }
    }

    /**
     * Applies the update rule to one parameter.
     *
     * @param index the parameter's position in {@link #parameters()}, to index per-parameter state
     * @param param the parameter, modified in place
     * @param grad its gradient, same shape; never modified (it is the parameter's own buffer)
     */
    protected abstract void update(int index, Parameter param, Tensor grad);

    /** Returns {@code value} if it is {@code >= 0} (not NaN), else throws naming the optimizer and setting. */
    static double requireNonNegative(String optimizer, String what, double value) {
        if (!(value >= 0.0)) {
            throw new IllegalArgumentException(optimizer + ": invalid " + what + ": " + value + " (must be >= 0)");
        }
        return value;
    }
}
