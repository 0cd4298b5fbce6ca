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
 * and {@link Stmt.While}, as the lowering leaves it), inside loops and branches too, by liveness:
 * walking backwards from the result, an assignment to a local nothing reads later is dropped, and
 * so is a branch or loop that assigns nothing read after it. A value the result does not depend
 * on is then neither computed nor differentiated ({@code s = 0.5 * s - Math.exp(x)} in a loop, with
 * {@code return 2 * x}, must not turn the gradient into {@code 0 * inf = NaN}; nor a loop whose
 * result is overwritten before it is read). Expressions are pure, so dropping them changes nothing
 * the result sees (a loop that would not end is dropped too).
 */
public final class DeadStores {
    private DeadStores() {}

    /**
     * {@code body} without the assignments, branches and loops {@code results} do not need; each
     * loop kept is rebuilt, and reported to {@code rebuilt} (old, new) so callers keyed by loop
     * identity can follow.
     */
    public static List<Stmt> apply(List<Stmt> body, Set<String> results, IdentityHashMap<Stmt.While, Stmt.While> rebuilt) {
        return sweep(body, new HashSet<>(results), rebuilt);
    }

    /** {@code stmts} without dead code, given {@code live} after them; {@code live} becomes what is live before. */
    private static List<Stmt> sweep(List<Stmt> stmts, Set<String> live, IdentityHashMap<Stmt.While, Stmt.While> rebuilt) {
        List<Stmt> out = new ArrayList<>();
        for (int k = stmts.size() - 1; k >= 0; k--) {
            Stmt s = stmts.get(k);
            switch (s) {
                case Stmt.Assign a -> {
                    if (live.remove(a.name())) {
                        live.addAll(Exprs.vars(a.value()));
                        out.add(a);
                    }
                }
                case Stmt.ArrayStore a -> {
                    // a partial write: the array stays live before it
                    if (live.contains(a.array())) {
                        live.addAll(Exprs.vars(a));
                        out.add(a);
                    }
                }
                case Stmt.If i -> {
                    if (!assignsAny(List.of(i), live)) {
                        continue;
                    }
                    Set<String> thenLive = new HashSet<>(live);
                    List<Stmt> then = sweep(i.then().stmts(), thenLive, rebuilt);
                    Set<String> elseLive = new HashSet<>(live);
                    List<Stmt> otherwise = sweep(i.otherwise().stmts(), elseLive, rebuilt);
                    live.addAll(thenLive);
                    live.addAll(elseLive);
                    live.addAll(Exprs.vars(i.condition()));
                    out.add(new Stmt.If(i.condition(), new Stmt.Block(then, i.then().pos()),
                            new Stmt.Block(otherwise, i.otherwise().pos()), i.pos()));
                }
                case Stmt.While w -> {
                    if (!assignsAny(w.body().stmts(), live)) {
                        continue;
                    }
                    // Live at the head: after the loop, the condition, and before the body (a fixpoint).
                    Set<String> head = new HashSet<>(live);
                    head.addAll(Exprs.vars(w.condition()));
                    while (true) {
                        Set<String> beforeBody = new HashSet<>(head);
                        sweep(w.body().stmts(), beforeBody, new IdentityHashMap<>());
                        Set<String> next = new HashSet<>(head);
                        next.addAll(beforeBody);
                        if (next.equals(head)) {
                            break;
                        }
                        head = next;
                    }
                    Stmt.While kept = new Stmt.While(w.condition(), new Stmt.Block(sweep(w.body().stmts(),
                            new HashSet<>(head), rebuilt), w.body().pos()), w.pos());
                    rebuilt.put(w, kept);
                    out.add(kept);
                    live.addAll(head);
                }
                default -> {
                    live.addAll(Exprs.vars(s));
                    out.add(s);
                }
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** Whether {@code stmts} assign one of {@code names} (or do anything else than assign). */
    private static boolean assignsAny(List<Stmt> stmts, Set<String> names) {
        for (Stmt s : stmts) {
            boolean hit = switch (s) {
                case Stmt.Assign a -> names.contains(a.name());
                case Stmt.ArrayStore a -> names.contains(a.array());
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
}
