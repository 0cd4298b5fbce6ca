package dev.fluxion.processor.ir;

import java.util.ArrayList;
import java.util.List;

/** Questions about statement lists that several phases ask. */
public final class Stmts {
    private Stmts() {}

    /** Whether {@code stmts} contain a {@code return} anywhere, in nested blocks, branches and loops included. */
    public static boolean returns(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            boolean found = switch (s) {
                case Stmt.Return r -> true;
                case Stmt.Block b -> returns(b.stmts());
                case Stmt.If i -> returns(i.then().stmts()) || returns(i.otherwise().stmts());
                case Stmt.While w -> returns(w.body().stmts());
                case Stmt.DoWhile d -> returns(d.body().stmts());
                case Stmt.For f -> returns(f.body().stmts());
                default -> false;
            };
            if (found) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code stmts} branch or loop anywhere: an {@code if}, a loop or a {@code ?:}.
     * Straight-line code does neither; in code that does, a value can be left behind at run time
     * (overwritten on the path taken), so its cotangent is exactly zero — the reverse engine skips
     * such a cotangent's contributions, and the verifier relies on it.
     */
    public static boolean branchesOrLoops(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            boolean found = switch (s) {
                case Stmt.If i -> true;
                case Stmt.While w -> true;
                case Stmt.DoWhile d -> true;
                case Stmt.For f -> true;
                case Stmt.Block b -> branchesOrLoops(b.stmts());
                default -> expressionsOf(s).stream().anyMatch(Stmts::choosesAValue);
            };
            if (found) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every expression held by {@code stmts} and by the statements nested in them (an if's
     * branches, a loop's body, a for's init and update), as whole trees: their subexpressions are
     * their {@link Expr#children()}.
     */
    public static List<Expr> allExpressions(List<Stmt> stmts) {
        List<Expr> out = new ArrayList<>();
        java.util.ArrayDeque<Stmt> todo = new java.util.ArrayDeque<>(stmts);
        while (!todo.isEmpty()) {
            Stmt s = todo.pop();
            for (Expr e : expressionsOf(s)) {
                if (e != null) {
                    out.add(e);
                }
            }
            switch (s) {
                case Stmt.Block b -> todo.addAll(b.stmts());
                case Stmt.If i -> {
                    todo.add(i.then());
                    todo.add(i.otherwise());
                }
                case Stmt.While w -> todo.add(w.body());
                case Stmt.DoWhile d -> todo.add(d.body());
                case Stmt.For f -> {
                    todo.addAll(f.init());
                    todo.addAll(f.update());
                    todo.add(f.body());
                }
                default -> { }
            }
        }
        return out;
    }

    /** Every expression node of {@code stmts} at any depth: {@link #allExpressions} and all their subexpressions. */
    public static List<Expr> allNodes(List<Stmt> stmts) {
        List<Expr> out = new ArrayList<>();
        java.util.ArrayDeque<Expr> todo = new java.util.ArrayDeque<>(allExpressions(stmts));
        while (!todo.isEmpty()) {
            Expr e = todo.pop();
            out.add(e);
            todo.addAll(e.children());
        }
        return out;
    }

    /** The expressions directly held by a statement (not those of nested statements). */
    public static List<Expr> expressionsOf(Stmt s) {
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

    private static boolean choosesAValue(Expr e) {
        return e instanceof Expr.Conditional || e.children().stream().anyMatch(Stmts::choosesAValue);
    }
}
