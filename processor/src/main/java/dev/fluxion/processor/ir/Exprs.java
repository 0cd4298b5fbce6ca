package dev.fluxion.processor.ir;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Structural operations on expressions: rebuilding, renaming, free variables. */
public final class Exprs {
    private Exprs() {}

    /** {@code e} with its children replaced, in {@link Expr#children()} order. */
    public static Expr withChildren(Expr e, List<Expr> c) {
        return switch (e) {
            case Expr.Binary b -> new Expr.Binary(b.op(), c.get(0), c.get(1), b.type(), b.pos());
            case Expr.Unary u -> new Expr.Unary(u.op(), c.get(0), u.type(), u.pos());
            case Expr.Conditional x -> new Expr.Conditional(c.get(0), c.get(1), c.get(2), x.type(), x.pos());
            case Expr.Cast x -> new Expr.Cast(x.type(), c.get(0), x.pos());
            case Expr.Call x -> new Expr.Call(x.callee(), c, x.type(), x.pos());
            case Expr.ArrayRead x -> new Expr.ArrayRead(c.get(0), c.get(1), x.type(), x.pos());
            case Expr.ArrayLength x -> new Expr.ArrayLength(c.get(0), x.pos());
            case Expr.NewArray x -> x.length() == null ? new Expr.NewArray(x.type(), c, null, x.pos())
                    : new Expr.NewArray(x.type(), x.elements(), c.get(0), x.pos());
            default -> e;
        };
    }

    /** Applies {@code f} bottom-up to every node. */
    public static Expr map(Expr e, UnaryOperator<Expr> f) {
        List<Expr> children = e.children();
        if (children.isEmpty()) {
            return f.apply(e);
        }
        List<Expr> mapped = new ArrayList<>(children.size());
        for (Expr c : children) {
            mapped.add(map(c, f));
        }
        return f.apply(withChildren(e, mapped));
    }

    /** {@code e} with variables renamed by {@code names} (absent names stay). */
    public static Expr rename(Expr e, Map<String, String> names) {
        return map(e, x -> x instanceof Expr.Var v && names.containsKey(v.name())
                ? new Expr.Var(names.get(v.name()), v.type(), v.pos()) : x);
    }

    /** The variables {@code e} reads, in first-read order. */
    public static Set<String> vars(Expr e) {
        Set<String> out = new LinkedHashSet<>();
        collect(e, out);
        return out;
    }

    private static void collect(Expr e, Set<String> out) {
        if (e instanceof Expr.Var v) {
            out.add(v.name());
        }
        for (Expr c : e.children()) {
            collect(c, out);
        }
    }

    /** Whether {@code e} is a leaf: a variable, literal, constant or field read. */
    public static boolean isAtom(Expr e) {
        return e.children().isEmpty();
    }

    /** The variables read by a statement and everything nested in it. */
    public static Set<String> vars(Stmt s) {
        Set<String> out = new LinkedHashSet<>();
        switch (s) {
            case Stmt.Let l -> {
                if (l.init() != null) {
                    collect(l.init(), out);
                }
            }
            case Stmt.Assign a -> {
                out.add(a.name());
                collect(a.value(), out);
            }
            case Stmt.ArrayAccumulate a -> {
                out.add(a.array());
                collect(a.index(), out);
                collect(a.value(), out);
            }
            case Stmt.ArrayStore a -> {
                out.add(a.array());
                collect(a.index(), out);
                collect(a.value(), out);
            }
            case Stmt.Return r -> collect(r.value(), out);
            case Stmt.ExprStmt x -> collect(x.expr(), out);
            case Stmt.Block b -> b.stmts().forEach(x -> out.addAll(vars(x)));
            case Stmt.If i -> {
                collect(i.condition(), out);
                out.addAll(vars(i.then()));
                out.addAll(vars(i.otherwise()));
            }
            case Stmt.While w -> {
                collect(w.condition(), out);
                out.addAll(vars(w.body()));
            }
            case Stmt.DoWhile d -> {
                collect(d.condition(), out);
                out.addAll(vars(d.body()));
            }
            case Stmt.For f -> {
                f.init().forEach(x -> out.addAll(vars(x)));
                if (f.condition() != null) {
                    collect(f.condition(), out);
                }
                f.update().forEach(x -> out.addAll(vars(x)));
                out.addAll(vars(f.body()));
            }
            default -> { }
        }
        return out;
    }

    /** {@code s} with every expression renamed (and assigned names too). */
    public static Stmt rename(Stmt s, Map<String, String> names) {
        return switch (s) {
            case Stmt.Let l -> new Stmt.Let(names.getOrDefault(l.name(), l.name()), l.type(),
                    l.init() == null ? null : rename(l.init(), names), l.pos());
            case Stmt.Assign a -> new Stmt.Assign(names.getOrDefault(a.name(), a.name()), rename(a.value(), names),
                    a.pos());
            case Stmt.ArrayAccumulate a -> new Stmt.ArrayAccumulate(names.getOrDefault(a.array(), a.array()),
                    rename(a.index(), names), rename(a.value(), names), a.pos());
            case Stmt.ArrayStore a -> new Stmt.ArrayStore(names.getOrDefault(a.array(), a.array()),
                    rename(a.index(), names), rename(a.value(), names), a.pos());
            case Stmt.Return r -> new Stmt.Return(rename(r.value(), names), r.pos());
            case Stmt.ExprStmt x -> new Stmt.ExprStmt(rename(x.expr(), names), x.pos());
            case Stmt.Block b -> new Stmt.Block(b.stmts().stream().map(x -> rename(x, names)).toList(), b.pos());
            case Stmt.If i -> new Stmt.If(rename(i.condition(), names), (Stmt.Block) rename(i.then(), names),
                    (Stmt.Block) rename(i.otherwise(), names), i.pos());
            case Stmt.While w -> new Stmt.While(rename(w.condition(), names), (Stmt.Block) rename(w.body(), names),
                    w.pos());
            case Stmt.DoWhile d -> new Stmt.DoWhile((Stmt.Block) rename(d.body(), names),
                    rename(d.condition(), names), d.pos());
            case Stmt.For f -> new Stmt.For(f.init().stream().map(x -> rename(x, names)).toList(),
                    f.condition() == null ? null : rename(f.condition(), names),
                    f.update().stream().map(x -> rename(x, names)).toList(), (Stmt.Block) rename(f.body(), names),
                    f.pos());
            default -> s;
        };
    }
}
