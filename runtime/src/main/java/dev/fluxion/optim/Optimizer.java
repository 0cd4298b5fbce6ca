package dev.fluxion.optim;

import dev.fluxion.FluxionException;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private static final String LR_KEY = "param_groups.0.lr";

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
    /** Whether a and b have the same shape, read through {@code dim()} and {@code size(d)} (no copies of the shapes). */
    private static boolean sameShape(Tensor a, Tensor b) {
        if (a.dim() != b.dim()) {
            return false;
        }
        for (int d = 0; d < a.dim(); d++) {
            if (a.size(d) != b.size(d)) {
                return false;
            }
        }
        return true;
    }

    public final void step() {
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            @Nullable Tensor grad = p.grad();
            if (!p.requiresGrad() || grad == null) {
                continue;
            }
            if (!sameShape(grad, p)) {
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
     * A snapshot of this optimizer's state, to checkpoint beside the model so that training
     * resumes exactly: keys as PyTorch's flattened {@code state_dict()},
     * {@code param_groups.0.lr} (a float64 scalar) and, per parameter index {@code i} that has
     * state, {@code state.i.NAME} ({@code state.0.exp_avg}, {@code state.0.step},
     * {@code state.3.momentum_buffer}, ...; see the subclass). Values are copies.
     *
     * @return a new map
     */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        out.put(LR_KEY, Tensor.scalar(lr));
        for (int i = 0; i < params.size(); i++) {
            for (Map.Entry<String, Tensor> e : parameterState(i).entrySet()) {
                out.put("state." + i + "." + e.getKey(), e.getValue().copy());
            }
        }
        return out;
    }

    /**
     * Restores state saved by {@link #stateDict()} of an optimizer of the same kind over parameters
     * of the same shapes, in the same order. Parameters without entries get fresh state (as before
     * their first step). Everything is checked before anything changes.
     *
     * @param state the saved state
     * @throws FluxionException naming the key, for an unknown key, a parameter index out of range,
     *     a state tensor whose shape differs from its parameter's, a parameter whose state is
     *     incomplete, or a missing or negative learning rate (the optimizer is then unchanged)
     */
    public final void loadStateDict(Map<String, ? extends Tensor> state) {
        String who = getClass().getSimpleName();
        Tensor lrValue = state.get(LR_KEY);
        if (lrValue == null || lrValue.numel() != 1) {
            throw new FluxionException(who + ".loadStateDict: missing scalar \"" + LR_KEY + "\"");
        }
        List<Map<String, Tensor>> perParameter = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            perParameter.add(new LinkedHashMap<>());
        }
        for (Map.Entry<String, ? extends Tensor> e : state.entrySet()) {
            String key = e.getKey();
            if (key.equals(LR_KEY)) {
                continue;
            }
            String[] parts = key.split("\\.", 3);
            int index = parts.length == 3 && parts[0].equals("state") && parts[1].matches("[0-9]{1,9}")
                    ? Integer.parseInt(parts[1]) : -1;
            if (index < 0 || !stateNames().contains(parts[2])) {
                throw new FluxionException(who + ".loadStateDict: unexpected key \"" + key + "\" (expected "
                        + LR_KEY + " and state.<index>.<one of " + stateNames() + ">)");
            }
            if (index >= params.size()) {
                throw new FluxionException(who + ".loadStateDict: key \"" + key + "\" is for parameter " + index
                        + ", but this optimizer has " + params.size() + " parameters");
            }
            Tensor value = e.getValue();
            Parameter p = params.get(index);
            boolean scalar = parts[2].equals("step");
            if (scalar ? value.numel() != 1 : !Arrays.equals(value.shape(), p.shape())) {
                throw new FluxionException(who + ".loadStateDict: \"" + key + "\" has shape "
                        + Arrays.toString(value.shape()) + ", but parameter " + index + " has shape "
                        + Arrays.toString(p.shape()));
            }
            perParameter.get(index).put(parts[2], scalar ? value : value.to(p.dtype()).copy());
        }
        double newLr = requireNonNegative(who, "learning rate", lrValue.item());
        for (int i = 0; i < params.size(); i++) {
            Map<String, Tensor> s = perParameter.get(i);
            for (String name : stateNames()) {
                if (!s.isEmpty() && !s.containsKey(name)) {
                    throw new FluxionException(who + ".loadStateDict: state of parameter " + i + " lacks \"state." + i
                            + "." + name + "\"");
                }
            }
        }
        // Everything is checked: from here on nothing throws, so a failed load changes nothing.
        for (int i = 0; i < params.size(); i++) {
            loadParameterState(i, perParameter.get(i));
        }
        this.lr = newLr;
    }

    /** The names a parameter's state may have in {@link #stateDict()} (say {@code exp_avg}); default none. */
    protected Set<String> stateNames() {
        return Set.of();
    }

    /**
     * The state of parameter {@code index} by name, live or copied (the caller copies); empty if it
     * has none yet. The default has none.
     *
     * @param index the parameter's position in {@link #parameters()}
     * @return the state by name, each name one of {@link #stateNames()}
     */
    protected Map<String, Tensor> parameterState(int index) {
        return Map.of();
    }

    /**
     * Replaces the state of parameter {@code index}; called by {@link #loadStateDict(Map)} for
     * every parameter, with an empty map for those without saved state (which must then start
     * fresh). Tensors other than {@code step} are new copies in the parameter's dtype and shape.
     *
     * @param index the parameter's position
     * @param state the saved state by name (names from {@link #stateNames()})
     */
    protected void loadParameterState(int index, Map<String, Tensor> state) {}

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
