package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Skips a backward loop whose cotangents are all zero when it starts. A loop's backward trips only
 * pass cotangents on (each contribution is a cotangent times a partial, and a zero cotangent's is
 * skipped already, see {@code AssignReversal}): when every scalar adjoint the loop reads or writes
 * is zero on entry, its trips add nothing anywhere and leave those adjoints zero, so
 * <pre>{@code
 * for (int iteration1 = ints_.pop(); ...) { l_ = l_ - 1; ...; centroids_adj[j_ * d + l_] += -diff_adj; ... }
 * }</pre>
 * becomes
 * <pre>{@code
 * int iteration1 = ints_.pop();
 * if (dist_adj != 0.0 || diff_adj != 0.0) { for (; iteration1 > 0; iteration1--) { ... } }
 * else { l_ = l_ - iteration1; }   // the counters the trips step, stepped at once
 * }</pre>
 * This is where a {@code Math.min}/{@code Math.max} or a branch picks one of many values (k-means'
 * nearest centroid: the distance loop of every other centroid has a zero cotangent).
 *
 * <p>Only loops of the backward shape the engine writes ({@code iteration > 0}, {@code iteration--})
 * whose body has no effect but on its own locals, on scalar adjoints, on adjoint arrays by
 * {@code +=}, and on counters stepped once per trip by a constant: no tape read (a skipped pop
 * would shift the tape), no call but a known scalar operation, no element write, no read of an
 * adjoint array's element.
 */
final class ZeroCotangentLoops {
    private final Set<String> scalarAdjoints;
    private final Set<String> adjoints;

    private ZeroCotangentLoops(Set<String> scalarAdjoints, Set<String> adjoints) {
        this.scalarAdjoints = scalarAdjoints;
        this.adjoints = adjoints;
    }

    /**
     * {@code stmts} with each qualifying backward loop guarded by its cotangents.
     *
     * @param scalarAdjoints the double adjoints
     * @param adjoints every adjoint (arrays and tensors too)
     */
    static List<Stmt> apply(List<Stmt> stmts, Set<String> scalarAdjoints, Set<String> adjoints) {
        return new ZeroCotangentLoops(scalarAdjoints, adjoints).block(stmts);
    }

    private List<Stmt> block(List<Stmt> stmts) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.For f -> loop(f, out);
                case Stmt.If i -> out.add(new Stmt.If(i.condition(), blockOf(i.then()), blockOf(i.otherwise()), i.pos()));
                case Stmt.While w -> out.add(new Stmt.While(w.condition(), blockOf(w.body()), w.pos()));
                case Stmt.Block b -> out.add(blockOf(b));
                default -> out.add(s);
            }
        }
        return out;
    }

    private Stmt.Block blockOf(Stmt.Block b) {
        return new Stmt.Block(block(b.stmts()), b.pos());
    }

    private void loop(Stmt.For f, List<Stmt> out) {
        Stmt.For inner = new Stmt.For(f.init(), f.condition(), f.update(), blockOf(f.body()), f.pos());
        String trips = countDown(f);
        Body body = new Body();
        if (trips == null || !body.scan(f.body().stmts(), true) || body.guard.isEmpty()
                || body.guard.contains(trips) || body.counters.containsKey(trips)) {
            out.add(inner);
            return;
        }
        Expr tripVar = new Expr.Var(trips, Type.Prim.INT, Pos.NONE);
        out.addAll(f.init());
        Expr guard = null;
        for (String adj : body.guard) {
            Expr nonZero = Build.cmp(Expr.BinOp.NE, new Expr.Var(adj, Type.Prim.DOUBLE, Pos.NONE), Build.num(0));
            guard = guard == null ? nonZero : Build.cmp(Expr.BinOp.OR, guard, nonZero);
        }
        List<Stmt> stepped = new ArrayList<>();
        body.counters.forEach((name, step) -> {
            Expr c = new Expr.Var(name, Type.Prim.INT, Pos.NONE);
            Expr by = step == 1 || step == -1 ? tripVar
                    : new Expr.Binary(Expr.BinOp.TIMES, tripVar, AssignReversal.intLit(Math.abs(step)), Type.Prim.INT, Pos.NONE);
            stepped.add(new Stmt.Assign(name, new Expr.Binary(step > 0 ? Expr.BinOp.PLUS : Expr.BinOp.MINUS, c, by,
                    Type.Prim.INT, Pos.NONE), f.pos()));
        });
        Stmt.For loop = new Stmt.For(List.of(), f.condition(), f.update(), inner.body(), f.pos());
        out.add(new Stmt.If(guard, new Stmt.Block(List.of(loop), f.pos()), new Stmt.Block(stepped, f.pos()), f.pos()));
    }

    /** The trip counter of {@code for ([int k = ...]; k > 0; k = k - 1)}, else null. */
    private static String countDown(Stmt.For f) {
        if (!(f.condition() instanceof Expr.Binary c) || c.op() != Expr.BinOp.GT
                || !(c.left() instanceof Expr.Var k) || !(c.right() instanceof Expr.Literal zero)
                || !zero.text().equals("0") || f.update().size() != 1
                || !(f.update().getFirst() instanceof Stmt.Assign a) || !a.name().equals(k.name())
                || !Integer.valueOf(-1).equals(AssignReversal.invertibleStep(a, Map.of(k.name(), Type.Prim.INT)))) {
            return null;
        }
        if (f.init().size() > 1 || f.init().size() == 1 && !(f.init().getFirst() instanceof Stmt.Let l && l.name().equals(k.name()))) {
            return null;
        }
        return k.name();
    }

    /** What a loop body touches: the adjoints to test, its counters; {@link #scan} says whether it qualifies. */
    private final class Body {
        final Set<String> guard = new LinkedHashSet<>();
        final Map<String, Integer> counters = new HashMap<>();
        final Set<String> declared = new HashSet<>();
        final Map<String, Integer> assignments = new HashMap<>();

        boolean scan(List<Stmt> stmts, boolean top) {
            collectDeclared(stmts);
            return stmts(stmts, top) && counters.keySet().stream().allMatch(c -> assignments.get(c) == 1);
        }

        private void collectDeclared(List<Stmt> stmts) {
            for (Stmt s : stmts) {
                switch (s) {
                    case Stmt.Let l -> declared.add(l.name());
                    case Stmt.If i -> {
                        collectDeclared(i.then().stmts());
                        collectDeclared(i.otherwise().stmts());
                    }
                    case Stmt.For f -> {
                        collectDeclared(f.init());
                        collectDeclared(f.body().stmts());
                    }
                    case Stmt.Block b -> collectDeclared(b.stmts());
                    default -> { }
                }
            }
        }

        private boolean stmts(List<Stmt> stmts, boolean top) {
            for (Stmt s : stmts) {
                if (!stmt(s, top)) {
                    return false;
                }
            }
            return true;
        }

        private boolean stmt(Stmt s, boolean top) {
            return switch (s) {
                case Stmt.Let l -> l.init() == null || expr(l.init());
                case Stmt.Assign a -> expr(a.value()) && assigned(a, top);
                case Stmt.ArrayAccumulate a -> adjoints.contains(a.array()) && !scalarAdjoints.contains(a.array())
                        && expr(a.index()) && expr(a.value());
                case Stmt.If i -> expr(i.condition()) && stmts(i.then().stmts(), false) && stmts(i.otherwise().stmts(), false);
                case Stmt.For f -> stmts(f.init(), false) && (f.condition() == null || expr(f.condition()))
                        && stmts(f.update(), false) && stmts(f.body().stmts(), false);
                case Stmt.Block b -> stmts(b.stmts(), top);
                default -> false;
            };
        }

        private boolean assigned(Stmt.Assign a, boolean top) {
            String name = a.name();
            assignments.merge(name, 1, Integer::sum);
            if (declared.contains(name)) {
                return true;
            }
            if (scalarAdjoints.contains(name)) {
                guard.add(name);
                return true;
            }
            Integer step = AssignReversal.invertibleStep(a, Map.of(name, Type.Prim.INT));
            if (top && step != null && a.value().type() == Type.Prim.INT) {
                counters.put(name, step);
                return true;
            }
            return false;
        }

        /** Whether {@code e} only computes (no tape read, no call but a known scalar operation), noting the adjoints it reads. */
        private boolean expr(Expr e) {
            switch (e) {
                case Expr.Var v -> {
                    if (declared.contains(v.name())) {
                        return true;
                    }
                    if (scalarAdjoints.contains(v.name())) {
                        guard.add(v.name());
                        return true;
                    }
                    return !adjoints.contains(v.name());
                }
                case Expr.Call c -> {
                    if (!(c.callee() instanceof Callee.Known) || !(c.type() instanceof Type.Prim)) {
                        return false;
                    }
                }
                case Expr.NewArray n -> {
                    return false;
                }
                case Expr.Unsupported u -> {
                    return false;
                }
                default -> { }
            }
            for (Expr child : e.children()) {
                if (!expr(child)) {
                    return false;
                }
            }
            return true;
        }
    }
}
