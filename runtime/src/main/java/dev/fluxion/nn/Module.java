package dev.fluxion.nn;

import dev.fluxion.DType;
import dev.fluxion.Device;
import dev.fluxion.FluxionException;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Base class of models with trainable parameters, the counterpart of {@code torch.nn.Module}.
 *
 * <p>A subclass declares its parameters and sub-modules as ordinary fields; nothing is registered
 * by hand:
 *
 * <pre>{@code
 * class Mlp extends Module {
 *     final Linear fc1 = new Linear(8, 6, rng);
 *     final Linear fc2 = new Linear(6, 1, rng);
 *     final Parameter scale = param(Tensor.ones(1));
 *
 *     @Differentiable Tensor forward(@NoGrad Tensor x) { return fc2.forward(fc1.forward(x).relu()).times(scale); }
 * }
 * }</pre>
 *
 * <p>{@link #namedParameters()} finds, by reflection over the instance fields of the class and its
 * superclasses (superclass fields first, then declaration order):
 * <ul>
 *   <li>fields of type {@code Parameter} (or {@code Tensor} fields holding a {@code Parameter}),
 *       named after the field: {@code scale};</li>
 *   <li>fields whose type is a {@code Module}, walked recursively with a dotted prefix:
 *       {@code fc1.weight}, {@code fc1.bias};</li>
 *   <li>arrays and {@code Iterable}s (a {@code List<Linear>}, say) of modules or parameters, named
 *       by position like PyTorch's {@code ModuleList}: {@code layers.0.weight}.</li>
 * </ul>
 * Null fields and null elements are skipped; static and synthetic fields are ignored. A parameter
 * or module reachable twice (tied weights, a shared sub-module) is reported once, under the first
 * name it is reached by, as {@code torch.nn.Module.named_parameters()} does.
 *
 * <p>Declaration order comes from {@link Class#getDeclaredFields()}, whose order the Java
 * specification leaves open; HotSpot returns declaration order. The reflective scan is done once
 * per class and cached. If the subclass lives in a named JPMS module its package must be open to
 * the runtime.
 *
 * <p>Modules are deliberately plain objects: the annotation processor reads their
 * {@code @Differentiable} methods at compile time and generates the backward pass, so the runtime
 * never builds a graph.
 *
 * <p><b>Training and evaluation.</b> Every module has a {@linkplain #isTraining() training flag},
 * true at construction; {@link #train()} and {@link #eval()} set it on the module and every
 * sub-module, as PyTorch's do. Layers such as {@link Dropout} and {@link BatchNorm1d} behave
 * differently in the two modes.
 *
 * <p><b>Checkpoints.</b> {@link #stateDict()} maps PyTorch-style keys ({@code fc1.weight},
 * {@code bn.running_mean}) to the parameters and buffers; {@link #loadStateDict(Map)} copies values
 * back in, checking keys and shapes first. Save one with
 * {@link dev.fluxion.io.SafeTensors#save(java.nio.file.Path, Map)}. A module with state that is
 * not a parameter (running statistics) reports it through {@link #buffers()}.
 */
public abstract class Module {
    private boolean training = true;

    /** For subclasses. */
    protected Module() {}

    /**
     * Makes a trainable leaf from an initial value: {@code Parameter.of(init)}, which requires grad.
     * Meant for field initializers: {@code final Parameter w = param(Tensor.zeros(3));}.
     *
     * @param init the initial value (its shape and dtype become the parameter's)
     * @return a new parameter over {@code init}'s storage (later in-place updates change both)
     */
    protected final Parameter param(Tensor init) {
        return Parameter.of(init);
    }

    /**
     * Every parameter of this module and its sub-modules, in the order of {@link #namedParameters()}.
     * This is the list to hand to an optimizer: {@code new SGD(model.parameters(), 0.01)}.
     *
     * @return a new mutable list; each parameter appears once
     */
    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * Every parameter with its dotted path from this module ({@code "fc1.weight"}), in declaration
     * order, superclass fields first (see the class documentation for the rules).
     *
     * @return a new map; each parameter appears once, under the first path that reaches it
     */
    public final LinkedHashMap<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collect(this, "", out, seen);
        return out;
    }

    /**
     * Zeros the gradient of every parameter that has one, in place, keeping the buffer (PyTorch's
     * {@code zero_grad(set_to_none=False)}). Parameters whose gradient is still null stay null.
     * Gradients otherwise accumulate across backward calls.
     */
    public final void zeroGrad() {
        for (Parameter p : namedParameters().values()) {
            if (p.grad() != null) {
                p.zeroGrad();
            }
        }
    }

    /**
     * This module and every sub-module, each once, under its dotted path: {@code ""} for this
     * module, then {@code "fc1"}, {@code "layers.0"}, ... in the order of {@link #namedParameters()}.
     *
     * @return a new map, this module first
     */
    public final LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> modules = new LinkedHashMap<>();
        collect(this, "", new LinkedHashMap<>(), Collections.newSetFromMap(new IdentityHashMap<>()), modules);
        return modules;
    }

    /** Whether this module is in training mode (the default) rather than evaluation mode. */
    public final boolean isTraining() {
        return training;
    }

    /**
     * Sets training mode on this module and every sub-module ({@code torch.nn.Module.train(mode)}).
     *
     * @param mode true for training, false for evaluation
     * @return this module
     */
    public Module train(boolean mode) {
        for (Module m : namedModules().values()) {
            m.training = mode;
        }
        return this;
    }

    /**
     * Training mode on this module and every sub-module: {@code train(true)}.
     *
     * @return this module
     */
    public Module train() {
        return train(true);
    }

    /**
     * Evaluation mode on this module and every sub-module: {@code train(false)}. Dropout passes
     * its input through; batch normalisation uses its running statistics.
     *
     * @return this module
     */
    public Module eval() {
        return train(false);
    }

    /**
     * Moves every parameter and buffer of this module and its sub-modules to {@code device}, as
     * PyTorch's {@code module.to(device)}: each field that held a {@link Parameter} (or a buffer)
     * then holds a new one on the device (same {@code requiresGrad}, no gradient yet), so build the
     * optimizer after moving the model. A non-CPU device needs its backend on the class path
     * ({@code dev.fluxion:fluxion-cuda} for CUDA); otherwise this throws, naming what is missing.
     *
     * @return this module
     */
    public Module to(Device device) {
        ModuleDevices.move(this, device);
        return this;
    }

    /**
     * PyTorch's {@code module.to(dtype)} ({@code module.double()} for {@code FLOAT64}): each field
     * that held a floating-point {@link Parameter} (or buffer) then holds a new one of
     * {@code dtype} (same {@code requiresGrad}, no gradient yet); integer buffers are kept. Build
     * the optimizer after converting the model.
     *
     * @param dtype {@code FLOAT32} or {@code FLOAT64}
     * @return this module
     */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new FluxionException("Module.to(" + dtype + "): parameters must be FLOAT32 or FLOAT64");
        }
        ModuleDevices.cast(this, dtype);
        return this;
    }

    /**
     * This module's own buffers: state that is saved in checkpoints but is not trained
     * ({@code running_mean} of a batch-norm layer), by local name. Sub-modules report their own.
     * The default has none.
     *
     * @return the buffers, live (not copies), in a fixed order
     */
    protected Map<String, Tensor> buffers() {
        return Map.of();
    }

    /**
     * Replaces the value of this module's buffer {@code name} with {@code value}, which has already
     * been checked to have the buffer's shape. The default copies in place into the tensor that
     * {@link #buffers()} returns; override for a buffer not kept as a tensor.
     *
     * @param name a key of {@link #buffers()}
     * @param value the new value, same shape
     */
    protected void loadBuffer(String name, Tensor value) {
        Tensor target = buffers().get(name);
        if (target == null) {
            throw new FluxionException(getClass().getSimpleName() + ": no buffer named " + name);
        }
        target.copyInPlace(value);
    }

    /**
     * Every buffer of this module and its sub-modules under its dotted path ({@code bn.running_var}).
     *
     * @return a new map
     */
    public final LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        namedModules().forEach((prefix, m) -> m.buffers().forEach((name, t) ->
                out.put(prefix.isEmpty() ? name : prefix + "." + name, t)));
        return out;
    }

    /**
     * The state to checkpoint, keyed like PyTorch's {@code state_dict()}: every parameter
     * ({@code fc1.weight}; a parameter shared by two fields is listed once, under its first name)
     * and every buffer ({@code bn.running_mean}). Values share storage with the model (as PyTorch's
     * do): save them before training on, or copy them.
     *
     * @return a new map, parameters first, then buffers
     */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((name, p) -> out.put(name, p.data()));
        out.putAll(namedBuffers());
        return out;
    }

    /**
     * Strict {@link #loadStateDict(Map, boolean)}: every key must be present and no other.
     *
     * @param state values by key, as {@link #stateDict()} or {@link dev.fluxion.io.SafeTensors#load} gives
     * @return the (empty) lists of missing and unexpected keys
     * @throws FluxionException listing missing and unexpected keys, or naming a key whose shape differs
     */
    public final IncompatibleKeys loadStateDict(Map<String, ? extends Tensor> state) {
        return loadStateDict(state, true);
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers, as PyTorch's
     * {@code load_state_dict}. Everything is checked before anything is written, so a failed load
     * leaves the module unchanged. Values are converted to each parameter's dtype.
     *
     * @param state values by key
     * @param strict whether a key missing from {@code state}, or a key of {@code state} this
     *     module does not have, is an error (otherwise they are reported in the result)
     * @return the keys this module has that {@code state} lacks, and the keys of {@code state} it does not use
     * @throws FluxionException if {@code strict} and keys do not match (listing them all), or for a
     *     value whose shape differs from the parameter's (naming the key and both shapes)
     */
    public final IncompatibleKeys loadStateDict(Map<String, ? extends Tensor> state, boolean strict) {
        return StateDicts.load(this, state, strict);
    }

    private static void collect(Module module, String prefix, LinkedHashMap<String, Parameter> out, Set<Object> seen) {
        collect(module, prefix, out, seen, new LinkedHashMap<>());
    }

    private static void collect(Module module, String prefix, LinkedHashMap<String, Parameter> out, Set<Object> seen,
            LinkedHashMap<String, Module> modules) {
        if (!seen.add(module)) {
            return; // shared or cyclic sub-module: its parameters are already listed
        }
        modules.put(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), module);
        if (module instanceof ModuleContainer container) {
            // Numbered children, as PyTorch's Sequential and ModuleList: "0.weight", "features.1.bias".
            List<? extends Module> children = container.children();
            for (int i = 0; i < children.size(); i++) {
                visit(children.get(i), prefix + i, out, seen, modules);
            }
        }
        for (ModuleFields.Slot slot : ModuleFields.of(module.getClass())) {
            Object value = slot.read(module);
            String name = prefix + slot.name();
            switch (slot.kind()) {
                case TENSOR, MODULE -> visit(value, name, out, seen, modules);
                case ARRAY -> {
                    if (value instanceof Object[] array) {
                        for (int i = 0; i < array.length; i++) {
                            visit(array[i], name + "." + i, out, seen, modules);
                        }
                    }
                }
                case ITERABLE -> {
                    if (value instanceof Iterable<?> items) {
                        int i = 0;
                        for (Object item : items) {
                            visit(item, name + "." + i++, out, seen, modules);
                        }
                    }
                }
            }
        }
    }

    private static void visit(@Nullable Object value, String name, LinkedHashMap<String, Parameter> out, Set<Object> seen,
            LinkedHashMap<String, Module> modules) {
        if (value instanceof Parameter p) {
            if (seen.add(p)) {
                out.put(name, p);
            }
        } else if (value instanceof Module m) {
            collect(m, name + ".", out, seen, modules);
        }
    }
}
