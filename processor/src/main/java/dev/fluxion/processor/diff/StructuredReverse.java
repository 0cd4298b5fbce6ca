package dev.fluxion.processor.diff;

import dev.fluxion.processor.Names;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse mode for bodies with loops and branches. The forward pass runs the lowered body with
 * mutable locals; the backward pass mirrors it, statement by statement, and keeps one invariant:
 * when it reaches the backward of a statement, every local the backward pass reads holds the value
 * it had just after that statement ran forward. So each overwrite of such a local is undone:
 * <ul>
 * <li>{@code i = i + 1} on an int is undone by {@code i = i - 1} (nothing saved);</li>
 * <li>a loop-local computed cheaply from values the loop does not change (Rosenbrock's
 *     {@code x[i + 1] - x[i] * x[i]}) is recomputed at the start of each backward iteration;</li>
 * <li>anything else is pushed on a {@link Tape} before it is overwritten and popped after.</li>
 * </ul>
 * Loops push their trip count (a top-level loop keeps it in a local), branches inside loops push
 * the branch taken (a top-level branch keeps it in a local). A local that is only accumulated
 * ({@code s += term}) is never read by the backward pass, so nothing of it is saved.
 * <p>
 * The backward pass reads tapes through readers ({@code ints.reader()}), so it can run more than
 * once. For a scalar result, {@link LoopFusion} also gives {@code fGrad} in one pass where the last
 * loop's backward can run trip by trip inside its forward.
 */
public final class StructuredReverse {
    private final MethodIr method;
    private final Flattener.Flat flat;
    private final Names.Scope scope;
    private final Map<String, Type> types = new HashMap<>();
    private final Map<String, String> adjoints = new LinkedHashMap<>();
    private final Map<String, Integer> assignCount = new HashMap<>();
    private final Map<Tape, String> stacks = new EnumMap<>(Tape.class);
    private final Map<Tape, String> readers = new EnumMap<>(Tape.class);
    /** The one-pass {@code fGrad}: which top-level loop runs fused, and the method's body around it. */
    private final LoopFusion fusion;
    private final Map<String, Type> extraDecls = new LinkedHashMap<>();
    private final Set<String> usedArrays = new LinkedHashSet<>();
    private final List<String> steps = new ArrayList<>();
    private final List<LoopNote> notes = new ArrayList<>();
    private final PushCounts pushes = new PushCounts();
    private final TapeCapacity capacities;
    private Set<String> needed;
    private Pos at = Pos.NONE;

    /** What a loop's backward pass keeps per iteration, for the compile-time note. */
    public record LoopNote(Pos pos, String perIteration) {}

    /** The derived method and its loop notes. */
    public record Result(DerivedMethod method, List<LoopNote> notes) {}

    private StructuredReverse(MethodIr method, Flattener.Flat flat, Set<String> needed) {
        this.method = method;
        this.flat = flat;
        this.scope = flat.scope();
        this.needed = needed;
        method.params().forEach(p -> types.put(p.name(), p.type()));
        types.putAll(flat.decls());
        flat.leaves().forEach(l -> types.put(l.local(), Type.TENSOR));
        StmtScan.countAssigns(flat.body(), assignCount);
        this.fusion = new LoopFusion(method, flat, types, adjoints);
        this.capacities = new TapeCapacity(method, assignCount, pushes);
    }

    /** Whether {@code method} needs this transform (it has loops, branches or an early return). */
    public static boolean needed(MethodIr method) {
        List<Stmt> stmts = method.body().stmts();
        for (int i = 0; i < stmts.size(); i++) {
            Stmt s = stmts.get(i);
            if (!(s instanceof Stmt.Let || s instanceof Stmt.Assign || s instanceof Stmt.ExprStmt
                    || s instanceof Stmt.Return && i == stmts.size() - 1)) {
                return true;
            }
            // c ? a : b with a compound side becomes a branch, so the untaken side's derivative
            // (a NaN for sqrt at 0) is never evaluated.
            for (Expr e : exprsOf(s)) {
                if (hasCompoundConditional(e)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<Expr> exprsOf(Stmt s) {
        return switch (s) {
            case Stmt.Let l -> l.init() == null ? List.of() : List.of(l.init());
            case Stmt.Assign a -> List.of(a.value());
            case Stmt.Return r -> List.of(r.value());
            default -> List.of();
        };
    }

    private static boolean hasCompoundConditional(Expr e) {
        if (e instanceof Expr.Conditional c && !(Exprs.isAtom(c.whenTrue()) && Exprs.isAtom(c.whenFalse()))) {
            return true;
        }
        return e.children().stream().anyMatch(StructuredReverse::hasCompoundConditional);
    }

    /** Derives the forward-with-tape and backward passes of {@code method}. */
    public static Result reverse(MethodIr method) {
        Set<String> needed = new HashSet<>();
        for (int round = 0; ; round++) {
            Flattener.Flat flat = Flattener.flatten(method, Lowering.of(method));
            StructuredReverse r = new StructuredReverse(method, flat, needed);
            Result result = r.run();
            Set<String> reads = r.allReads(result.method().backward());
            if (reads.equals(needed) || round == 6) {
                return result;
            }
            needed = reads;
        }
    }

    private Result run() {
        List<Stmt> fwd = new ArrayList<>();
        List<Stmt> top = flat.body();
        List<List<Stmt>> topParts = new ArrayList<>();
        List<Integer> fwdEnds = new ArrayList<>();
        Set<String> assignedTop = new HashSet<>();
        for (Stmt s : top) {
            topParts.add(statement(s, 0, assignedTop, fwd));
            fwdEnds.add(fwd.size());
        }
        List<Stmt> bwd = StmtScan.reversed(topParts, 0, top.size());
        String resultVar = flat.result();
        Type resultType = method.returnType();
        String cotangent = flat.varied().contains(resultVar) ? adjoint(resultVar)
                : scope.fresh(Names.adjoint(Names.result()));
        // Forward: every local declared first, then the leaves, then the tapes.
        List<Stmt> forward = new ArrayList<>();
        flat.decls().forEach((n, t) -> forward.add(new Stmt.Let(n, t, zeroOf(t), Pos.NONE)));
        extraDecls.forEach((n, t) -> forward.add(new Stmt.Let(n, t, zeroOf(t), Pos.NONE)));
        for (Primal.Leaf leaf : flat.leaves()) {
            forward.add(new Stmt.Let(leaf.local(), Type.TENSOR, leaf.field(), Pos.NONE));
        }
        stacks.forEach((tape, name) -> forward.add(new Stmt.Let(name, tape.type(),
                tape.create(capacities.capacity(tape)), Pos.NONE)));
        List<Stmt> declarations = List.copyOf(forward);
        forward.addAll(fwd);
        // Backward: adjoints first (the result's is the parameter), then the mirrored body.
        List<Stmt> backward = new ArrayList<>();
        for (var e : adjoints.entrySet()) {
            if (e.getValue().equals(cotangent)) {
                continue;
            }
            Type t = types.get(e.getKey());
            Expr init = t instanceof Type.ArrayOf a ? new Expr.NewArray(a, List.of(),
                    new Expr.ArrayLength(var(e.getKey()), Pos.NONE), Pos.NONE) : zeroOf(adjointType(t));
            backward.add(new Stmt.Let(e.getValue(), adjointType(t), init, Pos.NONE));
        }
        List<Stmt> adjointDeclarations = List.copyOf(backward);
        List<Stmt> openReaders = new ArrayList<>();
        readers.forEach((tape, name) -> openReaders.add(new Stmt.Let(name, tape.readerType(),
                tape.reader(stacks.get(tape)), Pos.NONE)));
        backward.addAll(openReaders);
        backward.addAll(bwd);
        for (Primal.Leaf leaf : flat.leaves()) {
            String adj = adjoints.get(leaf.local());
            if (adj != null) {
                Expr field = leaf.field();
                Expr adjVar = new Expr.Var(adj, Type.TENSOR, Pos.NONE);
                Stmt acc = new Stmt.ExprStmt(new Expr.Call(new Callee.Instance("accumulateGrad"),
                        List.of(field, adjVar), Type.Prim.VOID, Pos.NONE), Pos.NONE);
                Expr requires = Build.cmp(Expr.BinOp.NE, adjVar, nullOf(Type.TENSOR));
                requires = new Expr.Binary(Expr.BinOp.AND, requires, Build.cmp(Expr.BinOp.NE, field,
                        nullOf(Type.TENSOR)), Type.Prim.BOOLEAN, Pos.NONE);
                requires = new Expr.Binary(Expr.BinOp.AND, requires, new Expr.Call(new Callee.Instance("requiresGrad"),
                        List.of(field), Type.Prim.BOOLEAN, Pos.NONE), Type.Prim.BOOLEAN, Pos.NONE);
                backward.add(new Stmt.If(requires, new Stmt.Block(List.of(acc), Pos.NONE), Lowering.empty(),
                        leaf.field().pos()));
            }
        }
        List<DerivedMethod.Gradient> gradients = new ArrayList<>();
        for (Param p : method.differentiableParams()) {
            gradients.add(new DerivedMethod.Gradient(p.name(), p.type(), gradientOf(p)));
        }
        // Saved values the backward pass restores are copied to locals first: the pullback's
        // fields stay as the forward pass left them.
        Set<String> reads = backwardReads(backward);
        gradients.forEach(g -> Exprs.vars(g.value()).stream().filter(n -> types.containsKey(n)
                && !adjoints.containsValue(n)).forEach(reads::add));
        reads.remove(cotangent);
        Set<String> mutated = new HashSet<>();
        StmtScan.assigned(backward, mutated);
        Map<String, String> copies = new LinkedHashMap<>();
        for (String name : reads) {
            if (mutated.contains(name)) {
                copies.put(name, scope.fresh(name + "_"));
            }
        }
        List<Stmt> finalBackward = new ArrayList<>();
        copies.forEach((n, c) -> finalBackward.add(new Stmt.Let(c, types.get(n), var(n), Pos.NONE)));
        for (Stmt s : backward) {
            finalBackward.add(Exprs.rename(s, copies));
        }
        List<Expr.Var> saved = new ArrayList<>();
        List<String> order = new ArrayList<>();
        method.params().forEach(p -> order.add(p.name()));
        forward.stream().filter(s -> s instanceof Stmt.Let).forEach(s -> order.add(((Stmt.Let) s).name()));
        for (String n : order) {
            if (reads.contains(n) && !n.equals(resultVar)) {
                saved.add(var(n));
            }
        }
        Expr result = var(resultVar);
        if (reads.contains(resultVar)) {
            saved.add(var(resultVar)); // read back as the value too; the writer shares the field
        }
        Set<String> scalarAdjoints = new HashSet<>();
        adjoints.forEach((n, adj) -> {
            if (adjointType(types.get(n)) == Type.Prim.DOUBLE) {
                scalarAdjoints.add(adj);
            }
        });
        List<Stmt> simplified = KnownZero.apply(finalBackward, scalarAdjoints);
        List<Stmt> fused = KnownZero.apply(fusion.fusedGrad(top, topParts, fwdEnds, fwd, declarations, adjointDeclarations,
                openReaders, cotangent), scalarAdjoints);
        DerivedMethod d = new DerivedMethod(method, forward, result, cotangent, simplified, gradients, saved,
                steps, fused);
        return new Result(d, List.copyOf(notes));
    }

    // ------------------------------------------------------------------ statements

    /** Emits the forward statements of {@code stmts} into {@code fwd}; returns their backward. */
    private List<Stmt> block(List<Stmt> stmts, int depth, Set<String> assignedBefore, List<Stmt> fwd) {
        List<List<Stmt>> parts = new ArrayList<>();
        for (Stmt s : stmts) {
            parts.add(statement(s, depth, assignedBefore, fwd));
        }
        return StmtScan.reversed(parts, 0, parts.size());
    }

    /** Emits the forward statements of {@code s} into {@code fwd}; returns its backward. */
    private List<Stmt> statement(Stmt s, int depth, Set<String> assignedBefore, List<Stmt> fwd) {
        at = s.pos();
        return switch (s) {
            case Stmt.Assign a -> assign(a, depth, assignedBefore, fwd, false);
            case Stmt.If i -> branch(i, depth, assignedBefore, fwd);
            case Stmt.While w -> loop(w, depth, assignedBefore, fwd);
            default -> throw new IllegalStateException("not lowered: " + s);
        };
    }

    private List<Stmt> assign(Stmt.Assign a, int depth, Set<String> assignedBefore, List<Stmt> fwd,
                              boolean recomputed) {
        String v = a.name();
        Type t = types.get(v);
        boolean first = depth == 0 && !assignedBefore.contains(v);
        assignedBefore.add(v);
        List<Stmt> restore = new ArrayList<>();
        if (!first && !recomputed && needed.contains(v)) {
            Integer step = invertibleStep(a);
            if (step != null) {
                restore.add(new Stmt.Assign(v, new Expr.Binary(Expr.BinOp.MINUS, var(v), intLit(step), t, Pos.NONE),
                        at));
            } else {
                Tape tape = Tape.of(t);
                fwd.add(tape.push(stack(tape), var(v), at));
                pushes.count(tape, t);
                restore.add(new Stmt.Assign(v, tape.pop(reader(tape), t), at));
            }
        }
        boolean variedTarget = flat.varied().contains(v);
        boolean variedValue = variedTarget && isVaried(a.value());
        if (variedValue && a.value() instanceof Expr.Call c && c.callee() instanceof Callee.User u) {
            return userCall(a, c, u.method(), first, fwd, restore);
        }
        fwd.add(a);
        List<Stmt> out = new ArrayList<>();
        if (!variedTarget) {
            out.addAll(restore);
            return out;
        }
        Type at = adjointType(t);
        String adj = adjoint(v);
        if (!variedValue) {
            out.add(new Stmt.Assign(adj, zeroOf(at), this.at));
            out.addAll(restore);
            return out;
        }
        Expr.Var added = at.isTensor() ? null : LoopFusion.accumulated(a);
        if (added != null) {
            // v = v ± t: v's cotangent passes through unchanged; t gets it (negated for -).
            out.addAll(restore);
            boolean minus = a.value() instanceof Expr.Binary b && b.op() == Expr.BinOp.MINUS;
            step(minus ? "SubBackward" : "AddBackward");
            Expr g = new Expr.Var(adj, at, Pos.NONE);
            contribute(added, minus ? Build.neg(g) : g, out);
            return out;
        }
        // The cotangent of v before this statement: none (v is overwritten), so it is zeroed; when
        // the value does not read v, after its contributions are made, with no copy.
        boolean selfRead = Exprs.vars(a.value()).contains(v);
        boolean zeroAfter = !first && !selfRead;
        Expr g;
        if (first || zeroAfter) {
            g = new Expr.Var(adj, at, Pos.NONE);
        } else {
            String gName = scope.temp(adj + "_");
            out.add(new Stmt.Let(gName, at, new Expr.Var(adj, at, Pos.NONE), this.at));
            out.add(new Stmt.Assign(adj, zeroOf(at), this.at));
            g = new Expr.Var(gName, at, Pos.NONE);
        }
        Expr outValue = var(v);
        if (!restore.isEmpty()) {
            String o = scope.temp(v + "_out");
            out.add(new Stmt.Let(o, t, var(v), this.at));
            outValue = new Expr.Var(o, t, Pos.NONE);
        }
        out.addAll(restore);
        List<Stmt> contributions = new ArrayList<>();
        contributions(a.value(), g, outValue, contributions);
        if (at.isTensor() && !contributions.isEmpty()) {
            out.add(new Stmt.If(Build.cmp(Expr.BinOp.NE, g, nullOf(Type.TENSOR)), new Stmt.Block(contributions,
                    this.at), Lowering.empty(), this.at));
        } else {
            out.addAll(contributions);
        }
        if (zeroAfter) {
            out.add(new Stmt.Assign(adj, zeroOf(at), this.at));
        }
        return out;
    }

    private List<Stmt> userCall(Stmt.Assign a, Expr.Call c, Callee.UserMethod m, boolean first, List<Stmt> fwd,
                                List<Stmt> restore) {
        String v = a.name();
        String pb = scope.fresh(Names.calleePullback(v));
        Type pbType = new Type.Declared(gradClass(m) + "." + Names.pullbackClass(m.name()));
        types.put(pb, pbType);
        extraDecls.put(pb, pbType);
        List<Stmt> out = new ArrayList<>();
        List<Stmt> pbRestore = new ArrayList<>();
        if (!first) {
            fwd.add(Tape.OBJECTS.push(stack(Tape.OBJECTS), var(pb), at));
            pushes.count(Tape.OBJECTS, pbType);
            pbRestore.add(new Stmt.Assign(pb, Tape.OBJECTS.pop(reader(Tape.OBJECTS), pbType), at));
        }
        List<Expr> args = new ArrayList<>();
        if (!m.isStatic()) {
            args.add(Build.modelOf((Callee.User) c.callee(), method.self().ownerQualifiedName()));
        }
        args.addAll(c.args());
        fwd.add(new Stmt.Assign(pb, new Expr.Call(new Callee.Static(gradClass(m),
                Names.vjpMethod(m.name())), args, pbType, c.pos()), at));
        fwd.add(new Stmt.Assign(v, new Expr.Call(new Callee.Instance(Names.VALUE), List.of(var(pb)), a.value().type(),
                c.pos()), at));
        Type adjT = adjointType(types.get(v));
        String adj = adjoint(v);
        String gName = scope.temp(adj + "_");
        out.add(new Stmt.Let(gName, adjT, new Expr.Var(adj, adjT, Pos.NONE), at));
        out.add(new Stmt.Assign(adj, zeroOf(adjT), at));
        step(Names.capitalize(m.name()) + "Backward");
        String recordType = gradClass(m) + "." + Names.gradientRecord(m.name());
        Expr gVar = new Expr.Var(gName, adjT, Pos.NONE);
        Expr call = new Expr.Call(new Callee.Instance(Names.BACKWARD), List.of(var(pb), gVar),
                new Type.Declared(recordType), Pos.NONE);
        String grad = scope.fresh(Names.calleeGradient(v));
        List<Stmt> inner = new ArrayList<>();
        inner.add(new Stmt.Let(grad, call.type(), call, at));
        types.put(grad, call.type());
        for (int i = 0; i < c.args().size(); i++) {
            if (m.differentiable().get(i)) {
                Type t = m.paramTypes().get(i);
                contribute(c.args().get(i), new Expr.Call(new Callee.Instance(m.gradientNames().get(i)),
                        List.of(var(grad)), t.isFloatingScalar() ? Type.Prim.DOUBLE : t, Pos.NONE), inner);
            }
        }
        if (adjT.isTensor()) {
            out.add(new Stmt.If(Build.cmp(Expr.BinOp.NE, gVar, nullOf(Type.TENSOR)), new Stmt.Block(inner, at),
                    Lowering.empty(), at));
        } else {
            out.addAll(inner);
        }
        // The forward pass pushed v's old value, then the old pullback: popped in reverse (a
        // Tensor result and the pullback share the object tape). The pullback's backward reads
        // neither v nor the old pullback, so both are restored after it.
        out.addAll(pbRestore);
        out.addAll(restore);
        return out;
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
        if (depth > 0) {
            fwd.add(Tape.BITS.push(stack(Tape.BITS), var(taken), pos));
            pushes.count(Tape.BITS, Type.Prim.BOOLEAN);
            replay = Tape.BITS.pop(reader(Tape.BITS), Type.Prim.BOOLEAN);
        }
        fwd.add(new Stmt.If(var(taken), new Stmt.Block(thenFwd, pos), new Stmt.Block(elseFwd, pos), pos));
        return List.of(new Stmt.If(replay, new Stmt.Block(thenBwd, pos), new Stmt.Block(elseBwd, pos), pos));
    }

    private List<Stmt> loop(Stmt.While w, int depth, Set<String> assignedBefore, List<Stmt> fwd) {
        Pos pos = w.pos();
        Integer id = flat.loopIds().get(w);
        List<Stmt> body = w.body().stmts();
        Map<String, Integer> inLoop = new HashMap<>();
        StmtScan.countAssigns(body, inLoop);
        // Trailing int updates (i = i + 1) are undone first in each backward iteration.
        int trailing = body.size();
        while (trailing > 0 && body.get(trailing - 1) instanceof Stmt.Assign u && invertibleStep(u) != null
                && inLoop.get(u.name()) == 1) {
            trailing--;
        }
        Set<String> stableAfterUndo = new HashSet<>();
        for (Stmt s : body.subList(trailing, body.size())) {
            stableAfterUndo.add(((Stmt.Assign) s).name());
        }
        List<Stmt.Assign> recompute = new ArrayList<>();
        Set<String> recomputed = new HashSet<>();
        for (Stmt s : body.subList(0, trailing)) {
            if (s instanceof Stmt.Assign a && id != null && id.equals(flat.loopOf().get(a.name()))
                    && assignCount.getOrDefault(a.name(), 0) == 1 && cheap(a.value())
                    && Exprs.vars(a.value()).stream().allMatch(x -> !inLoop.containsKey(x)
                    || stableAfterUndo.contains(x) || recomputed.contains(x))) {
                recompute.add(a);
                recomputed.add(a.name());
            }
        }
        PushCounts.Mark before = pushes.mark();
        TapeCapacity.Trips tripsHint = depth == 0 ? capacities.loopStarts(w.condition()) : null;
        List<Stmt> bodyFwd = new ArrayList<>();
        List<Stmt> bodyBwd = new ArrayList<>();
        List<List<Stmt>> parts = new ArrayList<>();
        Set<String> assigned = new HashSet<>(assignedBefore);
        int split = -1;
        for (int index = 0; index < body.size(); index++) {
            Stmt s = body.get(index);
            if (index == trailing) {
                split = bodyFwd.size();
            }
            at = s.pos();
            parts.add(switch (s) {
                case Stmt.Assign a -> assign(a, depth + 1, assigned, bodyFwd, recomputed.contains(a.name()));
                case Stmt.If i -> branch(i, depth + 1, assigned, bodyFwd);
                case Stmt.While inner -> loop(inner, depth + 1, assigned, bodyFwd);
                default -> throw new IllegalStateException("not lowered: " + s);
            });
        }
        split = split < 0 ? bodyFwd.size() : split;
        assignedBefore.addAll(assigned);
        if (tripsHint != null) {
            capacities.loopEnds(tripsHint, before);
        }
        if (depth == 0 && pushes.noneSince(before)) {
            fusion.offer(w, id, trailing, parts, bodyFwd, split);
        }
        for (int i = parts.size() - 1; i >= trailing; i--) {
            bodyBwd.addAll(parts.get(i));
        }
        List<Stmt> recomputeStmts = new ArrayList<>();
        for (Stmt.Assign a : recompute) {
            if (needed.contains(a.name())) {
                recomputeStmts.add(new Stmt.Let(a.name(), types.get(a.name()), a.value(), a.pos()));
            }
        }
        List<Stmt> rest = new ArrayList<>();
        for (int i = trailing - 1; i >= 0; i--) {
            rest.addAll(parts.get(i));
        }
        if (rest.isEmpty() && bodyBwd.isEmpty()) {
            fwd.add(new Stmt.While(w.condition(), new Stmt.Block(bodyFwd, w.body().pos()), pos));
            return List.of();
        }
        bodyBwd.addAll(recomputeStmts);
        bodyBwd.addAll(rest);
        String trips = scope.temp("trips");
        Expr tripCount;
        if (depth == 0) {
            types.put(trips, Type.Prim.INT);
            extraDecls.put(trips, Type.Prim.INT);
            fwd.add(new Stmt.Assign(trips, intLit(0), pos));
            tripCount = var(trips);
        } else {
            fwd.add(new Stmt.Let(trips, Type.Prim.INT, intLit(0), pos));
            tripCount = Tape.INTS.pop(reader(Tape.INTS), Type.Prim.INT);
        }
        List<Stmt> counted = new ArrayList<>();
        counted.add(new Stmt.Assign(trips, new Expr.Binary(Expr.BinOp.PLUS, new Expr.Var(trips, Type.Prim.INT,
                Pos.NONE), intLit(1), Type.Prim.INT, Pos.NONE), pos));
        counted.addAll(bodyFwd);
        fwd.add(new Stmt.While(w.condition(), new Stmt.Block(counted, w.body().pos()), pos));
        if (depth > 0) {
            fwd.add(Tape.INTS.push(stack(Tape.INTS), new Expr.Var(trips, Type.Prim.INT, Pos.NONE), pos));
            pushes.count(Tape.INTS, Type.Prim.INT);
        }
        notes.add(new LoopNote(pos, pushes.describeSince(before)));
        String k = scope.temp("iteration");
        Expr kVar = new Expr.Var(k, Type.Prim.INT, Pos.NONE);
        return List.of(new Stmt.For(List.of(new Stmt.Let(k, Type.Prim.INT, tripCount, pos)),
                Build.cmp(Expr.BinOp.GT, kVar, intLit(0)),
                List.of(new Stmt.Assign(k, new Expr.Binary(Expr.BinOp.MINUS, kVar, intLit(1), Type.Prim.INT,
                        Pos.NONE), pos)), new Stmt.Block(bodyBwd, pos), pos));
    }

    // ------------------------------------------------------------------ derivatives

    private void contributions(Expr e, Expr g, Expr out, List<Stmt> into) {
        switch (e) {
            case Expr.Var v -> contribute(v, g, into);
            case Expr.Cast c -> contribute(c.operand(), g, into);
            case Expr.Unary u -> {
                step("NegBackward");
                contribute(u.operand(), u.op() == Expr.UnOp.NEG ? Build.neg(g) : g, into);
            }
            case Expr.Binary b -> {
                step(switch (b.op()) {
                    case PLUS -> "AddBackward";
                    case MINUS -> "SubBackward";
                    case TIMES -> "MulBackward";
                    default -> "DivBackward";
                });
                if (b.op() == Expr.BinOp.TIMES && b.left() instanceof Expr.Var l && b.right() instanceof Expr.Var r
                        && l.name().equals(r.name())) {
                    // a * a: one contribution 2 a g (exactly the sum of the two a g)
                    contribute(l, Build.mul(Build.mul(g, r), Build.num(2)), into);
                    return;
                }
                contribute(b.left(), DerivativeRules.binary(b.op(), 0, g, b.left(), b.right(), out), into);
                contribute(b.right(), DerivativeRules.binary(b.op(), 1, g, b.left(), b.right(), out), into);
            }
            case Expr.ArrayRead a -> {
                step("IndexBackward");
                if (a.array() instanceof Expr.Var arr && flat.varied().contains(arr.name())) {
                    usedArrays.add(arr.name());
                    into.add(new Stmt.ArrayAccumulate(adjoint(arr.name()), a.index(), g, at));
                }
            }
            case Expr.Call c when c.callee() instanceof Callee.Known k -> {
                step(k.op().backwardName());
                List<Expr> slots = dev.fluxion.processor.ir.Activity.differentiableChildren(c);
                for (int i = 0; i < c.args().size(); i++) {
                    Expr arg = c.args().get(i);
                    if (slots.stream().anyMatch(s -> s == arg) && isVaried(arg)) {
                        contribute(arg, DerivativeRules.known(k.op(), i, g, c.args(), out), into);
                    }
                }
            }
            default -> throw new IllegalStateException("cannot reverse " + e.getClass().getSimpleName());
        }
    }

    private void contribute(Expr operand, Expr contribution, List<Stmt> into) {
        if (!(operand instanceof Expr.Var v) || !flat.varied().contains(v.name())) {
            return;
        }
        Type type = adjointType(types.get(v.name()));
        String adj = adjoint(v.name());
        Expr current = new Expr.Var(adj, type, Pos.NONE);
        Expr sum = type.isTensor()
                ? new Expr.Call(new Callee.Static(Build.DERIVATIVES, "accumulate"), List.of(current, contribution),
                        Type.TENSOR, Pos.NONE)
                : Build.add(current, contribution);
        into.add(new Stmt.Assign(adj, sum, at));
    }

    private boolean isVaried(Expr e) {
        if (e instanceof Expr.Var v) {
            return flat.varied().contains(v.name());
        }
        return e instanceof Expr.FieldRead f ? f.parameter()
                : dev.fluxion.processor.ir.Activity.differentiableChildren(e).stream().anyMatch(this::isVaried)
                || dev.fluxion.processor.ir.Activity.readsParameters(e);
    }

    private String adjoint(String name) {
        return adjoints.computeIfAbsent(name, n -> scope.fresh(Names.adjoint(n)));
    }

    private Expr gradientOf(Param p) {
        String adj = adjoints.get(p.name());
        Type t = p.type();
        if (adj != null) {
            Expr v = new Expr.Var(adj, adjointType(t), Pos.NONE);
            return t == Type.Prim.FLOAT ? new Expr.Cast(Type.Prim.FLOAT, v, Pos.NONE) : v;
        }
        return switch (t) {
            case Type.ArrayOf a -> new Expr.NewArray(a, List.of(), new Expr.ArrayLength(var(p.name()), Pos.NONE),
                    Pos.NONE);
            case Type.TensorType tt -> Build.op(dev.fluxion.processor.ir.Op.ZEROS_LIKE, Type.TENSOR, var(p.name()));
            default -> new Expr.Literal(t == Type.Prim.FLOAT ? "0f" : "0.0", t, Pos.NONE);
        };
    }

    // ------------------------------------------------------------------ helpers

    /** {@code i = i + c} or {@code i = i - c} on an int with a literal {@code c}: the step, else null. */
    private Integer invertibleStep(Stmt.Assign a) {
        if (types.get(a.name()) != Type.Prim.INT || !(a.value() instanceof Expr.Binary b)
                || !(b.left() instanceof Expr.Var v) || !v.name().equals(a.name())
                || !(b.right() instanceof Expr.Literal l) || l.type() != Type.Prim.INT) {
            return null;
        }
        int c;
        try {
            c = Integer.decode(l.text());
        } catch (NumberFormatException e) {
            return null;
        }
        return switch (b.op()) {
            case PLUS -> c;
            case MINUS -> -c;
            default -> null;
        };
    }

    /** Scalar arithmetic, array reads and Math: cheaper to recompute than to save. */
    private static boolean cheap(Expr e) {
        if (e.type().isTensor() || e.type() instanceof Type.Declared || e instanceof Expr.FieldRead) {
            return false;
        }
        if (e instanceof Expr.Call c && !(c.callee() instanceof Callee.Known k
                && k.op().style() == dev.fluxion.processor.ir.Op.Style.MATH)) {
            return false;
        }
        return e.children().stream().allMatch(StructuredReverse::cheap);
    }

    /** Every forward name the backward statements read (a recomputed one included). */
    private Set<String> allReads(List<Stmt> backward) {
        Set<String> reads = new LinkedHashSet<>();
        StmtScan.collectReads(backward, reads, new HashSet<>());
        reads.removeIf(n -> !types.containsKey(n) || adjoints.containsValue(n));
        return reads;
    }

    /** The forward names the backward statements read before any backward declaration of them. */
    private Set<String> backwardReads(List<Stmt> backward) {
        Set<String> reads = new LinkedHashSet<>();
        Set<String> declared = new HashSet<>();
        StmtScan.collectReads(backward, reads, declared);
        reads.removeAll(declared);
        reads.removeIf(n -> !types.containsKey(n) && !stacks.containsValue(n));
        return reads;
    }

    private static String gradClass(Callee.UserMethod m) {
        String owner = m.ownerQualifiedName();
        int dot = owner.lastIndexOf('.');
        return (dot < 0 ? "" : owner.substring(0, dot + 1)) + Names.gradClass(owner.substring(dot + 1));
    }

    /** The reader the backward pass opens on {@code tape}'s stack (declared by {@link #run}). */
    private String reader(Tape tape) {
        stack(tape);
        return readers.computeIfAbsent(tape, t -> scope.fresh(t.local + "_"));
    }

    private String stack(Tape tape) {
        return stacks.computeIfAbsent(tape, t -> {
            String name = scope.fresh(t.local);
            types.put(name, t.type());
            return name;
        });
    }

    private void step(String name) {
        steps.add(name);
    }

    private Expr.Var var(String name) {
        return new Expr.Var(name, types.get(name), Pos.NONE);
    }

    private static Expr intLit(int v) {
        return new Expr.Literal(Integer.toString(v), Type.Prim.INT, Pos.NONE);
    }

    private static Expr nullOf(Type t) {
        return new Expr.Literal("null", t, Pos.NONE);
    }

    private static Type adjointType(Type t) {
        return t.isFloatingScalar() ? Type.Prim.DOUBLE : t;
    }

    private static Expr zeroOf(Type t) {
        if (t instanceof Type.Prim p) {
            return switch (p) {
                case DOUBLE -> new Expr.Literal("0.0", t, Pos.NONE);
                case FLOAT -> new Expr.Literal("0f", t, Pos.NONE);
                case LONG -> new Expr.Literal("0L", t, Pos.NONE);
                case BOOLEAN -> new Expr.Literal("false", t, Pos.NONE);
                case INT -> new Expr.Literal("0", t, Pos.NONE);
                default -> new Expr.Cast(p, new Expr.Literal("0", Type.Prim.INT, Pos.NONE), Pos.NONE);
            };
        }
        return nullOf(t);
    }
}
