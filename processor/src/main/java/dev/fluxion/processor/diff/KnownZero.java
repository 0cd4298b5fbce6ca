package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns {@code a_adj += c} into {@code a_adj = c} where {@code a_adj} is known to hold {@code 0.0}
 * (just declared or zeroed, on every path). The JIT may not drop {@code 0.0 + c} itself (it is
 * {@code +0.0}, not {@code c}, for {@code c = -0.0}), and a scalar loop's backward pass makes a
 * first contribution to most of its cotangents on every trip. Tensor adjoints the same way: one
 * known to be null gets {@code a_adj = c} for {@code Derivatives.accumulate(a_adj, c)}; and a guard
 * {@code if (g != null)} on a cotangent known to be set (the pullback's own cotangent, or one a
 * derivative rule just computed) becomes its statements. Straight-line tensor code then reads as
 * the rules apply, with no null tests.
 */
final class KnownZero {
    /** The suffix of a fact "this local is known not to be null" in the fact sets. */
    private static final String NON_NULL = "!";

    private final Set<String> adjoints;
    private final Set<String> tensorAdjoints;

    private KnownZero(Set<String> adjoints, Set<String> tensorAdjoints) {
        this.adjoints = adjoints;
        this.tensorAdjoints = tensorAdjoints;
    }

    /** {@code stmts} with each first contribution to a zero adjoint (one of {@code adjoints}) made an assignment. */
    static List<Stmt> apply(List<Stmt> stmts, Set<String> adjoints) {
        return apply(stmts, adjoints, Set.of(), Set.of());
    }

    /**
     * As {@link #apply(List, Set)}, and for the Tensor adjoints {@code tensorAdjoints} too; the
     * locals {@code nonNull} (the pullback's cotangent) are known to be set at the start.
     */
    static List<Stmt> apply(List<Stmt> stmts, Set<String> adjoints, Set<String> tensorAdjoints, Set<String> nonNull) {
        List<Stmt> out = new ArrayList<>();
        Set<String> facts = new HashSet<>();
        nonNull.forEach(n -> facts.add(n + NON_NULL));
        new KnownZero(adjoints, tensorAdjoints).block(stmts, facts, out);
        return out;
    }

    /** Rewrites {@code stmts} into {@code out} (when not null) given the facts {@code z}; returns them after. */
    private Set<String> block(List<Stmt> stmts, Set<String> z, List<Stmt> out) {
        for (Stmt s : stmts) {
            if (s instanceof Stmt.If i && isNullTest(i.condition(), z) && i.otherwise().stmts().isEmpty()) {
                block(i.then().stmts(), z, out); // the guarded cotangent is set: no test
                continue;
            }
            Stmt r = statement(s, z);
            if (out != null) {
                out.add(r);
            }
        }
        return z;
    }

    /** {@code c} without its {@code g != null && ...} tests of a {@code g} known not to be null. */
    private static Expr withoutKnownTests(Expr c, Set<String> z) {
        if (c instanceof Expr.Binary b && b.op() == Expr.BinOp.AND) {
            Expr l = withoutKnownTests(b.left(), z);
            Expr r = withoutKnownTests(b.right(), z);
            if (isNullTest(l, z)) {
                return r;
            }
            if (isNullTest(r, z)) {
                return l;
            }
            return new Expr.Binary(Expr.BinOp.AND, l, r, b.type(), b.pos());
        }
        return c;
    }

    /** {@code g != null} for a {@code g} known not to be null. */
    private static boolean isNullTest(Expr condition, Set<String> z) {
        return condition instanceof Expr.Binary b && b.op() == Expr.BinOp.NE && b.left() instanceof Expr.Var v
                && b.right() instanceof Expr.Literal l && l.text().equals("null") && z.contains(v.name() + NON_NULL);
    }

    private Stmt statement(Stmt s, Set<String> z) {
        return switch (s) {
            case Stmt.Let l -> {
                set(z, l.name(), l.init());
                yield l;
            }
            case Stmt.Assign a -> {
                Stmt r = a;
                if (z.contains(a.name()) && a.value() instanceof Expr.Binary b && b.op() == Expr.BinOp.PLUS
                        && b.left() instanceof Expr.Var v && v.name().equals(a.name())
                        && !Exprs.vars(b.right()).contains(a.name())) {
                    r = new Stmt.Assign(a.name(), b.right(), a.pos());
                }
                if (z.contains(a.name()) && a.value() instanceof Expr.Call c
                        && c.callee() instanceof Callee.Static st && st.name().equals("accumulate")
                        && c.args().get(0) instanceof Expr.Var v && v.name().equals(a.name())
                        && !Exprs.vars(c.args().get(1)).contains(a.name())) {
                    r = new Stmt.Assign(a.name(), c.args().get(1), a.pos());
                }
                set(z, a.name(), r instanceof Stmt.Assign ra ? ra.value() : null);
                yield r;
            }
            case Stmt.If i0 -> {
                Stmt.If i = new Stmt.If(withoutKnownTests(i0.condition(), z), i0.then(), i0.otherwise(), i0.pos());
                Set<String> then = new HashSet<>(z);
                Set<String> otherwise = new HashSet<>(z);
                List<Stmt> t = new ArrayList<>();
                List<Stmt> o = new ArrayList<>();
                block(i.then().stmts(), then, t);
                block(i.otherwise().stmts(), otherwise, o);
                then.retainAll(otherwise);
                z.clear();
                z.addAll(then);
                yield new Stmt.If(i.condition(), new Stmt.Block(t, i.then().pos()),
                        new Stmt.Block(o, i.otherwise().pos()), i.pos());
            }
            case Stmt.For f -> {
                List<Stmt> init = new ArrayList<>();
                block(f.init(), z, init);
                List<Stmt> body = loopBody(f.body().stmts(), z);
                yield new Stmt.For(init, f.condition(), f.update(), new Stmt.Block(body, f.body().pos()), f.pos());
            }
            case Stmt.While w -> new Stmt.While(w.condition(), new Stmt.Block(loopBody(w.body().stmts(), z),
                    w.body().pos()), w.pos());
            case Stmt.Block b -> {
                List<Stmt> inner = new ArrayList<>();
                block(b.stmts(), z, inner);
                yield new Stmt.Block(inner, b.pos());
            }
            default -> s;
        };
    }

    /**
     * A loop body, rewritten with what is zero at the start of every trip: the largest set zero on
     * entry and again at the end of a trip that starts with it (a decreasing fixpoint). After the
     * loop (which may run no trip) that same set holds.
     */
    private List<Stmt> loopBody(List<Stmt> body, Set<String> z) {
        Set<String> entry = new HashSet<>(z);
        while (true) {
            Set<String> end = block(body, new HashSet<>(entry), null);
            Set<String> next = new HashSet<>(entry);
            next.retainAll(end);
            if (next.equals(entry)) {
                break;
            }
            entry = next;
        }
        List<Stmt> out = new ArrayList<>();
        block(body, new HashSet<>(entry), out);
        z.clear();
        z.addAll(entry);
        return out;
    }

    private void set(Set<String> z, String name, Expr value) {
        boolean zero = value instanceof Expr.Literal lit
                && (adjoints.contains(name) && isZero(lit.text())
                || tensorAdjoints.contains(name) && lit.text().equals("null"));
        if (zero) {
            z.add(name);
        } else {
            z.remove(name);
        }
        if (value != null && (isComputed(value) || value instanceof Expr.Var v && z.contains(v.name() + NON_NULL))) {
            z.add(name + NON_NULL);
        } else {
            z.remove(name + NON_NULL);
        }
    }

    /** A derivative rule's or an operation's result: never null. */
    private static boolean isComputed(Expr value) {
        return value instanceof Expr.Call c && (c.callee() instanceof Callee.Known
                || c.callee() instanceof Callee.Static st && st.ownerQualifiedName().equals(Build.DERIVATIVES));
    }

    private static boolean isZero(String text) {
        return text.equals("0.0") || text.equals("0") || text.equals("0d");
    }
}
