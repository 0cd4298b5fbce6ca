package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where an overwrite of a to-be-recorded local ({@link ToBeRecorded}) must save the old value, decided
 * statement by statement: the backward pass restores {@code v} at {@code v = e} so that the
 * statements before it read v as the forward pass had it; where none of them reads v before the
 * backward pass restores it again at an earlier overwrite, the save is dead and left out (the
 * inner-loop {@code qx += …} of a sum that only its last value is read from).
 *
 * <p>The analysis runs forward over the flattened body: a local is <em>awaited</em> at a point
 * where the backward of a statement since its last assignment reads its value (an assignment
 * whose rule reads its own result, or that is undone by {@code i - c}, counts as reading the value
 * it leaves). An overwrite needs its save where v is awaited before it or where its own rule reads
 * v's old value.
 *
 * <p>A loop counter reset just before its loop ({@code j = init; while (…) {…; j = j + c}}) is
 * not saved either: the backward pass sets it to {@code init + trips × c} before undoing the
 * loop's trips ({@link Counter}).
 */
final class RestorePlan {
    /** A loop counter whose value after the loop is recomputed from its trip count. */
    record Counter(String name, Expr init, int step) {}

    private final Flattener.Flat flat;
    private final Map<String, Type> types;
    private final Map<String, Integer> assignCount;
    private final ToBeRecorded recorded;
    private final Set<Stmt.Assign> saved = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Stmt.While, List<Counter>> counters = new IdentityHashMap<>();
    /** The trip counts the backward pass recomputes from a counter's start and bound instead of popping. */
    private final Map<Stmt.While, Expr> tripCounts = new IdentityHashMap<>();
    /** The loop-locals the backward pass recomputes at the start of each backward trip. */
    private final Set<String> recomputed = new HashSet<>();

    private RestorePlan(Flattener.Flat flat, Map<String, Type> types, Map<String, Integer> assignCount,
                        ToBeRecorded recorded) {
        this.flat = flat;
        this.types = types;
        this.assignCount = assignCount;
        this.recorded = recorded;
    }

    /** The plan for {@code flat}'s body. */
    static RestorePlan of(Flattener.Flat flat, Map<String, Type> types, Map<String, Integer> assignCount,
                          ToBeRecorded recorded) {
        RestorePlan plan = new RestorePlan(flat, types, assignCount, recorded);
        plan.findCounters(flat.body());
        plan.block(flat.body(), new HashSet<>());
        return plan;
    }

    /** Whether the backward pass reads the old value {@code a} overwrites. */
    boolean saves(Stmt.Assign a) {
        return saved.contains(a);
    }

    /** The counters of {@code w} the backward pass recomputes after the loop. */
    List<Counter> counters(Stmt.While w) {
        return counters.getOrDefault(w, List.of());
    }

    /**
     * The trip count of {@code w} as an expression of the locals its counter starts from and its
     * bound ({@code i + 1 < d ? d - (i + 1) : 0}), or null where it must be saved: the backward pass
     * evaluates it where it undoes the loop, with those locals as the forward pass had them.
     */
    Expr tripCount(Stmt.While w) {
        return tripCounts.get(w);
    }

    private void findCounters(List<Stmt> stmts) {
        for (int i = 0; i < stmts.size(); i++) {
            switch (stmts.get(i)) {
                case Stmt.If f -> {
                    findCounters(f.then().stmts());
                    findCounters(f.otherwise().stmts());
                }
                case Stmt.While w -> {
                    findCounters(w.body().stmts());
                    if (i > 0 && stmts.get(i - 1) instanceof Stmt.Assign reset) {
                        counter(w, reset);
                    }
                }
                default -> { }
            }
        }
    }

    /**
     * Where {@code reset} is {@code j = init} right before {@code w}, whose body ends with its only
     * change {@code j = j + c}, and the backward pass has init's locals as they were (restored, or
     * never assigned), j is a counter.
     */
    private void counter(Stmt.While w, Stmt.Assign reset) {
        List<Stmt> body = w.body().stmts();
        Map<String, Integer> inLoop = new HashMap<>();
        StmtScan.countAssigns(body, inLoop);
        LoopShape shape = LoopShape.of(w, flat.loopIds().get(w), flat, assignCount, types);
        for (Stmt s : body.subList(shape.trailing(), body.size())) {
            Stmt.Assign u = (Stmt.Assign) s;
            Set<String> initVars = Exprs.vars(reset.value());
            if (u.name().equals(reset.name()) && recorded.locals().contains(u.name())
                    && types.get(u.name()) == Type.Prim.INT
                    && reset.value().type() == Type.Prim.INT && simple(reset.value())
                    && initVars.stream().noneMatch(inLoop::containsKey)
                    && initVars.stream().allMatch(x -> recorded.locals().contains(x) || !assignCount.containsKey(x))) {
                Counter c = new Counter(u.name(), reset.value(), AssignReversal.invertibleStep(u, types));
                counters.computeIfAbsent(w, x -> new ArrayList<>()).add(c);
                Expr trips = tripCountOf(w, c, inLoop);
                if (trips != null) {
                    tripCounts.put(w, trips);
                }
            }
        }
    }

    /**
     * {@code bound > init ? bound - init : 0} for {@code while (j < bound)} ({@code bound - init + 1}
     * for {@code <=}), where {@code j} steps by 1, changes nowhere else in the body, and the bound is
     * int arithmetic on locals the body does not assign and the backward pass has as they were.
     */
    private Expr tripCountOf(Stmt.While w, Counter c, Map<String, Integer> inLoop) {
        if (c.step() != 1 || inLoop.getOrDefault(c.name(), 0) != 1
                || !(w.condition() instanceof Expr.Binary cond)
                || cond.op() != Expr.BinOp.LT && cond.op() != Expr.BinOp.LE
                || !(cond.left() instanceof Expr.Var j) || !j.name().equals(c.name())) {
            return null;
        }
        Expr bound = cond.right();
        Set<String> boundVars = Exprs.vars(bound);
        if (bound.type() != Type.Prim.INT || !simple(bound) || boundVars.contains(c.name())
                || boundVars.stream().anyMatch(inLoop::containsKey)
                || !boundVars.stream().allMatch(x -> recorded.locals().contains(x) || !assignCount.containsKey(x))) {
            return null;
        }
        Expr.Binary span = new Expr.Binary(Expr.BinOp.MINUS, bound, c.init(), Type.Prim.INT, w.pos());
        Expr trips = cond.op() == Expr.BinOp.LT ? span
                : new Expr.Binary(Expr.BinOp.PLUS, span, AssignReversal.intLit(1), Type.Prim.INT, w.pos());
        Expr enters = new Expr.Binary(cond.op() == Expr.BinOp.LT ? Expr.BinOp.GT : Expr.BinOp.GE, bound, c.init(),
                Type.Prim.BOOLEAN, w.pos());
        return new Expr.Conditional(enters, trips, AssignReversal.intLit(0), Type.Prim.INT, w.pos());
    }

    /** Int arithmetic on locals and literals: no call, no array read, no field. */
    private static boolean simple(Expr e) {
        boolean leaf = e instanceof Expr.Var || e instanceof Expr.Literal;
        boolean arithmetic = e instanceof Expr.Binary || e instanceof Expr.Unary;
        return (leaf || arithmetic) && e.children().stream().allMatch(RestorePlan::simple);
    }

    /** Runs the statements on the awaited set {@code awaited}; returns the set after them. */
    private Set<String> block(List<Stmt> stmts, Set<String> awaited) {
        Set<String> now = awaited;
        for (Stmt s : stmts) {
            now = statement(s, now);
        }
        return now;
    }

    private Set<String> statement(Stmt s, Set<String> awaited) {
        Set<String> out = new HashSet<>(awaited);
        switch (s) {
            case Stmt.Assign a -> assign(a, out);
            case Stmt.ArrayStore a -> out.addAll(Exprs.vars(a)); // its index, restore and cotangent
            case Stmt.If i -> {
                out = block(i.then().stmts(), new HashSet<>(awaited));
                out.addAll(block(i.otherwise().stmts(), new HashSet<>(awaited)));
            }
            case Stmt.While w -> out = loop(w, awaited);
            default -> throw new IllegalStateException("not lowered: " + s);
        }
        return out;
    }

    private void assign(Stmt.Assign a, Set<String> awaited) {
        String v = a.name();
        if (recomputed.contains(v)) {
            awaited.addAll(Exprs.vars(a.value())); // the backward trip recomputes it from these
            awaited.remove(v);
            return;
        }
        ToBeRecorded.Reads reads = conservative(a) ? new ToBeRecorded.Reads(Exprs.vars(a.value()), true)
                : recorded.readsOf(a);
        if (awaited.contains(v) || reads.before().contains(v)) {
            saved.add(a);
        }
        awaited.addAll(reads.before());
        awaited.remove(v);
        if (reads.output() || AssignReversal.invertibleStep(a, types) != null) {
            awaited.add(v);
        }
    }

    /** A call keeps a pullback and an array local is restored by {@link ArrayWrites}: read all, keep all. */
    private boolean conservative(Stmt.Assign a) {
        return a.value() instanceof Expr.Call c && c.callee() instanceof Callee.User
                || types.get(a.name()) instanceof Type.ArrayOf;
    }

    private Set<String> loop(Stmt.While w, Set<String> before) {
        LoopShape.of(w, flat.loopIds().get(w), flat, assignCount, types).recompute()
                .forEach(a -> recomputed.add(a.name()));
        Set<String> head = new HashSet<>(before);
        while (true) { // the sets only grow: a fixed point in a few rounds
            Set<String> next = new HashSet<>(before);
            next.addAll(block(w.body().stmts(), new HashSet<>(head)));
            if (next.equals(head)) {
                break;
            }
            head = next;
        }
        for (Counter c : counters(w)) {
            head.remove(c.name());
            head.addAll(Exprs.vars(c.init()));
        }
        if (tripCounts.containsKey(w)) {
            head.addAll(Exprs.vars(tripCounts.get(w)));
        }
        return head;
    }
}
