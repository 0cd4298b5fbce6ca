package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Statement by statement, the forward pass (into a list) and the mirrored backward pass (returned):
 * a sequence backward is its statements' backward, last first; a branch replays the direction the
 * forward pass took; a loop runs its body's backward as many times as the forward pass ran it.
 * Assignments go to {@link AssignReversal}.
 *
 * <p>The tapes are stacks, so what the forward pass pushes the backward pass pops in exactly the
 * mirrored order: a branch inside a loop pushes its direction after its body's own pushes (the
 * backward pass needs it first), a nested loop its trip count after its trips.
 */
final class Reversal {
    private final Flattener.Flat flat;
    private final Map<String, Type> types;
    private final Names.Scope scope;
    private final TapePlan tapes;
    private final TapeCapacity capacities;
    private final AssignReversal assignments;
    private final Set<String> recorded;
    private final Map<String, Integer> assignCount;
    private final Map<String, Type> extraDecls;
    private final LoopFusion fusion;
    private final RestorePlan restores;
    private final ArrayWrites arrayWrites;
    private final List<ReverseMode.LoopNote> notes = new ArrayList<>();

    Reversal(Flattener.Flat flat, Map<String, Type> types, Names.Scope scope, TapePlan tapes,
             TapeCapacity capacities, AssignReversal assignments, Set<String> recorded,
             Map<String, Integer> assignCount, Map<String, Type> extraDecls, LoopFusion fusion,
             RestorePlan restores, ArrayWrites arrayWrites) {
        this.flat = flat;
        this.types = types;
        this.scope = scope;
        this.tapes = tapes;
        this.capacities = capacities;
        this.assignments = assignments;
        this.recorded = recorded;
        this.assignCount = assignCount;
        this.extraDecls = extraDecls;
        this.fusion = fusion;
        this.restores = restores;
        this.arrayWrites = arrayWrites;
    }

    /** What each loop's backward pass keeps per iteration. */
    List<ReverseMode.LoopNote> notes() {
        return notes;
    }

    /** Emits the forward statements of {@code stmts} into {@code fwd}; returns their backward. */
    List<Stmt> block(List<Stmt> stmts, int depth, Set<String> assignedBefore, List<Stmt> fwd) {
        List<List<Stmt>> parts = new ArrayList<>();
        for (Stmt s : stmts) {
            parts.add(statement(s, depth, assignedBefore, fwd, false));
        }
        return StmtScan.reversed(parts, 0, parts.size());
    }

    /**
     * Emits the forward statements of {@code s} into {@code fwd}; returns its backward.
     *
     * @param depth how many loops enclose {@code s}
     * @param assignedBefore the locals assigned before {@code s} (a first assignment saves nothing)
     * @param recomputed whether {@code s} assigns a loop-local the backward pass recomputes
     */
    List<Stmt> statement(Stmt s, int depth, Set<String> assignedBefore, List<Stmt> fwd, boolean recomputed) {
        return switch (s) {
            case Stmt.Assign a -> {
                boolean first = depth == 0 && !assignedBefore.contains(a.name());
                assignedBefore.add(a.name());
                yield arrayWrites.isWritten(a.name()) ? arrayWrites.assignment(a, first, fwd)
                        : assignments.reverse(a, first, recomputed, fwd, a.pos());
            }
            case Stmt.ArrayStore a -> arrayWrites.store(a, fwd);
            case Stmt.If i -> branch(i, depth, assignedBefore, fwd);
            case Stmt.While w -> loop(w, depth, assignedBefore, fwd);
            default -> throw new IllegalStateException("not lowered: " + s);
        };
    }

    private List<Stmt> branch(Stmt.If i, int depth, Set<String> assignedBefore, List<Stmt> fwd) {
        Set<String> thenAssigned = new HashSet<>(assignedBefore);
        Set<String> elseAssigned = new HashSet<>(assignedBefore);
        List<Stmt> thenFwd = new ArrayList<>();
        List<Stmt> elseFwd = new ArrayList<>();
        Pos pos = i.pos();
        List<Stmt> thenBwd = block(i.then().stmts(), depth, thenAssigned, thenFwd);
        List<Stmt> elseBwd = block(i.otherwise().stmts(), depth, elseAssigned, elseFwd);
        assignedBefore.addAll(thenAssigned);
        assignedBefore.addAll(elseAssigned);
        if (thenBwd.isEmpty() && elseBwd.isEmpty()) {
            fwd.add(new Stmt.If(i.condition(), new Stmt.Block(thenFwd, pos), new Stmt.Block(elseFwd, pos), pos));
            return List.of();
        }
        String taken = scope.temp("branch");
        types.put(taken, Type.Prim.BOOLEAN);
        extraDecls.put(taken, Type.Prim.BOOLEAN);
        fwd.add(new Stmt.Assign(taken, i.condition(), pos));
        Expr replay = var(taken);
        fwd.add(new Stmt.If(var(taken), new Stmt.Block(thenFwd, pos), new Stmt.Block(elseFwd, pos), pos));
        if (depth > 0) {
            // Pushed after the branch's own pushes, so that the backward pass, which needs the
            // direction before it replays the branch, pops it first.
            fwd.add(tapes.push(Tape.BITS, var(taken), Type.Prim.BOOLEAN, pos));
            replay = tapes.pop(Tape.BITS, Type.Prim.BOOLEAN);
        }
        return List.of(new Stmt.If(replay, new Stmt.Block(thenBwd, pos), new Stmt.Block(elseBwd, pos), pos));
    }

    private List<Stmt> loop(Stmt.While w, int depth, Set<String> assignedBefore, List<Stmt> fwd) {
        Pos pos = w.pos();
        Integer id = flat.loopIds().get(w);
        List<Stmt> body = w.body().stmts();
        LoopShape shape = LoopShape.of(w, id, flat, assignCount, types);
        int trailing = shape.trailing();
        PushCounts.Mark before = tapes.pushes().mark();
        TapeCapacity.Trips tripsHint = depth == 0 ? capacities.loopStarts(w.condition()) : null;
        List<Stmt> bodyFwd = new ArrayList<>();
        List<List<Stmt>> parts = new ArrayList<>();
        Set<String> assigned = new HashSet<>(assignedBefore);
        int split = -1;
        for (int index = 0; index < body.size(); index++) {
            Stmt s = body.get(index);
            if (index == trailing) {
                split = bodyFwd.size();
            }
            boolean recomputed = s instanceof Stmt.Assign a && shape.recomputes(a.name());
            parts.add(statement(s, depth + 1, assigned, bodyFwd, recomputed));
        }
        split = split < 0 ? bodyFwd.size() : split;
        assignedBefore.addAll(assigned);
        if (tripsHint != null) {
            capacities.loopEnds(tripsHint, before);
        }
        if (depth == 0 && tapes.pushes().noneSince(before)) {
            fusion.offer(w, id, trailing, parts, bodyFwd, split);
        }
        // Backward trip: undo the trailing updates, recompute the loop-locals, then the rest.
        List<Stmt> bodyBwd = StmtScan.reversed(parts, trailing, parts.size());
        List<Stmt> rest = StmtScan.reversed(parts, 0, trailing);
        if (rest.isEmpty() && bodyBwd.isEmpty()) {
            fwd.add(new Stmt.While(w.condition(), new Stmt.Block(bodyFwd, w.body().pos()), pos));
            return List.of();
        }
        for (Stmt.Assign a : shape.recompute()) {
            if (recorded.contains(a.name())) {
                bodyBwd.add(new Stmt.Let(a.name(), types.get(a.name()), a.value(), a.pos()));
            }
        }
        bodyBwd.addAll(rest);
        String trips = scope.temp("trips");
        Expr tripCount;
        Expr recomputedTrips = depth == 0 ? null : restores.tripCount(w);
        if (recomputedTrips != null) {
            // Nothing counted or saved: the backward pass recomputes the trips from the bounds.
            fwd.add(new Stmt.While(w.condition(), new Stmt.Block(bodyFwd, w.body().pos()), pos));
            tripCount = recomputedTrips;
        } else if (depth == 0) {
            types.put(trips, Type.Prim.INT);
            extraDecls.put(trips, Type.Prim.INT);
            fwd.add(new Stmt.Assign(trips, AssignReversal.intLit(0), pos));
            tripCount = var(trips);
        } else {
            fwd.add(new Stmt.Let(trips, Type.Prim.INT, AssignReversal.intLit(0), pos));
            tripCount = tapes.pop(Tape.INTS, Type.Prim.INT);
        }
        if (recomputedTrips == null) {
            Expr.Var tripVar = new Expr.Var(trips, Type.Prim.INT, Pos.NONE);
            List<Stmt> counted = new ArrayList<>();
            counted.add(new Stmt.Assign(trips, new Expr.Binary(Expr.BinOp.PLUS, tripVar, AssignReversal.intLit(1),
                    Type.Prim.INT, Pos.NONE), pos));
            counted.addAll(bodyFwd);
            fwd.add(new Stmt.While(w.condition(), new Stmt.Block(counted, w.body().pos()), pos));
            if (depth > 0) {
                fwd.add(tapes.push(Tape.INTS, tripVar, Type.Prim.INT, pos));
            }
        }
        notes.add(new ReverseMode.LoopNote(pos, tapes.pushes().describeSince(before)));
        String k = scope.temp("iteration");
        Expr kVar = new Expr.Var(k, Type.Prim.INT, Pos.NONE);
        Expr condition = Build.cmp(Expr.BinOp.GT, kVar, AssignReversal.intLit(0));
        List<Stmt> countDown = List.of(new Stmt.Assign(k, new Expr.Binary(Expr.BinOp.MINUS, kVar,
                AssignReversal.intLit(1), Type.Prim.INT, Pos.NONE), pos));
        Stmt.Let trips0 = new Stmt.Let(k, Type.Prim.INT, tripCount, pos);
        List<RestorePlan.Counter> counters = restores.counters(w);
        if (counters.isEmpty()) {
            return List.of(new Stmt.For(List.of(trips0), condition, countDown, new Stmt.Block(bodyBwd, pos), pos));
        }
        // The counters' values after the loop, recomputed from the trip count instead of saved.
        List<Stmt> out = new ArrayList<>();
        out.add(trips0);
        for (RestorePlan.Counter c : counters) {
            Expr steps = c.step() == 1 ? kVar : new Expr.Binary(Expr.BinOp.TIMES, kVar,
                    AssignReversal.intLit(c.step()), Type.Prim.INT, Pos.NONE);
            boolean fromZero = c.init() instanceof Expr.Literal l && l.text().equals("0");
            out.add(new Stmt.Assign(c.name(), fromZero ? steps : new Expr.Binary(Expr.BinOp.PLUS, c.init(), steps,
                    Type.Prim.INT, Pos.NONE), pos));
        }
        out.add(new Stmt.For(List.of(), condition, countDown, new Stmt.Block(bodyBwd, pos), pos));
        return out;
    }

    private Expr.Var var(String name) {
        return new Expr.Var(name, types.get(name), Pos.NONE);
    }
}
