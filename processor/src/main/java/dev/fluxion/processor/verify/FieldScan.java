package dev.fluxion.processor.verify;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The fields of {@code this} a method reads, directly or through the methods it calls. */
final class FieldScan {
    private final Registry registry;
    private final Map<List<String>, Expr.FieldRead> found = new LinkedHashMap<>();
    private final Set<String> visited = new HashSet<>();

    private FieldScan(Registry registry) {
        this.registry = registry;
    }

    /** Every field read, by path, in first-read order. */
    static List<Expr.FieldRead> of(MethodIr m, Registry registry) {
        FieldScan s = new FieldScan(registry);
        s.method(m);
        return new ArrayList<>(s.found.values());
    }

    private void method(MethodIr m) {
        if (visited.add(m.self().key())) {
            stmt(m.body());
        }
    }

    private void stmt(Stmt s) {
        switch (s) {
            case Stmt.Let l -> expr(l.init());
            case Stmt.Assign a -> expr(a.value());
            case Stmt.ArrayAccumulate a -> {
                expr(a.index());
                expr(a.value());
            }
            case Stmt.Return r -> expr(r.value());
            case Stmt.ExprStmt e -> expr(e.expr());
            case Stmt.Block b -> b.stmts().forEach(this::stmt);
            case Stmt.If i -> {
                expr(i.condition());
                stmt(i.then());
                stmt(i.otherwise());
            }
            case Stmt.While w -> {
                expr(w.condition());
                stmt(w.body());
            }
            case Stmt.DoWhile d -> {
                stmt(d.body());
                expr(d.condition());
            }
            case Stmt.For f -> {
                f.init().forEach(this::stmt);
                expr(f.condition());
                f.update().forEach(this::stmt);
                stmt(f.body());
            }
            default -> { }
        }
    }

    private void expr(Expr e) {
        if (e == null) {
            return;
        }
        if (e instanceof Expr.FieldRead f) {
            found.putIfAbsent(f.path(), f);
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Callee.User u) {
            registry.plain(u.method().key()).ifPresent(this::method);
        }
        e.children().forEach(this::expr);
    }
}
