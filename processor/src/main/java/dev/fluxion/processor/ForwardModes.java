package dev.fluxion.processor;

import dev.fluxion.processor.fwd.ForwardMode;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.TangentMethod;
import dev.fluxion.processor.write.GradClassWriter;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * The forward modes ({@code fJvp}) of a round's methods. A method calling another
 * {@code @Differentiable} method gets one only where the callee has one, so the round's methods
 * are derived until nothing changes (callees first); a callee compiled earlier has one where its
 * generated class declares {@code gJvp}. A method forward mode does not support yet, or whose
 * {@code fJvp} would clash with another method's name, simply gets none.
 */
final class ForwardModes {
    /**
     * Expression nodes above which a method gets no forward mode: normalising is quadratic in the
     * body, and a 5,000-term expression's tangent program (three times its size) would make the
     * build minutes slower for methods whose fJvp would not fit one JVM method anyway.
     */
    static final int MAX_NODES = 2_000;

    private ForwardModes() {}

    /** The expression nodes of {@code stmts}, counting up to {@code limit}. */
    static int size(List<dev.fluxion.processor.ir.Stmt> stmts, int limit) {
        int n = 0;
        java.util.ArrayDeque<dev.fluxion.processor.ir.Expr> todo =
                new java.util.ArrayDeque<>(dev.fluxion.processor.ir.Stmts.allExpressions(stmts));
        while (!todo.isEmpty() && n <= limit) {
            n++;
            todo.addAll(todo.pop().children());
        }
        return n;
    }

    /** Each method's forward mode, by {@link Callee.UserMethod#key()}. */
    static Map<String, TangentMethod> of(Collection<MethodIr> methods, Elements elements) {
        return of(methods, elements, Set.of(), List.of());
    }

    /**
     * Each method's forward mode, by {@link Callee.UserMethod#key()}.
     *
     * @param fromRules the {@code @Derivative} primals of the round that have a forward mode (from a
     *     forward rule, or from the reverse rule of a primal of scalars)
     * @param nested the round's nested calls ({@code OtherGrad.gGrad(args).x()}): the adapter of one
     *     has a forward mode ({@code gGrad_xJvp}, through {@code gHvp}) where {@code g} has an {@code gHvp}
     */
    static Map<String, TangentMethod> of(Collection<MethodIr> methods, Elements elements, Set<String> fromRules,
                                         List<dev.fluxion.processor.model.NestedCall> nested) {
        Map<String, dev.fluxion.processor.model.NestedCall> adapters = new LinkedHashMap<>();
        nested.forEach(n -> adapters.putIfAbsent(n.adapter().key(), n));
        Set<String> inRound = new HashSet<>();
        Map<String, Set<String>> namesByOwner = new LinkedHashMap<>();
        for (MethodIr m : methods) {
            inRound.add(m.self().key());
            namesByOwner.computeIfAbsent(m.self().ownerQualifiedName(), k -> new HashSet<>()).add(m.name());
        }
        Map<String, TangentMethod> done = new LinkedHashMap<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (MethodIr m : methods) {
                String key = m.self().key();
                if (done.containsKey(key) || namesByOwner.get(m.self().ownerQualifiedName())
                        .contains(Names.jvpMethod(m.name())) || size(m.body().stmts(), MAX_NODES) > MAX_NODES) {
                    continue;
                }
                Optional<TangentMethod> t = ForwardMode.derive(m, callee -> {
                    if (adapters.containsKey(callee.key())) {
                        var n = adapters.get(callee.key());
                        String g = n.callee().key();
                        return NestedAdapters.hasForwardMode(n, inRound.contains(g), done.get(g), done, elements);
                    }
                    return inRound.contains(callee.key()) ? done.containsKey(callee.key())
                            : fromRules.contains(callee.key()) || compiledWithJvp(callee, elements);
                });
                if (t.isPresent() && GradClassWriter.fits(t.get())) {
                    done.put(key, t.get());
                    changed = true;
                }
            }
        }
        return done;
    }

    /**
     * The directional derivative whose gradient is {@code fHvp}, made from the forward mode {@code t}
     * with its callees' tangent programs written in ({@link dev.fluxion.processor.fwd.CallInlining}),
     * or empty where second order does not support it or the inlined program is over {@link #MAX_NODES}.
     *
     * @param callees the forward modes calls can be inlined from, by key
     */
    static Optional<MethodIr> directional(TangentMethod t, Map<String, TangentMethod> callees) {
        try {
            TangentMethod inlined = dev.fluxion.processor.fwd.CallInlining.inline(t, callees);
            return size(inlined.body(), MAX_NODES) > MAX_NODES ? Optional.empty()
                    : dev.fluxion.processor.fwd.Directional.of(inlined);
        } catch (RuntimeException | StackOverflowError e) {
            return Optional.empty(); // second order is not supported for this method yet
        }
    }

    /** Whether {@code m}'s generated class, compiled earlier, declares {@code mJvp}. */
    private static boolean compiledWithJvp(Callee.UserMethod m, Elements elements) {
        String owner = m.ownerQualifiedName();
        int dot = owner.lastIndexOf('.');
        String grad = (dot < 0 ? "" : owner.substring(0, dot + 1)) + Names.gradClass(owner.substring(dot + 1));
        TypeElement type = elements.getTypeElement(grad);
        if (type == null) {
            return false;
        }
        List<ExecutableElement> ms = ElementFilter.methodsIn(type.getEnclosedElements());
        return ms.stream().anyMatch(e -> e.getSimpleName().contentEquals(Names.jvpMethod(m.name())));
    }

    /**
     * A note for each call, in a method left without a forward mode, of a {@code @Derivative}
     * primal whose rules give none ({@code reverseOnly}: key → name): the call is why, and a forward
     * rule is the cure. Empty where every such caller has a forward mode anyway.
     */
    static List<dev.fluxion.processor.model.Diagnostic> forwardRuleNotes(MethodIr m, Map<String, TangentMethod> tangents,
                                                                       Map<String, String> reverseOnly) {
        if (reverseOnly.isEmpty() || tangents.containsKey(m.self().key())) {
            return List.of();
        }
        List<dev.fluxion.processor.model.Diagnostic> out = new java.util.ArrayList<>();
        Set<String> named = new HashSet<>();
        for (dev.fluxion.processor.ir.Expr e : dev.fluxion.processor.ir.Stmts.allNodes(m.body().stmts())) {
            if (e instanceof dev.fluxion.processor.ir.Expr.Call c && c.callee() instanceof Callee.User u
                    && reverseOnly.containsKey(u.method().key()) && named.add(u.method().key())) {
                out.add(new dev.fluxion.processor.model.Diagnostic(javax.tools.Diagnostic.Kind.NOTE,
                        dev.fluxion.processor.model.Messages.FORWARD_RULE_NEEDED, c.pos(),
                        List.of(m.name(), reverseOnly.get(u.method().key()))));
            }
        }
        return out;
    }
}
