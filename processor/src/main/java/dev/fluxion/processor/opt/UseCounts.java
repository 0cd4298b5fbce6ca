package dev.fluxion.processor.opt;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Stmt;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many times each local is assigned and read in a list of statements, nested blocks and loops
 * included: what the opt passes check before they fold a value into its one reader.
 */
final class UseCounts {
    private final Map<String, Integer> reads = new HashMap<>();
    private final Map<String, Integer> defs = new HashMap<>();

    UseCounts(List<Stmt> stmts) {
        stmts.forEach(this::count);
    }

    /** How many times {@code name} is read. */
    int reads(String name) {
        return reads.getOrDefault(name, 0);
    }

    /** How many times {@code name} is assigned (a declaration with a value counts). */
    int defs(String name) {
        return defs.getOrDefault(name, 0);
    }

    private void count(Stmt s) {
        switch (s) {
            case Stmt.Let l -> {
                if (l.init() != null) {
                    defs.merge(l.name(), 1, Integer::sum);
                    countReads(l.init());
                }
            }
            case Stmt.Assign a -> {
                defs.merge(a.name(), 1, Integer::sum);
                countReads(a.value());
            }
            case Stmt.ArrayAccumulate a -> {
                defs.merge(a.array(), 1, Integer::sum);
                reads.merge(a.array(), 1, Integer::sum);
                countReads(a.index());
                countReads(a.value());
            }
            case Stmt.Return r -> countReads(r.value());
            case Stmt.ExprStmt x -> countReads(x.expr());
            case Stmt.Block b -> b.stmts().forEach(this::count);
            case Stmt.If i -> {
                countReads(i.condition());
                count(i.then());
                count(i.otherwise());
            }
            case Stmt.While w -> {
                countReads(w.condition());
                count(w.body());
            }
            case Stmt.DoWhile w -> {
                countReads(w.condition());
                count(w.body());
            }
            case Stmt.For f -> {
                f.init().forEach(this::count);
                if (f.condition() != null) {
                    countReads(f.condition());
                }
                f.update().forEach(this::count);
                count(f.body());
            }
            default -> { }
        }
    }

    private void countReads(Expr e) {
        if (e instanceof Expr.Var v) {
            reads.merge(v.name(), 1, Integer::sum);
        }
        e.children().forEach(this::countReads);
    }
}
