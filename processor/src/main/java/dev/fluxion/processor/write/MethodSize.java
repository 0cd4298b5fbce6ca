package dev.fluxion.processor.write;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Stmts;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A generous estimate of the bytecode a generated method body compiles to. The JVM allows 65,535
 * bytes per method; javac's "code too large" on generated code is something a user must never
 * see, so bodies estimated above {@link #SPLIT_ABOVE} are written as parts ({@link Parts}). Each
 * expression node is counted at the size of a wide local load or a call (the largest common
 * instructions), so the estimate stays above what javac emits.
 */
final class MethodSize {
    /** Bodies estimated larger are split into parts. */
    static final int SPLIT_ABOVE = 40_000;
    /** The most one part may hold, by estimate. */
    static final int PART = 24_000;
    /** What one method can hold at most. */
    static final int LIMIT = 65_535;

    private MethodSize() {}

    /** The estimate for {@code stmts}. */
    static int of(List<Stmt> stmts) {
        int total = 0;
        for (Stmt s : stmts) {
            total += of(s);
        }
        return total;
    }

    /** The estimate for one statement, nested statements included. */
    static int of(Stmt s) {
        int own = 6;
        for (Expr e : Stmts.expressionsOf(s)) {
            own += of(e);
        }
        return own + switch (s) {
            case Stmt.Block b -> of(b.stmts());
            case Stmt.If i -> 6 + of(i.then()) + of(i.otherwise());
            case Stmt.While w -> 6 + of(w.body());
            case Stmt.DoWhile d -> 6 + of(d.body());
            case Stmt.For f -> 6 + of(f.init()) + of(f.update()) + of(f.body());
            default -> 0;
        };
    }

    /** Expression nodes, counted without recursion. */
    private static int of(Expr root) {
        int total = 0;
        Deque<Expr> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Expr e = todo.pop();
            total += switch (e) {
                case Expr.Call c -> 6 + 2 * c.args().size();
                case Expr.NewArray n -> 8 + 4 * n.elements().size();
                case Expr.FieldRead f -> 4 + 4 * f.path().size();
                case Expr.Conditional c -> 8;
                default -> 4;
            };
            e.children().forEach(todo::push);
        }
        return total;
    }

}
