package dev.fluxion.processor.diff;

import dev.fluxion.processor.Names;
import dev.fluxion.processor.ir.Activity;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings a straight-line body into {@link Primal} form: single assignment (a reassigned local
 * gets a new version, {@code y}, {@code y2}, ...) and a named temporary for each compound
 * operand the backward pass needs. Operands that carry no gradient and are cheap stay inline.
 */
public final class Linearizer {
    private final MethodIr method;
    private final Names.Scope scope;
    private final Map<String, String> current = new HashMap<>();
    private final Map<String, Type> types = new HashMap<>();
    private final Set<String> defined = new HashSet<>();
    private final Set<String> varied = new HashSet<>();
    private final Map<List<String>, Primal.Leaf> leaves = new LinkedHashMap<>();
    private final List<Stmt> out = new ArrayList<>();
    private Pos stmtPos = Pos.NONE;

    private Linearizer(MethodIr method) {
        this.method = method;
        Set<String> taken = new HashSet<>();
        method.params().forEach(p -> taken.add(p.name()));
        collectNames(method.body(), taken);
        taken.add(Names.MODEL);
        this.scope = new Names.Scope(taken);
    }

    /** The primal form of {@code method}, whose body must be straight-line. */
    public static Primal linearize(MethodIr method) {
        Linearizer l = new Linearizer(method);
        for (Param p : method.params()) {
            l.current.put(p.name(), p.name());
            l.defined.add(p.name());
            if (p.differentiable()) {
                l.varied.add(p.name());
            }
        }
        Expr result = null;
        for (Stmt s : method.body().stmts()) {
            l.stmtPos = s.pos();
            switch (s) {
                case Stmt.Let let -> {
                    l.types.put(let.name(), let.type());
                    if (let.init() != null) {
                        l.define(let.name(), let.type(), let.init());
                    }
                }
                case Stmt.Assign a -> l.define(a.name(), a.value().type(), a.value());
                case Stmt.Return r -> result = l.returned(r.value());
                case Stmt.ExprStmt e -> { } // pure: nothing to keep
                default -> throw new IllegalStateException("not straight-line: " + s.getClass().getSimpleName());
            }
        }
        return new Primal(method, List.copyOf(l.leaves.values()), l.out, result, l.varied);
    }

    private static void collectNames(Stmt s, Set<String> into) {
        switch (s) {
            case Stmt.Let l -> into.add(l.name());
            case Stmt.Block b -> b.stmts().forEach(x -> collectNames(x, into));
            case Stmt.If i -> {
                collectNames(i.then(), into);
                collectNames(i.otherwise(), into);
            }
            case Stmt.While w -> collectNames(w.body(), into);
            case Stmt.DoWhile d -> collectNames(d.body(), into);
            case Stmt.For f -> {
                f.init().forEach(x -> collectNames(x, into));
                collectNames(f.body(), into);
            }
            default -> { }
        }
    }

    private void define(String userName, Type type, Expr value) {
        Expr lowered = lowerRoot(value);
        String name = defined.add(userName) ? userName : scope.fresh(userName);
        current.put(userName, name);
        emit(name, type, lowered);
    }

    private Expr returned(Expr value) {
        Expr lowered = lowerRoot(value);
        if (Exprs.isAtom(lowered)) {
            return lowered;
        }
        String name = scope.fresh(Names.result());
        emit(name, value.type(), lowered);
        return new Expr.Var(name, value.type(), value.pos());
    }

    private void emit(String name, Type type, Expr init) {
        if (isVaried(init)) {
            varied.add(name);
        }
        out.add(new Stmt.Let(name, type, init, stmtPos));
    }

    /** The root of a statement's expression stays compound: it binds to the user's own name. */
    private Expr lowerRoot(Expr e) {
        return lower(e);
    }

    private Expr lower(Expr e) {
        switch (e) {
            case Expr.Var v -> {
                return new Expr.Var(current.getOrDefault(v.name(), v.name()), v.type(), v.pos());
            }
            case Expr.FieldRead f when f.parameter() -> {
                Primal.Leaf leaf = leaves.computeIfAbsent(f.path(),
                        p -> new Primal.Leaf(scope.fresh(Names.fieldLocal(p)), f));
                varied.add(leaf.local());
                return new Expr.Var(leaf.local(), f.type(), f.pos());
            }
            case Expr.Unsupported u -> throw new IllegalStateException("unsupported node reached diff: " + u.what());
            default -> {
                if (e.children().isEmpty()) {
                    return e;
                }
            }
        }
        List<Expr> children = new ArrayList<>();
        for (Expr c : e.children()) {
            children.add(lower(c));
        }
        Expr rebuilt = Exprs.withChildren(e, children);
        if (!isVaried(rebuilt)) {
            return rebuilt;
        }
        List<Expr> hoisted = new ArrayList<>();
        for (Expr c : children) {
            hoisted.add(needsName(c) ? hoist(c) : c);
        }
        return Exprs.withChildren(rebuilt, hoisted);
    }

    /** Whether an operand of a varied node must be computed once into a named local. */
    private boolean needsName(Expr c) {
        if (Exprs.isAtom(c)) {
            return false;
        }
        if (isVaried(c)) {
            return true;
        }
        return c.type().isTensor() || containsCall(c);
    }

    private static boolean containsCall(Expr e) {
        return e instanceof Expr.Call || e.children().stream().anyMatch(Linearizer::containsCall);
    }

    private Expr hoist(Expr c) {
        String name = scope.temp(hint(c));
        emit(name, c.type(), c);
        return new Expr.Var(name, c.type(), c.pos());
    }

    private boolean isVaried(Expr e) {
        if (e instanceof Expr.Var v) {
            return varied.contains(v.name());
        }
        if (Activity.readsParameters(e)) {
            return true;
        }
        for (Expr c : Activity.differentiableChildren(e)) {
            if (isVaried(c)) {
                return true;
            }
        }
        return false;
    }

    /** What a temporary is called after: the operation that computed it. */
    static String hint(Expr e) {
        return switch (e) {
            case Expr.Binary b -> switch (b.op()) {
                case PLUS -> "sum";
                case MINUS -> "diff";
                case TIMES -> "prod";
                case DIVIDE -> "quot";
                default -> "cond";
            };
            case Expr.Unary u -> "neg";
            case Expr.Call c -> switch (c.callee()) {
                case Callee.Known k -> k.op().javaName();
                case Callee.User u -> u.method().name();
                case Callee.Static s -> s.name();
                case Callee.Instance i -> i.name();
            };
            case Expr.Cast c -> "cast";
            case Expr.Conditional c -> "choice";
            case Expr.ArrayRead a -> "elem";
            default -> "tmp";
        };
    }
}
