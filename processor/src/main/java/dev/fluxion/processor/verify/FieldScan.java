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

/**
 * The fields of {@code this} a method reads, directly or through the methods it calls; a method of
 * a {@code Module} field ({@code b1.forward(x)}) reads its fields under the field's path
 * ({@code b1.fc.weight}).
 */
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

    /** The path from the outermost model to the one the method being scanned runs on. */
    private List<String> prefix = List.of();

    private void method(MethodIr m) {
        if (visited.add(String.join(".", prefix) + "/" + m.self().key())) {
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
            case Stmt.ArrayStore a -> {
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
            List<String> path = concat(prefix, f.path());
            found.putIfAbsent(path, new Expr.FieldRead(path, f.type(), f.parameter(), f.pos()));
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Callee.User u && Callee.isLayerForward(u.method())) {
            throw new EvalException("it calls the forward pass of a run-time layer (" + layerName(c.args().get(0))
                    + "), whose sizes and configuration exist only at run time; the runtime's own tests check that"
                    + " layer's derivative against finite differences");
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Callee.User u) {
            List<String> outer = prefix;
            prefix = concat(prefix, u.receiver());
            // A callee compiled in an earlier javac run (a split build) has no IR here: its fields
            // cannot be found, so the method cannot be verified; say so rather than check less.
            method(registry.plain(u.method().key()).orElseThrow(() -> new EvalException("it calls "
                    + u.method().name() + " of " + u.method().ownerQualifiedName()
                    + ", whose body the verifier does not have (compiled in an earlier javac run, or not processed)")));
            prefix = outer;
        }
        e.children().forEach(this::expr);
    }

    private static String layerName(Expr layer) {
        String n = layer.type().javaName();
        return n.substring(n.lastIndexOf('.') + 1) + (layer instanceof Expr.FieldRead f ? " " + String.join(".", f.path()) : "");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
