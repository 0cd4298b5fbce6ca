package dev.fluxion.processor.opt;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Stmts;
import dev.fluxion.processor.ir.Type;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code double[]} locals of a statement list that no other name can reach: each is declared
 * once, at the top of the list, as a new array ({@code double[] x_adj = new double[x.length];}, or
 * {@code a == null ? null : new double[a.length]}), never assigned, and read only through its
 * elements and its length (never passed to a call, copied into another local or returned from
 * inside the list). A backward pass's adjoint arrays are such locals; an element write to one can
 * then only be seen through its own name, which {@link AdjointArrayLoops} relies on.
 */
final class PrivateArrays {
    private PrivateArrays() {}

    /** The private {@code double[]} locals of {@code stmts}. */
    static Set<String> of(List<Stmt> stmts) {
        Set<String> candidates = new HashSet<>();
        for (Stmt s : stmts) {
            if (s instanceof Stmt.Let l && l.type().equals(new Type.ArrayOf(Type.Prim.DOUBLE)) && isNewArray(l.init())) {
                candidates.add(l.name());
            }
        }
        Map<String, Integer> declarations = new HashMap<>();
        Set<String> escaping = new HashSet<>();
        scan(stmts, declarations, escaping);
        candidates.removeIf(n -> escaping.contains(n) || declarations.getOrDefault(n, 0) != 1);
        return candidates;
    }

    private static boolean isNewArray(Expr init) {
        return init instanceof Expr.NewArray
                || init instanceof Expr.Conditional c && isNewOrNull(c.whenTrue()) && isNewOrNull(c.whenFalse())
                        && (c.whenTrue() instanceof Expr.NewArray || c.whenFalse() instanceof Expr.NewArray);
    }

    private static boolean isNewOrNull(Expr e) {
        return e instanceof Expr.NewArray || e instanceof Expr.Literal lit && lit.text().equals("null");
    }

    private static void scan(List<Stmt> stmts, Map<String, Integer> declarations, Set<String> escaping) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Let l -> declarations.merge(l.name(), 1, Integer::sum);
                // Assigning a name makes it another array: it is no longer the one declared.
                case Stmt.Assign a -> escaping.add(a.name());
                case Stmt.Block b -> scan(b.stmts(), declarations, escaping);
                case Stmt.If i -> {
                    scan(i.then().stmts(), declarations, escaping);
                    scan(i.otherwise().stmts(), declarations, escaping);
                }
                case Stmt.While w -> scan(w.body().stmts(), declarations, escaping);
                case Stmt.DoWhile d -> scan(d.body().stmts(), declarations, escaping);
                case Stmt.For f -> {
                    scan(f.init(), declarations, escaping);
                    scan(f.update(), declarations, escaping);
                    scan(f.body().stmts(), declarations, escaping);
                }
                default -> { }
            }
            for (Expr e : Stmts.expressionsOf(s)) {
                escapes(e, escaping);
            }
        }
    }

    /** Adds every variable {@code e} reads other than as the array of an element read or a length. */
    private static void escapes(Expr e, Set<String> escaping) {
        switch (e) {
            case Expr.Var v -> escaping.add(v.name());
            case Expr.ArrayRead r when r.array() instanceof Expr.Var -> escapes(r.index(), escaping);
            case Expr.ArrayLength len when len.array() instanceof Expr.Var -> { }
            default -> e.children().forEach(c -> escapes(c, escaping));
        }
    }
}
