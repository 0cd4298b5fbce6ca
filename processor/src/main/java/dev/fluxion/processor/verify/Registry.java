package dev.fluxion.processor.verify;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Names;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the interpreter can call: the derived methods of the round (a callee's pullback is its own
 * derived forward and backward IR, evaluated, not the generated class, which does not exist yet)
 * and plain parsed methods of the user's classes (a {@code @Derivative} rule and its primal).
 */
public final class Registry {
    private final Map<String, DerivedMethod> byKey = new HashMap<>();
    private final Map<String, DerivedMethod> byVjp = new HashMap<>();
    private final Map<String, MethodIr> plain = new HashMap<>();
    /** {@code OwnerGrad#fGrad} and {@code OwnerGrad#fHvp} (the gradient of {@code fDirectional}). */
    private final Map<String, DerivedMethod> byGrad = new HashMap<>();

    private static final String DIRECTIONAL = "Directional";

    /** A registry of {@code derived}. */
    public Registry(List<DerivedMethod> derived) {
        derived.forEach(this::add);
    }

    /** Adds a derived method. */
    public void add(DerivedMethod d) {
        Callee.UserMethod m = d.method().self();
        byKey.put(m.key(), d);
        plain.putIfAbsent(m.key(), d.method());
        String owner = m.ownerQualifiedName();
        int dot = owner.lastIndexOf('.');
        // The generated class's name, as ReverseMode and the writer spell it, and as the package
        // and simple name give it; a checkpointed call's value and backward are fVjp's (its
        // backward runs fVjp again).
        String gradClass = (dot < 0 ? "" : owner.substring(0, dot + 1)) + Names.gradClass(owner.substring(dot + 1));
        String qualified = Names.gradClassQualified(d.method().packageName(), d.method().ownerSimpleName());
        for (String vjp : List.of(Names.vjpMethod(m.name()), Names.checkpointedVjpMethod(m.name()))) {
            byVjp.put(gradClass + "#" + vjp, d);
            byVjp.put(qualified + "#" + vjp, d);
        }
        byGrad.put(gradClass + "#" + Names.gradMethod(m.name()), d);
        if (m.name().endsWith(DIRECTIONAL)) {
            byGrad.put(gradClass + "#" + Names.hvpMethod(m.name().substring(0, m.name().length() - DIRECTIONAL.length())), d);
        }
    }

    /** Adds a plain method (evaluated, never differentiated), such as a {@code @Derivative} rule. */
    public void addPlain(MethodIr m) {
        plain.put(m.self().key(), m);
    }

    Optional<DerivedMethod> derived(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /**
     * The method whose value and gradients (seed 1) the generated {@code owner.name} returns:
     * {@code fGrad} of {@code f}, {@code fHvp} of {@code fDirectional}; empty for any other name.
     */
    Optional<DerivedMethod> gradient(String owner, String name) {
        return Optional.ofNullable(byGrad.get(owner + "#" + name));
    }

    Optional<DerivedMethod> vjp(String owner, String name) {
        return Optional.ofNullable(byVjp.get(owner + "#" + name));
    }

    Optional<MethodIr> plain(String key) {
        return Optional.ofNullable(plain.get(key));
    }
}
