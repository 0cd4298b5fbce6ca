package dev.fluxion.processor.fwd;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.TangentMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Vector-mode forward differentiation: {@code fJvp}'s tangent program with every tangent widened
 * to {@code N} directions at once, so one pass gives {@code J·I}, the whole Jacobian by columns
 * (JAX's {@code jacfwd}, not {@code N} separate {@code fJvp} calls).
 * <p>
 * A scalar tangent {@code x_dot} becomes a {@code double[N]}; the tangent of an array {@code a}
 * becomes one flat {@code double[a.length · N]}, element {@code i}'s directions at
 * {@code [i·N, i·N + N)}. The seeds are the identity: input element {@code k} of the columns
 * {@code [c, c + len)} has tangent {@code e_{c+k}}. Each scalar tangent statement is linear in the
 * tangents, so it becomes a loop over the directions. The layout is loop-fused: the tangent
 * statements of a straight-line run sink past the primal statements they do not conflict with, and
 * run as one loop over the directions after them; their coefficients ({@code Math.cos(t)}) are
 * computed once before that loop, reusing a primal value where the run already computed the same
 * expression; and a tangent read only inside one such loop is a plain {@code double} there.
 * <p>
 * Only scalar and {@code double[]} code: a method with tensors or calls of other methods' forward
 * modes gets none ({@link #derive} is empty) and its Jacobian goes by rows.
 *
 * @param body the statements: seeds first, then the widened tangent program
 * @param value the value, read after {@code body}
 * @param resultTangent the result's tangent, flat {@code m × N} row-major, read after {@code body}
 * @param directions the local holding {@code N}
 * @param columns per differentiable parameter, in order: its first column
 */
public record VectorMode(List<Stmt> body, Expr value, Expr resultTangent, String directions, List<Expr> columns) {
    private static final Type.ArrayOf DOUBLES = new Type.ArrayOf(Type.Prim.DOUBLE);
    private static final Expr.Literal ZERO = new Expr.Literal("0.0", Type.Prim.DOUBLE, Pos.NONE);

    private static volatile int seedShift;

    /**
     * Tests only: until the returned handle is closed, every implicit seed reads the next input
     * element's column, a wrong widening for proving that the compile-time check catches one.
     */
    public static AutoCloseable shiftSeedsForTesting() {
        seedShift = 1;
        return () -> seedShift = 0;
    }

    /** The vector mode of {@code t} (a method with a {@code double[]} result), or empty where it has none. */
    public static Optional<VectorMode> derive(TangentMethod t) {
        try {
            return Optional.of(new Builder(t).run());
        } catch (ForwardMode.Unsupported e) {
            return Optional.empty();
        }
    }

    private static final class Builder {
        private final TangentMethod t;
        private final Set<String> scalars = new HashSet<>();
        private final Set<String> arrays = new HashSet<>();
        private final Set<String> taken = new HashSet<>();
        /** Statements mentioning each scalar tangent, outside its declaration. */
        private final Map<String, Integer> mentions = new HashMap<>();
        /** Scalar tangents that live in one direction loop: declared there as plain doubles. */
        private final Set<String> loopLocal = new HashSet<>();
        private final List<Stmt> declarations = new ArrayList<>();
        /** Scalar tangents declared zero at the top of the method. */
        private final List<String> topZero = new ArrayList<>();
        /** Input tangents left implicit (the identity): tangent → its first column. */
        private final Map<String, Expr> identity = new HashMap<>();
        private final Expr.Var n;
        private final String d;
        private int temps;

        Builder(TangentMethod t) {
            this.t = t;
            t.method().params().forEach(p -> taken.add(p.name()));
            t.tangents().forEach(p -> taken.add(p.name()));
            collectNames(t.body());
            this.n = new Expr.Var(fresh("directions"), Type.Prim.INT, Pos.NONE);
            this.d = fresh("d");
        }

        VectorMode run() {
            if (!(t.method().returnType() instanceof Type.ArrayOf r) || r.element() != Type.Prim.DOUBLE
                    || t.tangentOf().isEmpty()) {
                throw new ForwardMode.Unsupported("not a double[] result");
            }
            Set<String> tangentNames = new HashSet<>(t.tangentOf().values());
            t.tangents().forEach(p -> tangentNames.add(p.name()));
            classify(t.body(), tangentNames);
            for (Param p : t.tangents()) {
                if (p.type().isFloatingScalar()) {
                    scalars.add(p.name());
                } else if (p.type().equals(DOUBLES)) {
                    arrays.add(p.name());
                } else {
                    throw new ForwardMode.Unsupported("tangent of type " + p.type().javaName());
                }
            }
            count(t.body(), true);
            List<Stmt> out = new ArrayList<>();
            // N: the differentiable inputs' elements, in parameter order.
            Expr total = null;
            List<Expr> columns = new ArrayList<>();
            List<Param> diff = t.method().differentiableParams();
            for (Param p : diff) {
                columns.add(total == null ? intLit(0) : total);
                Expr size = p.type().isFloatingScalar() ? intLit(1) : new Expr.ArrayLength(var(p.name(), DOUBLES), Pos.NONE);
                total = total == null ? size : new Expr.Binary(Expr.BinOp.PLUS, total, size, Type.Prim.INT, Pos.NONE);
            }
            out.add(new Stmt.Let(n.name(), Type.Prim.INT, total == null ? intLit(0) : total, Pos.NONE));
            List<Expr> columnVars = new ArrayList<>();
            for (int k = 0; k < diff.size(); k++) {
                String c = fresh("column");
                out.add(new Stmt.Let(c, Type.Prim.INT, columns.get(k), Pos.NONE));
                columnVars.add(var(c, Type.Prim.INT));
                String seed = t.tangents().get(k).name();
                if (implicitSeed(seed, t.tangents().get(k).type())) {
                    identity.put(seed, var(c, Type.Prim.INT));
                } else {
                    seed(diff.get(k), seed, var(c, Type.Prim.INT), out);
                }
            }
            List<Stmt> body = block(t.body(), true);
            topZero.stream().filter(z -> !loopLocal.contains(z)).forEach(this::declare);
            out.addAll(declarations);
            out.addAll(body);
            Expr tangent = t.tangent();
            if (!(tangent instanceof Expr.Var tv) || !arrays.contains(tv.name())) {
                throw new ForwardMode.Unsupported("the result carries no array tangent");
            }
            return new VectorMode(out, t.value(), tangent, n.name(), columnVars);
        }

        /**
         * Whether an input's tangent can stay implicit: never assigned, and (an array's) only read
         * element by element; then {@code x_dot[i]} in direction {@code d} is {@code d == c + i ? 1 : 0},
         * with nothing allocated or loaded.
         */
        private boolean implicitSeed(String tangent, Type type) {
            if (assignedAnywhere(t.body(), tangent)) {
                return false;
            }
            int[] whole = {0};
            int[] elementwise = {0};
            visitExprs(t.body(), e -> {
                if (e instanceof Expr.Var v && v.name().equals(tangent)) {
                    whole[0]++;
                } else if (e instanceof Expr.ArrayRead r && r.array() instanceof Expr.Var a && a.name().equals(tangent)) {
                    elementwise[0]++;
                }
            });
            return type.isFloatingScalar() || whole[0] == elementwise[0];
        }

        private static boolean assignedAnywhere(List<Stmt> stmts, String name) {
            for (Stmt s : stmts) {
                boolean hit = switch (s) {
                    case Stmt.Let l -> l.name().equals(name);
                    case Stmt.Assign a -> a.name().equals(name);
                    case Stmt.ArrayStore a -> a.array().equals(name);
                    case Stmt.If i -> assignedAnywhere(i.then().stmts(), name)
                            || assignedAnywhere(i.otherwise().stmts(), name);
                    case Stmt.While w -> assignedAnywhere(w.body().stmts(), name);
                    default -> true; // unknown: materialise
                };
                if (hit) {
                    return true;
                }
            }
            return false;
        }

        /** Every expression node of {@code stmts}, at any depth. */
        private static void visitExprs(List<Stmt> stmts, java.util.function.Consumer<Expr> f) {
            for (Stmt s : stmts) {
                List<Expr> roots = new ArrayList<>();
                switch (s) {
                    case Stmt.Let l -> {
                        if (l.init() != null) {
                            roots.add(l.init());
                        }
                    }
                    case Stmt.Assign a -> roots.add(a.value());
                    case Stmt.ArrayStore a -> {
                        roots.add(a.index());
                        roots.add(a.value());
                    }
                    case Stmt.If i -> {
                        roots.add(i.condition());
                        visitExprs(i.then().stmts(), f);
                        visitExprs(i.otherwise().stmts(), f);
                    }
                    case Stmt.While w -> {
                        roots.add(w.condition());
                        visitExprs(w.body().stmts(), f);
                    }
                    default -> { }
                }
                java.util.ArrayDeque<Expr> todo = new java.util.ArrayDeque<>(roots);
                while (!todo.isEmpty()) {
                    Expr e = todo.pop();
                    f.accept(e);
                    todo.addAll(e.children());
                }
            }
        }

        /** {@code x_dot}: the identity's columns {@code [c, c + len)}. */
        private void seed(Param p, String tangent, Expr.Var column, List<Stmt> out) {
            if (p.type().isFloatingScalar()) {
                out.add(new Stmt.Let(tangent, DOUBLES, newArray(n), Pos.NONE));
                out.add(new Stmt.ArrayStore(tangent, column, lit(1.0), Pos.NONE));
                return;
            }
            Expr len = new Expr.ArrayLength(var(p.name(), DOUBLES), Pos.NONE);
            out.add(new Stmt.Let(tangent, DOUBLES, newArray(times(len, n)), Pos.NONE));
            String k = fresh("k");
            Expr.Var kv = var(k, Type.Prim.INT);
            Expr at = plus(times(kv, n), plus(column, kv));
            out.add(new Stmt.For(List.of(new Stmt.Let(k, Type.Prim.INT, intLit(0), Pos.NONE)),
                    new Expr.Binary(Expr.BinOp.LT, kv, len, Type.Prim.BOOLEAN, Pos.NONE),
                    List.of(new Stmt.Assign(k, plus(kv, intLit(1)), Pos.NONE)),
                    new Stmt.Block(List.of(new Stmt.ArrayStore(tangent, at, lit(1.0), Pos.NONE)), Pos.NONE), Pos.NONE));
        }

        // ------------------------------------------------------------ what is a tangent

        private void classify(List<Stmt> stmts, Set<String> tangentNames) {
            for (Stmt s : stmts) {
                switch (s) {
                    case Stmt.Let l when tangentNames.contains(l.name()) -> {
                        if (l.type().isFloatingScalar()) {
                            scalars.add(l.name());
                        } else if (l.type().equals(DOUBLES)) {
                            arrays.add(l.name());
                        } else {
                            throw new ForwardMode.Unsupported("tangent of type " + l.type().javaName());
                        }
                    }
                    case Stmt.Let l -> {
                        if (l.type().isTensor() || l.type() instanceof Type.Declared) {
                            throw new ForwardMode.Unsupported("a local of type " + l.type().javaName());
                        }
                    }
                    case Stmt.If i -> {
                        classify(i.then().stmts(), tangentNames);
                        classify(i.otherwise().stmts(), tangentNames);
                    }
                    case Stmt.While w -> classify(w.body().stmts(), tangentNames);
                    case Stmt.Assign a -> { }
                    case Stmt.ArrayStore a -> { }
                    default -> throw new ForwardMode.Unsupported("statement " + s.getClass().getSimpleName());
                }
            }
        }

        private boolean isTangent(Stmt s) {
            return switch (s) {
                case Stmt.Let l -> scalars.contains(l.name()) || arrays.contains(l.name());
                case Stmt.Assign a -> scalars.contains(a.name()) || arrays.contains(a.name());
                case Stmt.ArrayStore a -> arrays.contains(a.array());
                default -> false;
            };
        }

        private void count(List<Stmt> stmts, boolean top) {
            for (Stmt s : stmts) {
                switch (s) {
                    case Stmt.If i -> {
                        Exprs.vars(i.condition()).forEach(this::mention);
                        count(i.then().stmts(), false);
                        count(i.otherwise().stmts(), false);
                    }
                    case Stmt.While w -> {
                        Exprs.vars(w.condition()).forEach(this::mention);
                        count(w.body().stmts(), false);
                    }
                    case Stmt.Let l when top && scalars.contains(l.name()) && isZero(l.init()) -> { } // a declaration
                    default -> mentioned(s).forEach(this::mention);
                }
            }
        }

        /** The names {@code s} reads or writes (a declaration's name too). */
        private static Set<String> mentioned(Stmt s) {
            Set<String> out = new HashSet<>(Exprs.vars(s));
            if (s instanceof Stmt.Let l) {
                out.add(l.name());
            }
            return out;
        }

        private void mention(String name) {
            if (scalars.contains(name)) {
                mentions.merge(name, 1, Integer::sum);
            }
        }

        // ------------------------------------------------------------ statements

        /** One block: primal statements as they are, tangent statements gathered into direction loops. */
        private List<Stmt> block(List<Stmt> stmts, boolean top) {
            List<Stmt> out = new ArrayList<>();
            List<Stmt> pending = new ArrayList<>();
            Map<String, Avail> available = new LinkedHashMap<>();
            for (Stmt s : stmts) {
                if (isTangent(s)) {
                    if (s instanceof Stmt.Let l && scalars.contains(l.name()) && top && isZero(l.init())
                            && !pendingMentions(pending, l.name())) {
                        topZero.add(l.name()); // declared at the end, unless it lives in one loop
                        continue;
                    }
                    if (isElementwise(s)) {
                        pending.add(s);
                    } else {
                        flush(pending, available, out);
                        out.add(arrayTangent(s));
                    }
                    continue;
                }
                switch (s) {
                    case Stmt.If i -> {
                        flush(pending, available, out);
                        available.clear();
                        out.add(new Stmt.If(i.condition(), new Stmt.Block(block(i.then().stmts(), false), i.then().pos()),
                                new Stmt.Block(block(i.otherwise().stmts(), false), i.otherwise().pos()), i.pos()));
                    }
                    case Stmt.While w -> {
                        flush(pending, available, out);
                        available.clear();
                        out.add(new Stmt.While(w.condition(), new Stmt.Block(block(w.body().stmts(), false),
                                w.body().pos()), w.pos()));
                    }
                    default -> {
                        if (conflicts(s, pending)) {
                            flush(pending, available, out);
                        }
                        out.add(s);
                        remember(s, available);
                    }
                }
            }
            flush(pending, available, out);
            return out;
        }

        private boolean pendingMentions(List<Stmt> pending, String name) {
            return pending.stream().anyMatch(p -> mentioned(p).contains(name));
        }

        /** A statement on scalar tangents or on an element of an array tangent. */
        private boolean isElementwise(Stmt s) {
            return switch (s) {
                case Stmt.Let l -> scalars.contains(l.name());
                case Stmt.Assign a -> scalars.contains(a.name());
                case Stmt.ArrayStore a -> true;
                default -> false;
            };
        }

        /**
         * A statement on a whole array tangent: {@code a_dot = new double[a.length]} allocates
         * {@code N} directions per element; {@code b_dot = a_dot} shares, as the arrays do.
         */
        private Stmt arrayTangent(Stmt s) {
            Expr value = switch (s) {
                case Stmt.Let l -> l.init();
                case Stmt.Assign a -> a.value();
                default -> throw new ForwardMode.Unsupported("array tangent " + s);
            };
            String name = s instanceof Stmt.Let l ? l.name() : ((Stmt.Assign) s).name();
            Expr widened;
            if (value == null || value instanceof Expr.Literal) {
                widened = value;
            } else if (value instanceof Expr.NewArray na && na.length() != null && na.elements().isEmpty()) {
                widened = newArray(times(na.length(), n));
            } else if (value instanceof Expr.Var v && arrays.contains(v.name())) {
                widened = value;
            } else if (value instanceof Expr.Conditional c && c.whenTrue() instanceof Expr.Var a
                    && c.whenFalse() instanceof Expr.Var b && arrays.contains(a.name()) && arrays.contains(b.name())) {
                widened = value;
            } else {
                throw new ForwardMode.Unsupported("array tangent " + value);
            }
            return s instanceof Stmt.Let l ? new Stmt.Let(name, l.type(), widened, l.pos())
                    : new Stmt.Assign(name, widened, s.pos());
        }

        /** The local {@code s} writes (an array for an element write), or null for any other statement. */
        private static String written(Stmt s) {
            return switch (s) {
                case Stmt.Let l -> l.name();
                case Stmt.Assign a -> a.name();
                case Stmt.ArrayStore a -> a.array();
                default -> null;
            };
        }

        /** Whether primal statement {@code s} changes a value a pending tangent statement reads. */
        private boolean conflicts(Stmt s, List<Stmt> pending) {
            if (pending.isEmpty()) {
                return false;
            }
            String written = written(s);
            if (written == null) {
                return true;
            }
            return pendingMentions(pending, written);
        }

        /** After primal {@code v = e}: {@code e} is known as {@code v} until {@code v} or an operand changes. */
        private void remember(Stmt s, Map<String, Avail> available) {
            String written = written(s);
            if (written == null) {
                available.clear();
                return;
            }
            available.entrySet().removeIf(e -> e.getValue().name().equals(written) || e.getValue().reads().contains(written));
            Expr value = s instanceof Stmt.Let l ? l.init() : s instanceof Stmt.Assign a ? a.value() : null;
            if (value != null && !Exprs.isAtom(value) && !Exprs.vars(value).contains(written)
                    && value.type() == Type.Prim.DOUBLE && !(s instanceof Stmt.ArrayStore)) {
                available.putIfAbsent(key(value), new Avail(written, Exprs.vars(value)));
            }
        }

        /** The pending tangent statements as one loop over the directions, their coefficients first. */
        private void flush(List<Stmt> pending, Map<String, Avail> available, List<Stmt> out) {
            if (pending.isEmpty()) {
                return;
            }
            // A scalar tangent all of whose mentions are here, written before it is read, is a plain double.
            Map<String, Integer> here = new HashMap<>();
            for (Stmt s : pending) {
                mentioned(s).forEach(v -> {
                    if (scalars.contains(v)) {
                        here.merge(v, 1, Integer::sum);
                    }
                });
            }
            Set<String> local = new HashSet<>();
            Set<String> seen = new HashSet<>();
            for (Stmt s : pending) {
                String target = s instanceof Stmt.Let l ? l.name() : s instanceof Stmt.Assign a ? a.name() : null;
                Expr value = s instanceof Stmt.Let l ? l.init() : s instanceof Stmt.Assign a ? a.value()
                        : ((Stmt.ArrayStore) s).value();
                if (value != null && !readsTangent(value) && !isZero(value)) {
                    throw new ForwardMode.Unsupported("a tangent that reads no tangent: " + value);
                }
                for (String v : Exprs.vars(value)) {
                    seen.add(v);
                }
                if (target != null && !seen.contains(target) && here.get(target).equals(mentions.get(target))
                        && !t.tangents().stream().anyMatch(p -> p.name().equals(target))) {
                    local.add(target);
                }
                if (target != null) {
                    seen.add(target);
                }
            }
            List<Stmt> before = new ArrayList<>();
            List<Stmt> loop = new ArrayList<>();
            Map<String, String> hoisted = new HashMap<>();
            available.forEach((k, a) -> hoisted.put(k, a.name()));
            Set<String> declaredHere = new HashSet<>();
            for (Stmt s : pending) {
                switch (s) {
                    case Stmt.Let l -> {
                        Expr v = widen(l.init() == null ? ZERO : l.init(), before, hoisted, local);
                        if (local.contains(l.name())) {
                            loop.add(new Stmt.Let(l.name(), Type.Prim.DOUBLE, v, l.pos()));
                            declaredHere.add(l.name());
                        } else {
                            declare(l.name());
                            loop.add(new Stmt.ArrayStore(l.name(), var(d, Type.Prim.INT), v, l.pos()));
                        }
                    }
                    case Stmt.Assign a -> {
                        Expr v = widen(a.value(), before, hoisted, local);
                        if (local.contains(a.name())) {
                            loop.add(declaredHere.add(a.name()) ? new Stmt.Let(a.name(), Type.Prim.DOUBLE, v, a.pos())
                                    : new Stmt.Assign(a.name(), v, a.pos()));
                        } else {
                            loop.add(new Stmt.ArrayStore(a.name(), var(d, Type.Prim.INT), v, a.pos()));
                        }
                    }
                    case Stmt.ArrayStore a -> {
                        Expr v = widen(a.value(), before, hoisted, local);
                        Expr base = hoist(times(a.index(), n), before, hoisted, Type.Prim.INT);
                        loop.add(new Stmt.ArrayStore(a.array(), plus(base, var(d, Type.Prim.INT)), v, a.pos()));
                    }
                    default -> throw new ForwardMode.Unsupported("statement " + s);
                }
            }
            loopLocal.addAll(local);
            out.addAll(before);
            Expr.Var dv = var(d, Type.Prim.INT);
            out.add(new Stmt.For(List.of(new Stmt.Let(d, Type.Prim.INT, intLit(0), Pos.NONE)),
                    new Expr.Binary(Expr.BinOp.LT, dv, n, Type.Prim.BOOLEAN, Pos.NONE),
                    List.of(new Stmt.Assign(d, plus(dv, intLit(1)), Pos.NONE)), new Stmt.Block(loop, Pos.NONE),
                    Pos.NONE));
            pending.clear();
        }

        private final Set<String> declared = new HashSet<>();

        /** A scalar tangent kept across loops: one {@code double[N]} for the whole method. */
        private void declare(String name) {
            if (declared.add(name) && !t.tangents().stream().anyMatch(p -> p.name().equals(name))) {
                declarations.add(new Stmt.Let(name, DOUBLES, newArray(n), Pos.NONE));
            }
        }

        /**
         * {@code e} for direction {@code d}: a scalar tangent {@code x_dot} reads {@code x_dot[d]}
         * (or the loop's own {@code x_dot}), an element of an array tangent {@code a_dot[i]} reads
         * {@code a_dot[i·N + d]}, and what reads no tangent is computed once before the loop.
         */
        private Expr widen(Expr e, List<Stmt> before, Map<String, String> hoisted, Set<String> local) {
            if (!readsTangent(e)) {
                return Exprs.isAtom(e) ? e : hoist(e, before, hoisted, e.type());
            }
            return switch (e) {
                case Expr.Var v when local.contains(v.name()) -> new Expr.Var(v.name(), Type.Prim.DOUBLE, Pos.NONE);
                case Expr.Var v when identity.containsKey(v.name()) -> unit(identity.get(v.name()));
                case Expr.ArrayRead r when r.array() instanceof Expr.Var a && identity.containsKey(a.name()) ->
                        unit(hoist(plus(identity.get(a.name()), seedShift == 0 ? r.index() : plus(r.index(), intLit(seedShift))),
                                before, hoisted, Type.Prim.INT));
                case Expr.Var v when scalars.contains(v.name()) -> {
                    declare(v.name());
                    yield new Expr.ArrayRead(new Expr.Var(v.name(), DOUBLES, Pos.NONE), var(d, Type.Prim.INT),
                            Type.Prim.DOUBLE, Pos.NONE);
                }
                case Expr.ArrayRead r when r.array() instanceof Expr.Var a && arrays.contains(a.name()) -> {
                    if (readsTangent(r.index())) {
                        throw new ForwardMode.Unsupported("tangent index");
                    }
                    Expr base = hoist(times(r.index(), n), before, hoisted, Type.Prim.INT);
                    yield new Expr.ArrayRead(new Expr.Var(a.name(), DOUBLES, Pos.NONE), plus(base, var(d, Type.Prim.INT)),
                            Type.Prim.DOUBLE, Pos.NONE);
                }
                case Expr.Conditional c -> new Expr.Conditional(widen(c.condition(), before, hoisted, local),
                        inBranch(c.whenTrue(), local), inBranch(c.whenFalse(), local), c.type(), c.pos());
                case Expr.Binary b -> new Expr.Binary(b.op(), widen(b.left(), before, hoisted, local),
                        widen(b.right(), before, hoisted, local), b.type(), b.pos());
                case Expr.Unary u -> new Expr.Unary(u.op(), widen(u.operand(), before, hoisted, local), u.type(), u.pos());
                case Expr.Cast c -> new Expr.Cast(c.type(), widen(c.operand(), before, hoisted, local), c.pos());
                case Expr.Var v -> throw new ForwardMode.Unsupported("a whole array tangent " + v.name() + " in a scalar");
                default -> throw new ForwardMode.Unsupported("tangent expression " + e.getClass().getSimpleName());
            };
        }

        /** Direction {@code d}'s element of the unit vector {@code e_column}: {@code d == column ? 1.0 : 0.0}. */
        private Expr unit(Expr column) {
            return new Expr.Conditional(new Expr.Binary(Expr.BinOp.EQ, var(d, Type.Prim.INT), column, Type.Prim.BOOLEAN,
                    Pos.NONE), lit(1.0), lit(0.0), Type.Prim.DOUBLE, Pos.NONE);
        }

        /** Inside a branch of {@code ?:}: nothing is computed ahead (it may not be evaluated at all). */
        private Expr inBranch(Expr e, Set<String> local) {
            if (!readsTangent(e)) {
                return e;
            }
            List<Stmt> none = new ArrayList<>();
            Expr w = widen(e, none, new HashMap<>() {
                @Override
                public String get(Object key) {
                    return null;
                }
            }, local);
            if (!none.isEmpty()) {
                // widen hoisted something: redo without hoisting by inlining the hoisted values
                Map<String, Expr> inline = new HashMap<>();
                for (Stmt s : none) {
                    Stmt.Let l = (Stmt.Let) s;
                    inline.put(l.name(), Exprs.map(l.init(), x -> x instanceof Expr.Var v && inline.containsKey(v.name())
                            ? inline.get(v.name()) : x));
                }
                w = Exprs.map(w, x -> x instanceof Expr.Var v && inline.containsKey(v.name()) ? inline.get(v.name()) : x);
            }
            return w;
        }

        /** {@code e} in a local computed before the loop (the same expression once per run). */
        private Expr hoist(Expr e, List<Stmt> before, Map<String, String> hoisted, Type type) {
            if (Exprs.isAtom(e)) {
                return e;
            }
            String key = key(e);
            String known = hoisted.get(key);
            if (known != null) {
                return var(known, type);
            }
            e = reuse(e, hoisted);
            String name = fresh(type == Type.Prim.INT ? "at" : "coefficient");
            before.add(new Stmt.Let(name, type, e, Pos.NONE));
            hoisted.put(key, name);
            return var(name, type);
        }

        /** {@code e} with each subexpression already computed (by the primal code or hoisted) read from its local. */
        private static Expr reuse(Expr e, Map<String, String> hoisted) {
            String known = Exprs.isAtom(e) ? null : hoisted.get(key(e));
            if (known != null) {
                return new Expr.Var(known, e.type(), Pos.NONE);
            }
            List<Expr> children = e.children();
            if (children.isEmpty() || e instanceof Expr.Conditional) {
                return e;
            }
            List<Expr> mapped = new ArrayList<>();
            children.forEach(c -> mapped.add(reuse(c, hoisted)));
            return Exprs.withChildren(e, mapped);
        }

        private boolean readsTangent(Expr e) {
            for (String v : Exprs.vars(e)) {
                if (scalars.contains(v) || arrays.contains(v)) {
                    return true;
                }
            }
            return false;
        }

        // ------------------------------------------------------------ helpers

        private void collectNames(List<Stmt> stmts) {
            for (Stmt s : stmts) {
                taken.addAll(Exprs.vars(s));
                if (s instanceof Stmt.Let l) {
                    taken.add(l.name());
                }
                switch (s) {
                    case Stmt.If i -> {
                        collectNames(i.then().stmts());
                        collectNames(i.otherwise().stmts());
                    }
                    case Stmt.While w -> collectNames(w.body().stmts());
                    default -> { }
                }
            }
        }

        private String fresh(String base) {
            String name = base;
            while (taken.contains(name)) {
                name = base + (++temps);
            }
            taken.add(name);
            return name;
        }

        private static boolean isZero(Expr e) {
            return e == null || e instanceof Expr.Literal l && (l.text().equals("0.0") || l.text().equals("0"));
        }

        private static Expr.Var var(String name, Type type) {
            return new Expr.Var(name, type, Pos.NONE);
        }

        private static Expr intLit(int v) {
            return new Expr.Literal(Integer.toString(v), Type.Prim.INT, Pos.NONE);
        }

        private static Expr lit(double v) {
            return new Expr.Literal(Double.toString(v), Type.Prim.DOUBLE, Pos.NONE);
        }

        private static Expr times(Expr a, Expr b) {
            return new Expr.Binary(Expr.BinOp.TIMES, a, b, Type.Prim.INT, Pos.NONE);
        }

        private static Expr plus(Expr a, Expr b) {
            return new Expr.Binary(Expr.BinOp.PLUS, a, b, Type.Prim.INT, Pos.NONE);
        }

        private static Expr newArray(Expr length) {
            return new Expr.NewArray(DOUBLES, List.of(), length, Pos.NONE);
        }
    }

    /** A primal local holding an expression's value, and what the expression reads. */
    private record Avail(String name, Set<String> reads) {}

    /** A structural key of {@code e} (positions ignored): equal keys, equal values at one point. */
    static String key(Expr e) {
        return switch (e) {
            case Expr.Var v -> v.name();
            case Expr.Literal l -> l.text();
            case Expr.Binary b -> "(" + key(b.left()) + " " + b.op() + " " + key(b.right()) + ")";
            case Expr.Unary u -> u.op() + "(" + key(u.operand()) + ")";
            case Expr.Cast c -> "((" + c.type().javaName() + ") " + key(c.operand()) + ")";
            case Expr.Conditional c -> "(" + key(c.condition()) + " ? " + key(c.whenTrue()) + " : "
                    + key(c.whenFalse()) + ")";
            case Expr.ArrayRead r -> key(r.array()) + "[" + key(r.index()) + "]";
            case Expr.ArrayLength l -> key(l.array()) + ".length";
            case Expr.Call c when c.callee() instanceof Callee.Known || c.callee() instanceof Callee.Static -> {
                StringBuilder b = new StringBuilder(c.callee().toString()).append("(");
                c.args().forEach(a -> b.append(key(a)).append(", "));
                yield b.append(")").toString();
            }
            default -> "#" + System.identityHashCode(e); // never shared
        };
    }
}
