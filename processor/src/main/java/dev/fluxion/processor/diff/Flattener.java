package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Activity;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The second step of the normaliser, after {@link Lowering}: decides which variables are varied
 * (depend on a differentiable input along some path; a fixpoint, since loops feed values back)
 * and gives each compound operand of a varied assignment a temporary named after its operation
 * ({@code diff1}, {@code exp1}). A temporary is reused for an equal expression only while nothing
 * it reads has been reassigned and only within the branch that computed it (common
 * subexpressions, respecting reassignment and branch scopes). A varied {@code c ? a : b} becomes
 * an {@code if}, so the backward pass only runs the side the forward pass took and an untaken
 * side's NaN never reaches a gradient.
 */
final class Flattener {
    private final Lowering in;
    private final Names.Scope scope;
    private final Set<String> varied = new HashSet<>();
    private final Map<String, Type> decls;
    private final Map<String, Integer> loopOf;
    private final IdentityHashMap<Stmt.While, Integer> loopIds = new IdentityHashMap<>();
    private final Map<List<String>, Leaf> leaves = new LinkedHashMap<>();
    /** Temporaries whose value is still current, by expression: x[i] read twice is read once. */
    private final Map<Expr, String> available = new HashMap<>();
    private Integer currentLoop;
    private Pos at = Pos.NONE;

    /** The flattened body and what the reverse transform needs to know about it. */
    record Flat(List<Stmt> body, Map<String, Type> decls, Set<String> varied, Map<String, Integer> loopOf,
                IdentityHashMap<Stmt.While, Integer> loopIds, List<Leaf> leaves, String result,
                Names.Scope scope) {}

    private Flattener(MethodIr method, Lowering in) {
        this.in = in;
        this.decls = new LinkedHashMap<>(in.decls());
        this.loopOf = new HashMap<>(in.loopOf());
        Set<String> taken = new HashSet<>(decls.keySet());
        method.params().forEach(p -> taken.add(p.name()));
        taken.add(Names.MODEL);
        this.scope = new Names.Scope(taken);
        for (Param p : method.params()) {
            if (p.differentiable()) {
                varied.add(p.name());
            }
        }
    }

    static Flat flatten(MethodIr method, Lowering lowered) {
        Flattener f = new Flattener(method, lowered);
        boolean changed = true;
        while (changed) {
            changed = f.propagate(lowered.body());
        }
        List<Stmt> body = f.block(lowered.body());
        // Varied and useful: a value the result does not depend on through differentiable
        // operations (one only tested in a condition, or used as an index) gets no adjoint, so
        // its backward never runs (0 * inf in it would make a NaN).
        f.varied.retainAll(useful(body, lowered.result()));
        return new Flat(body, f.decls, f.varied, f.loopOf, f.loopIds, List.copyOf(f.leaves.values()),
                lowered.result(), f.scope);
    }

    /** The locals the result depends on through differentiable operations (flow insensitive). */
    private static Set<String> useful(List<Stmt> body, String result) {
        Set<String> useful = new HashSet<>(Set.of(result));
        while (markUseful(body, useful)) {
            // until nothing new is useful
        }
        return useful;
    }

    private static boolean markUseful(List<Stmt> stmts, Set<String> useful) {
        boolean changed = false;
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Assign a -> {
                    if (useful.contains(a.name())) {
                        changed |= differentiableReads(a.value(), useful);
                    }
                }
                case Stmt.ArrayStore a -> {
                    if (useful.contains(a.array())) {
                        changed |= differentiableReads(a.value(), useful);
                    }
                }
                case Stmt.If i -> changed |= markUseful(i.then().stmts(), useful) | markUseful(i.otherwise().stmts(), useful);
                case Stmt.While w -> changed |= markUseful(w.body().stmts(), useful);
                default -> { }
            }
        }
        return changed;
    }

    private static boolean differentiableReads(Expr e, Set<String> into) {
        if (e instanceof Expr.Var v) {
            return into.add(v.name());
        }
        boolean changed = false;
        for (Expr c : Activity.differentiableChildren(e)) {
            changed |= differentiableReads(c, into);
        }
        return changed;
    }

    private boolean propagate(List<Stmt> stmts) {
        boolean changed = false;
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Assign a -> changed |= isVaried(a.value()) && varied.add(a.name());
                case Stmt.ArrayStore a -> changed |= isVaried(a.value()) && varied.add(a.array());
                case Stmt.If i -> changed |= propagate(i.then().stmts()) | propagate(i.otherwise().stmts());
                case Stmt.While w -> changed |= propagate(w.body().stmts());
                default -> { }
            }
        }
        return changed;
    }

    boolean isVaried(Expr e) {
        if (e instanceof Expr.Var v) {
            return varied.contains(v.name());
        }
        if (e instanceof Expr.FieldRead f) {
            return f.parameter();
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

    private List<Stmt> block(List<Stmt> stmts) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            at = s.pos();
            switch (s) {
                case Stmt.Assign a -> assign(a.name(), a.value(), out);
                case Stmt.ArrayStore a -> {
                    // The stored value is an atom: its cotangent is the element's.
                    Expr value = !isVaried(a.value()) ? a.value()
                            : Exprs.isAtom(a.value()) ? lower(a.value(), out) : hoist(a.value(), out);
                    out.add(new Stmt.ArrayStore(a.array(), a.index(), value, a.pos()));
                    invalidate(a.array());
                }
                case Stmt.If i -> {
                    Map<Expr, String> before = new HashMap<>(available);
                    List<Stmt> then = block(i.then().stmts());
                    available.clear();
                    available.putAll(before);
                    List<Stmt> otherwise = block(i.otherwise().stmts());
                    available.clear(); // what one side computed the other did not
                    out.add(new Stmt.If(i.condition(), new Stmt.Block(then, i.then().pos()),
                            new Stmt.Block(otherwise, i.otherwise().pos()), i.pos()));
                }
                case Stmt.While w -> {
                    available.clear(); // a later trip may have changed what it reads
                    Integer outer = currentLoop;
                    currentLoop = in.loopIds().get(w);
                    Stmt.While lowered = new Stmt.While(w.condition(), new Stmt.Block(block(w.body().stmts()),
                            w.body().pos()), w.pos());
                    currentLoop = outer;
                    loopIds.put(lowered, in.loopIds().get(w));
                    out.add(lowered);
                    available.clear();
                }
                default -> throw new IllegalStateException("not lowered: " + s);
            }
        }
        return out;
    }

    private void assign(String name, Expr value, List<Stmt> out) {
        if (!isVaried(value)) {
            out.add(new Stmt.Assign(name, value, at));
        } else if (value instanceof Expr.Conditional c) {
            // Each side computes its own temporaries: what one side hoisted the other never ran.
            Map<Expr, String> before = new HashMap<>(available);
            List<Stmt> then = new ArrayList<>();
            assign(name, c.whenTrue(), then);
            available.clear();
            available.putAll(before);
            List<Stmt> otherwise = new ArrayList<>();
            assign(name, c.whenFalse(), otherwise);
            available.clear();
            available.putAll(before);
            out.add(new Stmt.If(c.condition(), new Stmt.Block(then, at), new Stmt.Block(otherwise, at), at));
        } else {
            out.add(new Stmt.Assign(name, lower(value, out), at));
        }
        invalidate(name);
    }

    /** After {@code name} is assigned, no temporary that read it (or was it) holds a current value. */
    private void invalidate(String name) {
        available.entrySet().removeIf(e -> e.getValue().equals(name) || Exprs.vars(e.getKey()).contains(name));
    }

    private Expr lower(Expr e, List<Stmt> out) {
        if (e instanceof Expr.FieldRead f && f.parameter()) {
            Leaf leaf = leaves.computeIfAbsent(f.path(), p -> {
                String local = scope.fresh(Names.fieldLocal(p));
                varied.add(local);
                return new Leaf(local, f);
            });
            return new Expr.Var(leaf.local(), f.type(), f.pos());
        }
        if (e.children().isEmpty()) {
            return e;
        }
        if (e instanceof Expr.Conditional c) {
            // Only the condition runs unconditionally: a side's subexpressions are lowered inside
            // that side when the caller hoists the whole ?: (assign splits it into an if). Lowered
            // here, `v * (a > 1 ? x[1] : x[4])` read x[4] before the branch, past the end of x.
            Expr condition = isVaried(c.condition()) ? lower(c.condition(), out) : c.condition();
            return new Expr.Conditional(condition, c.whenTrue(), c.whenFalse(), c.type(), c.pos());
        }
        // Java's order: each operand is computed, and named, before the next operand's
        // subexpressions (in x[i + 1] - x[i] * x[i], x[i + 1] is read first, as the source does;
        // the JIT vectorizes or not by the order of the reads).
        boolean naming = isVaried(e);
        List<Expr> children = new ArrayList<>();
        for (Expr c : e.children()) {
            Expr lowered = isVaried(c) ? lower(c, out) : c;
            children.add(naming && needsName(lowered) ? hoist(lowered, out) : lowered);
        }
        return Exprs.withChildren(e, children);
    }

    private boolean needsName(Expr c) {
        if (Exprs.isAtom(c)) {
            return false;
        }
        return isVaried(c) || c.type().isTensor() || containsCall(c);
    }

    private static boolean containsCall(Expr e) {
        return e instanceof Expr.Call || e.children().stream().anyMatch(Flattener::containsCall);
    }

    private Expr hoist(Expr c, List<Stmt> out) {
        String earlier = available.get(c);
        if (earlier != null) {
            return new Expr.Var(earlier, c.type(), c.pos());
        }
        String name = scope.temp(hint(c));
        decls.put(name, c.type());
        if (currentLoop != null) {
            loopOf.put(name, currentLoop);
        }
        if (isVaried(c)) {
            varied.add(name);
        }
        assign(name, c, out);
        if (!(c instanceof Expr.Conditional)) {
            available.put(c, name);
        }
        return new Expr.Var(name, c.type(), c.pos());
    }

    /** What a temporary is called after: the operation that computed it. */
    static String hint(Expr e) {
        return switch (e) {
            case Expr.Binary b -> switch (b.op()) {
                case PLUS -> "sum";
                case MINUS -> "diff";
                case TIMES -> "prod";
                case DIVIDE -> "quot";
                case BIT_AND, BIT_OR, XOR, SHL, SHR, USHR -> "bits";
                default -> "cond";
            };
            case Expr.Unary u -> "neg";
            case Expr.Call c -> switch (c.callee()) {
                case Callee.Known k -> k.op().javaName();
                // A runtime layer's output is named after the layer's field: conv1, relu, layer.
                case Callee.User u when Callee.isLayerForward(u.method())
                        && c.args().get(0) instanceof Expr.FieldRead f && !f.path().isEmpty() -> f.path().getLast();
                case Callee.User u when Callee.isLayerForward(u.method()) -> "layer";
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
