package dev.fluxion.processor.check;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Stmt;
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

/** Finds direct and mutual recursion among the {@code @Differentiable} methods of a round. */
public final class RecursionChecker {
    private RecursionChecker() {}

    /** The keys of the methods that take part in a cycle of calls. */
    public static Set<String> recursiveMethods(List<MethodIr> methods) {
        Map<String, List<Expr.Call>> calls = callGraph(methods);
        Set<String> out = new HashSet<>();
        for (var entry : calls.entrySet()) {
            for (Expr.Call c : entry.getValue()) {
                if (reaches(((Callee.User) c.callee()).method().key(), entry.getKey(), calls)) {
                    out.add(entry.getKey());
                }
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
            collect(m.body(), userCalls);
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

    private static void collect(Stmt s, List<Expr.Call> out) {
        switch (s) {
            case Stmt.Block b -> b.stmts().forEach(x -> collect(x, out));
            case Stmt.If i -> {
                collect(i.then(), out);
                collect(i.otherwise(), out);
            }
            case Stmt.While w -> collect(w.body(), out);
            case Stmt.DoWhile d -> collect(d.body(), out);
            case Stmt.For f -> {
                f.init().forEach(x -> collect(x, out));
                f.update().forEach(x -> collect(x, out));
                collect(f.body(), out);
            }
            default -> { }
        }
        for (Expr e : IrWalker.exprsOf(s)) {
            IrWalker.postOrder(e, x -> {
                if (x instanceof Expr.Call c && c.callee() instanceof Callee.User) {
                    out.add(c);
                }
            });
        }
    }
}
