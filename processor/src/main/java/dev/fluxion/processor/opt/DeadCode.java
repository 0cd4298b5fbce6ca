package dev.fluxion.processor.opt;

import dev.fluxion.processor.diff.DerivedMethod;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Dead-code elimination: drops backward statements whose adjoint nobody reads, then forward
 * locals that neither the result, a later forward statement nor the backward pass reads.
 * Statements with effects ({@code accumulateGrad}, array accumulation, a callee's backward) stay.
 */
public final class DeadCode {
    private DeadCode() {}

    /** {@code d} without dead statements; the saved values shrink accordingly. */
    public static DerivedMethod apply(DerivedMethod d) {
        Set<String> live = new HashSet<>();
        d.gradients().forEach(g -> live.addAll(Exprs.vars(g.value())));
        List<Stmt> backward = sweep(d.backward(), live);
        Set<String> backwardReads = new HashSet<>(live);
        Set<String> forwardLive = new HashSet<>(backwardReads);
        forwardLive.addAll(Exprs.vars(d.result()));
        List<Stmt> forward = sweep(d.forward(), forwardLive);
        List<Expr.Var> saved = d.saved().stream().filter(v -> backwardReads.contains(v.name())).toList();
        return new DerivedMethod(d.method(), forward, d.result(), d.cotangent(), backward, d.gradients(), saved,
                d.steps());
    }

    /** Keeps, from last to first, the statements with effects and those defining a live name. */
    private static List<Stmt> sweep(List<Stmt> stmts, Set<String> live) {
        List<Stmt> kept = new ArrayList<>();
        for (int i = stmts.size() - 1; i >= 0; i--) {
            Stmt s = stmts.get(i);
            String defined = switch (s) {
                case Stmt.Let l -> l.name();
                case Stmt.Assign a -> a.name();
                default -> null;
            };
            if (defined != null && !live.contains(defined)) {
                continue;
            }
            live.addAll(Exprs.vars(s));
            kept.add(s);
        }
        Collections.reverse(kept);
        return kept;
    }
}
