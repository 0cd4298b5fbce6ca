package dev.fluxion.nn;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
 * never builds a graph and there is no train/eval flag.
 */
public abstract class Module {
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

    private static void collect(Module module, String prefix, LinkedHashMap<String, Parameter> out, Set<Object> seen) {
        if (!seen.add(module)) {
            return; // shared or cyclic sub-module: its parameters are already listed
        }
        for (ModuleFields.Slot slot : ModuleFields.of(module.getClass())) {
            Object value = slot.read(module);
            String name = prefix + slot.name();
            switch (slot.kind()) {
                case TENSOR, MODULE -> visit(value, name, out, seen);
                case ARRAY -> {
                    if (value instanceof Object[] array) {
                        for (int i = 0; i < array.length; i++) {
                            visit(array[i], name + "." + i, out, seen);
                        }
                    }
                }
                case ITERABLE -> {
                    if (value instanceof Iterable<?> items) {
                        int i = 0;
                        for (Object item : items) {
                            visit(item, name + "." + i++, out, seen);
                        }
                    }
                }
            }
        }
    }

    private static void visit(@Nullable Object value, String name, LinkedHashMap<String, Parameter> out, Set<Object> seen) {
        if (value instanceof Parameter p) {
            if (seen.add(p)) {
                out.put(name, p);
            }
        } else if (value instanceof Module m) {
            collect(m, name + ".", out, seen);
        }
    }
}
