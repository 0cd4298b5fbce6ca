package dev.fluxion.processor.check;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Stmts;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Calls to a method whose {@code @Derivative} rule has errors: its generated pullback does not
 * exist, so the call is an error of its own (rather than javac's "cannot find symbol" in
 * generated code).
 */
public final class RuleCalls {
    private RuleCalls() {}

    /** An error at each call in {@code method} to one of {@code invalid} (method keys, {@code pkg.Owner#name}). */
    public static List<Diagnostic> check(MethodIr method, Set<String> invalid) {
        List<Diagnostic> out = new ArrayList<>();
        if (!invalid.isEmpty()) {
            walk(method.body(), invalid, out);
        }
        return out;
    }

    private static void walk(Stmt s, Set<String> invalid, List<Diagnostic> out) {
        for (Expr e : Stmts.expressionsOf(s)) {
            IrWalker.postOrder(e, x -> {
                if (x instanceof Expr.Call c && c.callee() instanceof Callee.User u
                        && invalid.contains(u.method().key())) {
                    out.add(Diagnostic.error(Messages.INVALID_RULE_CALL, c.pos(), c.pos().source(), u.method().name()));
                }
            });
        }
        switch (s) {
            case Stmt.Block b -> b.stmts().forEach(x -> walk(x, invalid, out));
            case Stmt.If i -> {
                walk(i.then(), invalid, out);
                walk(i.otherwise(), invalid, out);
            }
            case Stmt.While w -> walk(w.body(), invalid, out);
            case Stmt.DoWhile d -> walk(d.body(), invalid, out);
            case Stmt.For f -> {
                f.init().forEach(x -> walk(x, invalid, out));
                f.update().forEach(x -> walk(x, invalid, out));
                walk(f.body(), invalid, out);
            }
            default -> { }
        }
    }
}
