package dev.fluxion.processor;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.Messages;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.NestedCall;
import dev.fluxion.processor.model.TangentMethod;
import dev.fluxion.processor.rules.NestedForms;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * The adapters of a round's nested calls ({@link NestedCall}): for each call of
 * {@code OtherGrad.gGrad(args).x()} in a {@code @Differentiable} method, the derived method
 * {@code gGrad_x} written into the caller's generated class, or an error on the call where
 * {@code g} has no Hessian-vector product to differentiate its gradient with. A callee of the
 * round has one where its forward mode has a directional derivative ({@link ForwardModes#directional}); a callee
 * compiled earlier where its generated class declares {@code gHvp}.
 */
final class NestedAdapters {
    private NestedAdapters() {}

    /**
     * The adapters by the caller's qualified class name; an error for each call that cannot be
     * differentiated goes to {@code errors} with the caller's class name.
     *
     * @param tangents the forward modes of the round's methods and {@code @Derivative} primals, by key
     */
    static Map<String, List<DerivedMethod>> of(List<NestedCall> calls, Collection<MethodIr> parsed,
                                               Map<String, TangentMethod> tangents, Elements elements,
                                               BiConsumer<Diagnostic, String> errors) {
        Map<String, MethodIr> byKey = new LinkedHashMap<>();
        Map<String, MethodIr> anyOfOwner = new LinkedHashMap<>();
        for (MethodIr m : parsed) {
            byKey.put(m.self().key(), m);
            anyOfOwner.putIfAbsent(m.self().ownerQualifiedName(), m);
        }
        Map<String, List<DerivedMethod>> out = new LinkedHashMap<>();
        for (NestedCall n : calls) {
            String caller = n.adapter().ownerQualifiedName();
            MethodIr sample = anyOfOwner.get(caller);
            if (sample == null) {
                continue; // the caller did not parse: its errors are reported
            }
            String key = n.callee().key();
            boolean hasHvp = byKey.containsKey(key)
                    ? tangents.containsKey(key) && ForwardModes.directional(tangents.get(key), tangents).isPresent()
                    : compiledWithHvp(n.callee(), elements);
            Optional<String> problem = NestedForms.problem(n, hasHvp);
            if (problem.isPresent()) {
                errors.accept(Diagnostic.error(Messages.NESTED_CALL, n.pos(), n.display(), problem.get()), caller);
                continue;
            }
            out.computeIfAbsent(caller, k -> new ArrayList<>())
                    .add(NestedForms.derive(n, sample.packageName(), sample.ownerSimpleName()));
        }
        return out;
    }

    /**
     * The forward modes of a caller's adapters ({@code gGrad_xJvp}, through {@code gHvp}), by the
     * adapter's name, for the caller's generated class.
     */
    static Map<String, TangentMethod> tangentsOf(List<DerivedMethod> adapters, List<NestedCall> calls) {
        Map<String, TangentMethod> out = new LinkedHashMap<>();
        for (DerivedMethod a : adapters) {
            String key = a.method().self().key();
            calls.stream().filter(n -> n.adapter().key().equals(key)).findFirst()
                    .ifPresent(n -> out.put(a.method().name(), NestedForms.deriveForward(n, a)));
        }
        return out;
    }

    /**
     * Whether the adapter of {@code n} will have a forward mode: where {@code g} has a
     * Hessian-vector product and the call can be differentiated at all ({@link NestedForms#problem}).
     *
     * @param gTangent {@code g}'s forward mode where {@code g} is a method of the round (null if it has none)
     * @param callees the forward modes {@code g}'s calls can be inlined from, by key
     * @param inRound whether {@code g} is a method of the round
     */
    static boolean hasForwardMode(NestedCall n, boolean inRound, TangentMethod gTangent,
                                  Map<String, TangentMethod> callees, Elements elements) {
        boolean hasHvp = inRound ? gTangent != null && ForwardModes.directional(gTangent, callees).isPresent()
                : compiledWithHvp(n.callee(), elements);
        return NestedForms.problem(n, hasHvp).isEmpty();
    }

    /** Whether {@code g}'s generated class, compiled earlier, declares {@code gHvp}. */
    private static boolean compiledWithHvp(Callee.UserMethod g, Elements elements) {
        TypeElement type = elements.getTypeElement(NestedForms.gradClassOf(g));
        return type != null && ElementFilter.methodsIn(type.getEnclosedElements()).stream()
                .anyMatch(e -> e.getSimpleName().contentEquals(Names.hvpMethod(g.name())));
    }
}
