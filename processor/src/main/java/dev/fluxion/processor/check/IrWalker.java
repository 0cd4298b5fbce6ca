package dev.fluxion.processor.check;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Visits every expression of a statement tree, children before parents. */
final class IrWalker {
    private IrWalker() {}

    /** The expressions directly held by a statement (not those of nested statements). */
    static List<Expr> exprsOf(Stmt s) {
        List<Expr> out = new ArrayList<>();
        switch (s) {
            case Stmt.Let l -> {
                if (l.init() != null) {
                    out.add(l.init());
                }
            }
            case Stmt.Assign a -> out.add(a.value());
            case Stmt.ArrayAccumulate a -> {
                out.add(a.index());
                out.add(a.value());
            }
            case Stmt.ArrayStore a -> {
                out.add(a.index());
                out.add(a.value());
            }
            case Stmt.Return r -> out.add(r.value());
            case Stmt.ExprStmt e -> out.add(e.expr());
            case Stmt.If i -> out.add(i.condition());
            case Stmt.While w -> out.add(w.condition());
            case Stmt.DoWhile d -> out.add(d.condition());
            case Stmt.For f -> {
                if (f.condition() != null) {
                    out.add(f.condition());
                }
            }
            default -> { }
        }
        return out;
    }

    /** Calls {@code visitor} on {@code e} and every subexpression, children first. */
    static void postOrder(Expr e, Consumer<Expr> visitor) {
        for (Expr c : e.children()) {
            postOrder(c, visitor);
        }
        visitor.accept(e);
    }
}
