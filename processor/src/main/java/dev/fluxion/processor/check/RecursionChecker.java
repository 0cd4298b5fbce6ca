package dev.fluxion.processor.check;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Stmts;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.Messages;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds direct and mutual recursion among the {@code @Differentiable} methods of a round. Recursion
 * among static methods is differentiated as written ({@code RecursionTest}); a call that closes a
 * cycle within one class is checkpointed ({@link #checkpointedCallees}): it keeps the callee's
 * arguments and value, not its pullback, and its backward runs the callee's {@code fVjp} again, so
 * the memory of a recursion's backward pass grows with its depth, not with its number of calls. A
 * cycle through a {@code Module} method (a Module field of its own class's type) is refused.
 */
public final class RecursionChecker {
    private RecursionChecker() {}

    /** The keys of the methods that take part in a cycle of calls through a non-static method. */
    public static Set<String> recursiveMethods(List<MethodIr> methods) {
        Map<String, List<Expr.Call>> calls = callGraph(methods);
        Set<String> instance = new HashSet<>();
        methods.stream().filter(m -> !m.self().isStatic()).forEach(m -> instance.add(m.self().key()));
        Set<String> out = new HashSet<>();
        for (var entry : calls.entrySet()) {
            for (Expr.Call c : entry.getValue()) {
                String callee = ((Callee.User) c.callee()).method().key();
                if (reaches(callee, entry.getKey(), calls) && cycleThroughInstance(entry.getKey(), calls, instance)) {
                    out.add(entry.getKey());
                }
            }
        }
        return out;
    }

    /** Whether a method on a cycle through {@code key} (itself included) is an instance method. */
    private static boolean cycleThroughInstance(String key, Map<String, List<Expr.Call>> calls, Set<String> instance) {
        for (String k : calls.keySet()) {
            if (instance.contains(k) && reaches(key, k, calls) && reaches(k, key, calls)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The keys of the static methods of {@code method}'s own class that {@code method} calls and
     * that call it back, directly or not: its calls to them are checkpointed. Tapenade treats every
     * call so ("joint mode"); here only the calls of a recursion are, where keeping each callee's
     * pullback would keep one per call of the whole recursion tree (det by minors of an 11×11
     * matrix: 10⁸ pullbacks) and recomputing costs a factor of the depth.
     */
    public static Set<String> checkpointedCallees(MethodIr method, List<MethodIr> all) {
        Map<String, List<Expr.Call>> calls = callGraph(all);
        Set<String> out = new HashSet<>();
        for (Expr.Call c : calls.getOrDefault(method.self().key(), List.of())) {
            Callee.UserMethod callee = ((Callee.User) c.callee()).method();
            if (callee.isStatic() && callee.ownerQualifiedName().equals(method.self().ownerQualifiedName())
                    && reaches(callee.key(), method.self().key(), calls)) {
                out.add(callee.key());
            }
        }
        return out;
    }

    /** An error on each call in {@code method} that closes a cycle among {@code all}. */
    public static List<Diagnostic> check(MethodIr method, List<MethodIr> all) {
        Map<String, List<Expr.Call>> calls = callGraph(all);
        List<Diagnostic> out = new ArrayList<>();
        for (Expr.Call c : calls.getOrDefault(method.self().key(), List.of())) {
            Callee.UserMethod callee = ((Callee.User) c.callee()).method();
            if (reaches(callee.key(), method.self().key(), calls)) {
                out.add(Diagnostic.error(Messages.RECURSION, c.pos(), callee.name()));
            }
        }
        return out;
    }

    private static Map<String, List<Expr.Call>> callGraph(List<MethodIr> methods) {
        Map<String, List<Expr.Call>> calls = new LinkedHashMap<>();
        for (MethodIr m : methods) {
            List<Expr.Call> userCalls = new ArrayList<>();
            for (Expr e : Stmts.allNodes(m.body().stmts())) {
                if (e instanceof Expr.Call c && c.callee() instanceof Callee.User) {
                    userCalls.add(c);
                }
            }
            calls.put(m.self().key(), userCalls);
        }
        return calls;
    }

    private static boolean reaches(String from, String to, Map<String, List<Expr.Call>> calls) {
        Set<String> seen = new HashSet<>();
        Deque<String> work = new ArrayDeque<>(List.of(from));
        while (!work.isEmpty()) {
            String k = work.pop();
            if (k.equals(to)) {
                return true;
            }
            if (seen.add(k)) {
                for (Expr.Call c : calls.getOrDefault(k, List.of())) {
                    work.push(((Callee.User) c.callee()).method().key());
                }
            }
        }
        return false;
    }
}
