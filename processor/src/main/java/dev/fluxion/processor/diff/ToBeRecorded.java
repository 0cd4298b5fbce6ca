package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
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
 * The to-be-recorded analysis (as in Tapenade and Clad), decided once, before the reversal: the
 * locals whose value the backward pass reads. Only these are restored where the forward pass
 * overwrites them (undone, or pushed and popped); every other overwrite saves nothing. What the
 * backward of an assignment reads is what its derivative rules read (the adjoint kernel run on a
 * placeholder cotangent), and what the loop-locals it recomputes are computed from.
 */
final class ToBeRecorded {
    private final Flattener.Flat flat;
    private final Map<String, Type> types;
    private final Map<String, Integer> assignCount;
    private final Adjoints dryRun;
    private final Set<String> reads = new HashSet<>();
    private final List<Stmt.Assign> recomputed = new ArrayList<>();
    private final List<Stmt.ArrayStore> stores = new ArrayList<>();

    private ToBeRecorded(Flattener.Flat flat, Map<String, Type> types, Map<String, Integer> assignCount) {
        this.flat = flat;
        this.types = types;
        this.assignCount = assignCount;
        // Its own adjoint names: nothing of the dry run reaches the method.
        this.dryRun = new Adjoints(flat.varied(), types, new Names.Scope(types.keySet()));
    }

    /**
     * What the backward of one assignment {@code v = e} reads: locals as they were before the
     * assignment ({@code before}, v itself where a rule reads its old value) and, where
     * {@code output}, v's new value (as {@code exp}'s rule does).
     */
    record Reads(Set<String> before, boolean output) {
        static final Reads NOTHING = new Reads(Set.of(), false);
    }

    /** The analysis of {@code flat}: {@link #locals} and each assignment's {@link #readsOf}. */
    static ToBeRecorded of(Flattener.Flat flat, Map<String, Type> types, Map<String, Integer> assignCount) {
        ToBeRecorded t = new ToBeRecorded(flat, types, assignCount);
        t.block(flat.body());
        boolean changed = true;
        while (changed) { // a recomputed local the backward reads needs what it is computed from
            changed = false;
            changed |= ArrayWrites.recorded(t.stores, flat.varied(), t.reads);
            for (Stmt.Assign a : t.recomputed) {
                if (t.reads.contains(a.name())) {
                    changed |= t.reads.addAll(Exprs.vars(a.value()));
                }
            }
        }
        t.reads.retainAll(types.keySet());
        return t;
    }

    /** The locals of the method the backward pass reads. */
    Set<String> locals() {
        return reads;
    }

    private void block(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Assign a -> assign(a);
                case Stmt.ArrayStore a -> stores.add(a);
                case Stmt.If i -> {
                    block(i.then().stmts());
                    block(i.otherwise().stmts());
                }
                case Stmt.While w -> {
                    recomputed.addAll(LoopShape.of(w, flat.loopIds().get(w), flat, assignCount, types).recompute());
                    block(w.body().stmts());
                }
                default -> throw new IllegalStateException("not lowered: " + s);
            }
        }
    }

    private void assign(Stmt.Assign a) {
        Reads r = readsOf(a);
        reads.addAll(r.before());
        if (r.output()) {
            reads.add(a.name());
        }
    }

    /** What the backward of {@code a} reads (the callee's pullback keeps what a call's backward reads). */
    Reads readsOf(Stmt.Assign a) {
        String v = a.name();
        if (!flat.varied().contains(v) || !dryRun.isVaried(a.value())) {
            return Reads.NOTHING; // no cotangent flows through it
        }
        if (a.value() instanceof Expr.Call c && c.callee() instanceof Callee.User) {
            return Reads.NOTHING; // the callee's pullback keeps what its backward pass reads
        }
        Type adjType = Adjoints.adjointType(types.get(v));
        if (!adjType.isTensor() && LoopFusion.accumulated(a) != null) {
            return Reads.NOTHING; // v = v ± t passes its cotangent on, reading nothing
        }
        String g = "$g";
        String out = "$out";
        List<Stmt> backward = new ArrayList<>();
        dryRun.contributions(a.value(), new Expr.Var(g, adjType, Pos.NONE), new Expr.Var(out, types.get(v), Pos.NONE),
                backward, Pos.NONE);
        Set<String> before = new HashSet<>();
        boolean output = false;
        for (Stmt s : backward) {
            Set<String> vars = Exprs.vars(s);
            if (s instanceof Stmt.Assign add) {
                vars.remove(add.name()); // the operand's adjoint
            }
            if (s instanceof Stmt.ArrayAccumulate acc) {
                vars.remove(acc.array());
            }
            vars.remove(g);
            output |= vars.remove(out);
            vars.removeAll(dryRun.all().values());
            before.addAll(vars);
        }
        // v = Math.max(v, e) pops v's old value only where v's new value is e (AssignReversal).
        output |= AssignReversal.runningExtreme(a, flat.varied(), types, dryRun) != null;
        return new Reads(before, output);
    }
}
