package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Stmts;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.opt.AdjointArrayLoops;
import dev.fluxion.processor.opt.Tidy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse-mode transform, one for every body: straight-line code is the case with no loop and
 * no branch. {@link Lowering} and {@link Flattener} normalise the body, {@link ToBeRecorded}
 * decides what the backward pass must get back, {@link Reversal} emits the forward and mirrored
 * backward statements (rules through the one adjoint kernel, {@link Adjoints}), and this class
 * assembles them into a {@link DerivedMethod}. The forward pass runs the lowered body with
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
public final class ReverseMode {
    private final MethodIr method;
    private final Flattener.Flat flat;
    private final Names.Scope scope;
    private final Map<String, Type> types = new HashMap<>();
    private final Map<String, Integer> assignCount = new HashMap<>();
    private final Map<String, Type> extraDecls = new LinkedHashMap<>();
    private final Adjoints adjoints;
    private final TapePlan tapes;
    private final TapeCapacity capacities;
    /** The one-pass {@code fGrad}: which top-level loop runs fused, and the method's body around it. */
    private final LoopFusion fusion;
    private final Reversal reversal;
    /** The arrays written element by element. */
    private final Set<String> written;

    /** What a loop's backward pass keeps per iteration, for the compile-time note. */
    public record LoopNote(Pos pos, String perIteration) {}

    /** The derived method and its loop notes. */
    public record Result(DerivedMethod method, List<LoopNote> notes) {}

    private ReverseMode(MethodIr method, Flattener.Flat flat, Set<String> checkpointed) {
        this.method = method;
        this.flat = flat;
        this.scope = flat.scope();
        method.params().forEach(p -> types.put(p.name(), p.type()));
        types.putAll(flat.decls());
        flat.leaves().forEach(l -> types.put(l.local(), Type.TENSOR));
        StmtScan.countAssigns(flat.body(), assignCount);
        ToBeRecorded toBeRecorded = ToBeRecorded.of(flat, types, assignCount);
        Set<String> recorded = toBeRecorded.locals();
        RestorePlan restores = RestorePlan.of(flat, types, assignCount, toBeRecorded);
        this.adjoints = new Adjoints(flat.varied(), types, scope);
        this.tapes = new TapePlan(scope, types);
        this.capacities = new TapeCapacity(method, assignCount, tapes.pushes());
        this.fusion = new LoopFusion(method, flat, types, adjoints.all());
        AssignReversal assignments = new AssignReversal(method, flat.varied(), types, scope, adjoints, tapes, restores,
                recorded, extraDecls, Stmts.branchesOrLoops(method.body().stmts()));
        this.written = ArrayWrites.written(flat.body());
        assignments.writtenArrays = written;
        assignments.checkpointed = checkpointed;
        this.reversal = new Reversal(flat, types, scope, tapes, capacities, assignments, recorded, assignCount,
                extraDecls, fusion, restores, new ArrayWrites(written, flat.varied(), types, adjoints, tapes, recorded));
    }

    /** Derives the forward-with-tape and backward passes of {@code method}. */
    public static Result reverse(MethodIr method) {
        return reverse(method, Set.of());
    }

    /** As {@link #reverse(MethodIr)}, with the calls to {@code checkpointed} (keys) checkpointed. */
    public static Result reverse(MethodIr method, Set<String> checkpointed) {
        Flattener.Flat flat = Flattener.flatten(method, Lowering.of(method).withoutDeadStores());
        return new ReverseMode(method, flat, checkpointed).run();
    }

    private Result run() {
        List<Stmt> fwd = new ArrayList<>();
        List<Stmt> top = flat.body();
        List<List<Stmt>> topParts = new ArrayList<>();
        List<Integer> fwdEnds = new ArrayList<>();
        // A parameter holds a value before the body runs: assigning it is an overwrite.
        Set<String> assignedTop = new HashSet<>();
        method.params().forEach(p -> assignedTop.add(p.name()));
        for (Stmt s : top) {
            topParts.add(reversal.statement(s, 0, assignedTop, fwd, false));
            fwdEnds.add(fwd.size());
        }
        List<Stmt> bwd = StmtScan.reversed(topParts, 0, top.size());
        String resultVar = flat.result();
        String cotangent = flat.varied().contains(resultVar) ? adjoints.of(resultVar)
                : scope.fresh(Names.adjoint(Names.result()));
        // Forward: every local declared first, then the leaves, then the tapes (Tidy moves each
        // declaration down to its first use).
        List<Stmt> forward = new ArrayList<>();
        flat.decls().forEach((n, t) -> forward.add(new Stmt.Let(n, t, Adjoints.zeroOf(t), Pos.NONE)));
        extraDecls.forEach((n, t) -> forward.add(new Stmt.Let(n, t, Adjoints.zeroOf(t), Pos.NONE)));
        for (Leaf leaf : flat.leaves()) {
            forward.add(new Stmt.Let(leaf.local(), Type.TENSOR, leaf.field(), Pos.NONE));
        }
        forward.addAll(tapes.create(capacities));
        List<Stmt> declarations = List.copyOf(forward);
        forward.addAll(fwd);
        // Backward: adjoints first (the result's is the parameter), then the mirrored body.
        List<Stmt> adjointDeclarations = ArrayWrites.nullSafe(adjoints.declarations(cotangent), written,
                adjoints.all(), types);
        List<Stmt> openReaders = tapes.openReaders();
        List<Stmt> backward = new ArrayList<>(adjointDeclarations);
        backward.addAll(openReaders);
        backward.addAll(bwd);
        backward.addAll(adjoints.accumulateIntoFields(flat.leaves()));
        List<DerivedMethod.Gradient> gradients = new ArrayList<>();
        for (Param p : method.differentiableParams()) {
            gradients.add(new DerivedMethod.Gradient(p.name(), p.type(), adjoints.gradientOf(p)));
        }
        // Saved values the backward pass restores are copied to locals first: the pullback's
        // fields stay as the forward pass left them.
        Set<String> reads = backwardReads(backward);
        gradients.forEach(g -> Exprs.vars(g.value()).stream().filter(n -> types.containsKey(n)
                && !adjoints.all().containsValue(n)).forEach(reads::add));
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
        // An array the backward pass writes into is copied: the pullback keeps the forward's.
        copies.forEach((n, c) -> finalBackward.add(new Stmt.Let(c, types.get(n),
                written.contains(n) ? ArrayWrites.copy(var(n), types.get(n)) : var(n), Pos.NONE)));
        for (Stmt s : backward) {
            finalBackward.add(Exprs.rename(s, copies));
        }
        Set<String> savedNames = new HashSet<>(List.of(resultVar));
        reads.stream().filter(types::containsKey).forEach(savedNames::add);
        List<Stmt> tidyForward = Tidy.apply(forward, savedNames);
        // Saved in the order the forward pass defines them, parameters first.
        List<Expr.Var> saved = new ArrayList<>();
        List<String> order = new ArrayList<>();
        method.params().forEach(p -> order.add(p.name()));
        tidyForward.stream().filter(s -> s instanceof Stmt.Let).forEach(s -> order.add(((Stmt.Let) s).name()));
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
        Set<String> tensorAdjoints = new HashSet<>();
        adjoints.all().forEach((n, adj) -> {
            if (Adjoints.adjointType(types.get(n)) == Type.Prim.DOUBLE) {
                scalarAdjoints.add(adj);
            } else if (types.get(n).isTensor()) {
                tensorAdjoints.add(adj);
            }
        });
        List<Stmt> simplified = KnownZero.apply(finalBackward, scalarAdjoints, tensorAdjoints, Set.of(cotangent));
        List<Stmt> fused = KnownZero.apply(fusion.fusedGrad(top, topParts, fwdEnds, fwd, declarations,
                adjointDeclarations, openReaders, cotangent), scalarAdjoints);
        // Steps were met in forward order; the pullback lists them as the backward pass runs them.
        List<String> backwardSteps = new ArrayList<>(adjoints.steps());
        Collections.reverse(backwardSteps);
        Set<String> gradientReads = new HashSet<>();
        gradients.forEach(g -> gradientReads.addAll(Exprs.vars(g.value())));
        Set<String> fusedReads = new HashSet<>(gradientReads);
        fusedReads.add(resultVar);
        DerivedMethod d = new DerivedMethod(method, tidyForward, result, cotangent,
                ZeroCotangentLoops.apply(AdjointArrayLoops.apply(Tidy.apply(simplified, gradientReads), scope::fresh),
                        scalarAdjoints, new HashSet<>(adjoints.all().values())), gradients, saved, backwardSteps,
                fused.isEmpty() ? fused : AdjointArrayLoops.apply(Tidy.apply(fused, fusedReads), scope::fresh));
        return new Result(d, List.copyOf(reversal.notes()));
    }

    /** The forward names the backward statements read before any backward declaration of them. */
    private Set<String> backwardReads(List<Stmt> backward) {
        Set<String> reads = new LinkedHashSet<>();
        Set<String> declared = new HashSet<>();
        StmtScan.collectReads(backward, reads, declared);
        reads.removeAll(declared);
        reads.removeIf(n -> !types.containsKey(n) && !tapes.isStack(n));
        return reads;
    }

    private Expr.Var var(String name) {
        return new Expr.Var(name, types.get(name), Pos.NONE);
    }
}
