package dev.fluxion.processor.diff;

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
 * first contribution to most of its cotangents on every trip. Only double adjoints change; tensor
 * ones accumulate through {@code Derivatives.accumulate}, which already starts from null.
 */
final class KnownZero {
    private final Set<String> adjoints;

    private KnownZero(Set<String> adjoints) {
        this.adjoints = adjoints;
    }

    /** {@code stmts} with each first contribution to a zero adjoint (one of {@code adjoints}) made an assignment. */
    static List<Stmt> apply(List<Stmt> stmts, Set<String> adjoints) {
        List<Stmt> out = new ArrayList<>();
        new KnownZero(adjoints).block(stmts, new HashSet<>(), out);
        return out;
    }

    /** Rewrites {@code stmts} into {@code out} (when not null) given the zero set {@code z}; returns it after. */
    private Set<String> block(List<Stmt> stmts, Set<String> z, List<Stmt> out) {
        for (Stmt s : stmts) {
            Stmt r = statement(s, z);
            if (out != null) {
                out.add(r);
            }
        }
        return z;
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
                set(z, a.name(), r instanceof Stmt.Assign ra ? ra.value() : null);
                yield r;
            }
            case Stmt.If i -> {
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
        if (adjoints.contains(name) && value instanceof Expr.Literal lit && isZero(lit.text())) {
            z.add(name);
        } else {
            z.remove(name);
        }
    }

    private static boolean isZero(String text) {
        return text.equals("0.0") || text.equals("0") || text.equals("0d");
    }
}
