package dev.fluxion.processor.opt;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Two rewrites of a backward pass's element writes to its adjoint arrays ({@link PrivateArrays}:
 * arrays only their own name reaches), which leave every value the same:
 * <ol>
 * <li><b>pass-through</b>: the backward of {@code a[j] += e} reads {@code a_adj[j]}, zeroes it and,
 *     as the backward of the read of {@code a[j]} on the right, adds the same value back
 *     ({@code double s_adj = a_adj[j]; a_adj[j] = 0.0; double r_adj = s_adj; ... a_adj[j] += r_adj;}).
 *     Nothing in between touching {@code a_adj} or changing {@code j}, the zeroing and the adding
 *     back are both dropped: the element keeps its value (a {@code -0.0} stays {@code -0.0} instead
 *     of becoming {@code 0.0 + -0.0}).</li>
 * <li><b>loop-invariant accumulation</b>: a loop ({@code for (; it > 0; it--)}, no {@code break},
 *     {@code continue} or {@code return}) whose body adds, as one of its top-level statements, to
 *     {@code a_adj[i]} with an index the loop does not change, and touches {@code a_adj} nowhere
 *     else, adds into a local instead, read from the element before the loop and written back after
 *     it (both only when the loop runs at least once): the same additions in the same order, but
 *     the running sum stays in a register instead of making each trip wait for the last trip's
 *     store ({@code xCentered_adj[i] += l[li] * qx_adj[j]} in GMM's triangular product).</li>
 * </ol>
 */
public final class AdjointArrayLoops {
    private AdjointArrayLoops() {}

    /** {@code stmts} (a whole backward pass) rewritten; {@code fresh} names new locals. */
    public static List<Stmt> apply(List<Stmt> stmts, UnaryOperator<String> fresh) {
        Set<String> arrays = PrivateArrays.of(stmts);
        if (arrays.isEmpty()) {
            return stmts;
        }
        return rewrite(stmts, arrays, fresh);
    }

    private static List<Stmt> rewrite(List<Stmt> stmts, Set<String> arrays, UnaryOperator<String> fresh) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Block b -> out.add(new Stmt.Block(rewrite(b.stmts(), arrays, fresh), b.pos()));
                case Stmt.If i -> out.add(new Stmt.If(i.condition(),
                        new Stmt.Block(rewrite(i.then().stmts(), arrays, fresh), i.then().pos()),
                        new Stmt.Block(rewrite(i.otherwise().stmts(), arrays, fresh), i.otherwise().pos()), i.pos()));
                case Stmt.While w -> out.add(new Stmt.While(w.condition(),
                        new Stmt.Block(rewrite(w.body().stmts(), arrays, fresh), w.body().pos()), w.pos()));
                case Stmt.DoWhile d -> out.add(new Stmt.DoWhile(
                        new Stmt.Block(rewrite(d.body().stmts(), arrays, fresh), d.body().pos()), d.condition(), d.pos()));
                case Stmt.For f -> {
                    Stmt.For inner = new Stmt.For(f.init(), f.condition(), f.update(),
                            new Stmt.Block(rewrite(f.body().stmts(), arrays, fresh), f.body().pos()), f.pos());
                    out.add(accumulateInLocal(inner, arrays, fresh));
                }
                default -> out.add(s);
            }
        }
        return dropPassThrough(out, arrays);
    }

    // ------------------------------------------------------------------ 1. pass-through

    private static List<Stmt> dropPassThrough(List<Stmt> stmts, Set<String> arrays) {
        List<Stmt> out = new ArrayList<>(stmts);
        for (int p = 0; p + 1 < out.size(); p++) {
            if (!(out.get(p) instanceof Stmt.Let read && read.init() instanceof Expr.ArrayRead r
                    && r.array() instanceof Expr.Var a && arrays.contains(a.name())
                    && out.get(p + 1) instanceof Stmt.ArrayStore zero && zero.array().equals(a.name())
                    && isZero(zero.value()) && sameIndex(zero.index(), r.index()))) {
                continue;
            }
            int back = addedBack(out, p + 2, read.name(), a.name(), r.index());
            if (back >= 0) {
                out.remove(back);
                out.remove(p + 1);
            }
        }
        return out;
    }

    /**
     * The position of the {@code a[index] += copy} that adds back what {@code read} holds, copies
     * made at the top level in between ({@code double r_adj = s_adj;}), with nothing in between
     * touching {@code a}, changing the index's variables or a copy, or leaving the block early;
     * -1 if there is none.
     */
    private static int addedBack(List<Stmt> stmts, int from, String read, String array, Expr index) {
        Set<String> copies = new HashSet<>(List.of(read));
        Set<String> fixed = new HashSet<>(Exprs.vars(index));
        for (int q = from; q < stmts.size(); q++) {
            Stmt s = stmts.get(q);
            if (s instanceof Stmt.ArrayAccumulate acc && acc.array().equals(array)
                    && acc.value() instanceof Expr.Var v && copies.contains(v.name()) && sameIndex(acc.index(), index)) {
                return q;
            }
            if (mentions(s, array) || jumps(s) || !disjoint(assigned(s), copies) || !disjoint(assigned(s), fixed)) {
                return -1;
            }
            if (s instanceof Stmt.Let l && l.init() instanceof Expr.Var v && copies.contains(v.name())) {
                copies.add(l.name());
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ 2. loop-invariant accumulation

    private static Stmt accumulateInLocal(Stmt.For loop, Set<String> arrays, UnaryOperator<String> fresh) {
        if (!loop.init().isEmpty() || loop.condition() == null || !isPure(loop.condition()) || jumps(loop.body())) {
            return loop;
        }
        Set<String> changed = new HashSet<>();
        loop.update().forEach(s -> changed.addAll(assigned(s)));
        changed.addAll(assigned(loop.body()));
        List<Stmt> body = loop.body().stmts();
        for (int p = 0; p < body.size(); p++) {
            if (!(body.get(p) instanceof Stmt.ArrayAccumulate acc) || !arrays.contains(acc.array())
                    || !isPure(acc.index()) || !disjoint(Exprs.vars(acc.index()), changed)
                    || mentionsOutside(loop, acc)) {
                continue;
            }
            String sum = fresh.apply(acc.array() + "_sum");
            Type.Prim dbl = Type.Prim.DOUBLE;
            Expr.Var sumVar = new Expr.Var(sum, dbl, Pos.NONE);
            List<Stmt> newBody = new ArrayList<>(body);
            newBody.set(p, new Stmt.Assign(sum, new Expr.Binary(Expr.BinOp.PLUS, sumVar, acc.value(), dbl, acc.pos()),
                    acc.pos()));
            Stmt.For rewritten = new Stmt.For(loop.init(), loop.condition(), loop.update(),
                    new Stmt.Block(newBody, loop.body().pos()), loop.pos());
            Expr.Var arrayVar = new Expr.Var(acc.array(), new Type.ArrayOf(dbl), Pos.NONE);
            Stmt.Block guarded = new Stmt.Block(List.of(
                    new Stmt.Let(sum, dbl, new Expr.ArrayRead(arrayVar, acc.index(), dbl, acc.pos()), acc.pos()),
                    accumulateInLocal(rewritten, arrays, fresh),
                    new Stmt.ArrayStore(acc.array(), acc.index(), sumVar, acc.pos())), loop.pos());
            return new Stmt.If(loop.condition(), guarded, new Stmt.Block(List.of(), loop.pos()), loop.pos());
        }
        return loop;
    }

    /** Whether the loop names {@code acc}'s array anywhere but in {@code acc} itself. */
    private static boolean mentionsOutside(Stmt.For loop, Stmt.ArrayAccumulate acc) {
        if (Exprs.vars(acc.index()).contains(acc.array()) || Exprs.vars(acc.value()).contains(acc.array())) {
            return true;
        }
        if (Exprs.vars(loop.condition()).contains(acc.array())) {
            return true;
        }
        for (Stmt s : loop.update()) {
            if (mentions(s, acc.array())) {
                return true;
            }
        }
        for (Stmt s : loop.body().stmts()) {
            if (s != acc && mentions(s, acc.array())) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ helpers

    private static boolean mentions(Stmt s, String name) {
        return Exprs.vars(s).contains(name) || assigned(s).contains(name);
    }

    /** The names {@code s} or a statement nested in it assigns or declares, arrays whose elements it writes included. */
    private static Set<String> assigned(Stmt s) {
        Set<String> out = new HashSet<>();
        collectAssigned(List.of(s), out);
        return out;
    }

    private static void collectAssigned(List<Stmt> stmts, Set<String> out) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Let l -> out.add(l.name());
                case Stmt.Assign a -> out.add(a.name());
                case Stmt.ArrayStore a -> out.add(a.array());
                case Stmt.ArrayAccumulate a -> out.add(a.array());
                case Stmt.Block b -> collectAssigned(b.stmts(), out);
                case Stmt.If i -> {
                    collectAssigned(i.then().stmts(), out);
                    collectAssigned(i.otherwise().stmts(), out);
                }
                case Stmt.While w -> collectAssigned(w.body().stmts(), out);
                case Stmt.DoWhile d -> collectAssigned(d.body().stmts(), out);
                case Stmt.For f -> {
                    collectAssigned(f.init(), out);
                    collectAssigned(f.update(), out);
                    collectAssigned(f.body().stmts(), out);
                }
                default -> { }
            }
        }
    }

    /** Whether {@code s} holds a {@code break}, {@code continue} or {@code return} at any depth. */
    private static boolean jumps(Stmt s) {
        return switch (s) {
            case Stmt.Break b -> true;
            case Stmt.Continue c -> true;
            case Stmt.Return r -> true;
            case Stmt.Block b -> b.stmts().stream().anyMatch(AdjointArrayLoops::jumps);
            case Stmt.If i -> jumps(i.then()) || jumps(i.otherwise());
            case Stmt.While w -> jumps(w.body());
            case Stmt.DoWhile d -> jumps(d.body());
            case Stmt.For f -> jumps(f.body());
            default -> false;
        };
    }

    /** Arithmetic on variables, literals and lengths: no call, no element read, nothing that changes state. */
    private static boolean isPure(Expr e) {
        boolean self = e instanceof Expr.Var || e instanceof Expr.Literal || e instanceof Expr.Binary
                || e instanceof Expr.Unary || e instanceof Expr.Cast || e instanceof Expr.ArrayLength;
        return self && e.children().stream().allMatch(AdjointArrayLoops::isPure);
    }

    /** Whether two pure expressions are the same arithmetic on the same names (positions aside). */
    private static boolean sameIndex(Expr a, Expr b) {
        return isPure(a) && isPure(b) && same(a, b);
    }

    private static boolean same(Expr a, Expr b) {
        boolean node = switch (a) {
            case Expr.Var v -> b instanceof Expr.Var w && v.name().equals(w.name());
            case Expr.Literal l -> b instanceof Expr.Literal m && l.text().equals(m.text()) && l.type().equals(m.type());
            case Expr.Binary x -> b instanceof Expr.Binary y && x.op() == y.op();
            case Expr.Unary x -> b instanceof Expr.Unary y && x.op() == y.op();
            case Expr.Cast x -> b instanceof Expr.Cast y && x.type().equals(y.type());
            case Expr.ArrayLength x -> b instanceof Expr.ArrayLength;
            default -> false;
        };
        if (!node || a.children().size() != b.children().size()) {
            return false;
        }
        for (int i = 0; i < a.children().size(); i++) {
            if (!same(a.children().get(i), b.children().get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(Expr e) {
        return e instanceof Expr.Literal lit && (lit.text().equals("0.0") || lit.text().equals("0"));
    }

    private static boolean disjoint(Set<String> a, Set<String> b) {
        return a.stream().noneMatch(b::contains);
    }
}
