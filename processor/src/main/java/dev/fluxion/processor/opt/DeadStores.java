package dev.fluxion.processor.opt;

import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Dead-code elimination on a body with control flow (only {@link Stmt.Assign}, {@link Stmt.If}
 * and {@link Stmt.While}, as the lowering leaves it), inside loops and branches too: an
 * assignment whose variable nothing needed reads is dropped, then a branch or loop left with
 * nothing needed. A value the result does not depend on is then neither computed nor
 * differentiated ({@code s = 0.5 * s - Math.exp(x)} in a loop, with {@code return 2 * x}, must not
 * turn the gradient into {@code 0 * inf = NaN}).
 *
 * <p>What is needed is flow-insensitive, hence conservative: the result; every variable an
 * assignment to a needed variable reads; and the condition of a branch or loop that assigns a
 * needed variable (it decides whether, or how often, that assignment runs). Expressions are pure,
 * so dropping the rest changes nothing the result sees.
 */
public final class DeadStores {
    private DeadStores() {}

    /**
     * {@code body} without the assignments, branches and loops {@code results} do not need; each
     * loop kept is rebuilt, and reported to {@code rebuilt} (old, new) so callers keyed by loop
     * identity can follow.
     */
    public static List<Stmt> apply(List<Stmt> body, Set<String> results, IdentityHashMap<Stmt.While, Stmt.While> rebuilt) {
        Set<String> needed = new HashSet<>(results);
        while (mark(body, needed)) {
            // until nothing new is needed
        }
        return sweep(body, needed, rebuilt);
    }

    /** Adds what the needed assignments of {@code stmts} read; whether anything was added. */
    private static boolean mark(List<Stmt> stmts, Set<String> needed) {
        boolean changed = false;
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Assign a -> {
                    if (needed.contains(a.name())) {
                        changed |= needed.addAll(Exprs.vars(a.value()));
                    }
                }
                case Stmt.If i -> {
                    changed |= mark(i.then().stmts(), needed) | mark(i.otherwise().stmts(), needed);
                    if (assignsAny(i.then().stmts(), needed) || assignsAny(i.otherwise().stmts(), needed)) {
                        changed |= needed.addAll(Exprs.vars(i.condition()));
                    }
                }
                case Stmt.While w -> {
                    changed |= mark(w.body().stmts(), needed);
                    if (assignsAny(w.body().stmts(), needed)) {
                        changed |= needed.addAll(Exprs.vars(w.condition()));
                    }
                }
                default -> changed |= needed.addAll(Exprs.vars(s)); // kept as it is
            }
        }
        return changed;
    }

    private static boolean assignsAny(List<Stmt> stmts, Set<String> names) {
        for (Stmt s : stmts) {
            boolean hit = switch (s) {
                case Stmt.Assign a -> names.contains(a.name());
                case Stmt.If i -> assignsAny(i.then().stmts(), names) || assignsAny(i.otherwise().stmts(), names);
                case Stmt.While w -> assignsAny(w.body().stmts(), names);
                default -> true;
            };
            if (hit) {
                return true;
            }
        }
        return false;
    }

    private static List<Stmt> sweep(List<Stmt> stmts, Set<String> needed,
                                    IdentityHashMap<Stmt.While, Stmt.While> rebuilt) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Assign a -> {
                    if (needed.contains(a.name())) {
                        out.add(a);
                    }
                }
                case Stmt.If i -> {
                    List<Stmt> then = sweep(i.then().stmts(), needed, rebuilt);
                    List<Stmt> otherwise = sweep(i.otherwise().stmts(), needed, rebuilt);
                    if (!then.isEmpty() || !otherwise.isEmpty()) {
                        out.add(new Stmt.If(i.condition(), new Stmt.Block(then, i.then().pos()),
                                new Stmt.Block(otherwise, i.otherwise().pos()), i.pos()));
                    }
                }
                case Stmt.While w -> {
                    if (assignsAny(w.body().stmts(), needed)) {
                        Stmt.While kept = new Stmt.While(w.condition(), new Stmt.Block(sweep(w.body().stmts(),
                                needed, rebuilt), w.body().pos()), w.pos());
                        rebuilt.put(w, kept);
                        out.add(kept);
                    }
                }
                default -> out.add(s);
            }
        }
        return out;
    }
}
