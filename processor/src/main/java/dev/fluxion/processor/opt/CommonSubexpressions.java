package dev.fluxion.processor.opt;

import dev.fluxion.processor.diff.Primal;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Common-subexpression elimination on the primal: IR expressions are pure and the primal assigns
 * each local once, so two locals bound to structurally equal expressions hold the same value, and
 * the second is replaced by the first everywhere. {@code (pred - y) * (pred - y)} computes
 * {@code pred - y} once, and the backward pass sees one operand with two uses.
 */
public final class CommonSubexpressions {
    private CommonSubexpressions() {}

    /** {@code primal} with repeated computations bound once. */
    public static Primal apply(Primal primal) {
        Map<Expr, String> seen = new HashMap<>();
        Map<String, String> renames = new HashMap<>();
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : primal.stmts()) {
            if (!(s instanceof Stmt.Let let) || let.init() == null) {
                out.add(Exprs.rename(s, renames));
                continue;
            }
            Expr init = Exprs.rename(let.init(), renames);
            String earlier = Exprs.isAtom(init) ? null : seen.get(init);
            if (earlier != null) {
                renames.put(let.name(), earlier);
            } else {
                if (!Exprs.isAtom(init)) {
                    seen.put(init, let.name());
                }
                out.add(new Stmt.Let(let.name(), let.type(), init, let.pos()));
            }
        }
        Set<String> varied = new HashSet<>(primal.varied());
        varied.removeAll(renames.keySet());
        return new Primal(primal.method(), primal.leaves(), out, Exprs.rename(primal.result(), renames), varied);
    }
}
