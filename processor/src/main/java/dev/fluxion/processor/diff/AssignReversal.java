package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The forward and backward statements of one assignment {@code v = e}: the old value of a
 * {@code v} the backward pass reads is saved first (undone by {@code i - c} for {@code i = i + c}
 * on an int, else pushed and popped), then the adjoint kernel gives {@code e}'s operands their
 * contributions. A call to another {@code @Differentiable} method keeps the callee's pullback.
 */
final class AssignReversal {
    private final MethodIr method;
    private final Set<String> varied;
    private final Map<String, Type> types;
    private final Names.Scope scope;
    private final Adjoints adjoints;
    private final TapePlan tapes;
    private final RestorePlan restores;
    private final Set<String> recorded;
    private final Map<String, Type> extraDecls;
    private final boolean guardZeroCotangents;
    /** Arrays written element by element: a callee's pullback gets a copy of one ({@link ArrayWrites}). */
    Set<String> writtenArrays = Set.of();
    /**
     * The callees (keys) whose calls keep a checkpoint (the arguments and the value) instead of the
     * pullback: the backward pass runs the callee's {@code fVjp} again ({@code RecursionChecker}).
     */
    Set<String> checkpointed = Set.of();

    /**
     * @param restores which overwrites of a recorded local save the old value ({@link RestorePlan})
     * @param recorded the locals whose old value the backward pass must get back ({@link ToBeRecorded})
     * @param extraDecls where locals this transform adds (pullbacks) are declared
     * @param guardZeroCotangents whether a scalar cotangent of zero skips its statement's
     *     contributions ({@link #whereCotangentIsNotZero})
     */
    AssignReversal(MethodIr method, Set<String> varied, Map<String, Type> types, Names.Scope scope, Adjoints adjoints,
                   TapePlan tapes, RestorePlan restores, Set<String> recorded, Map<String, Type> extraDecls, boolean guardZeroCotangents) {
        this.method = method;
        this.varied = varied;
        this.types = types;
        this.scope = scope;
        this.adjoints = adjoints;
        this.tapes = tapes;
        this.restores = restores;
        this.recorded = recorded;
        this.extraDecls = extraDecls;
        this.guardZeroCotangents = guardZeroCotangents;
    }

    /**
     * Emits the forward statements of {@code a} into {@code fwd}; returns its backward.
     *
     * @param first whether {@code a} is the first assignment of its local (nothing to save)
     * @param recomputed whether the backward pass recomputes the local instead of restoring it
     */
    List<Stmt> reverse(Stmt.Assign a, boolean first, boolean recomputed, List<Stmt> fwd, Pos at) {
        String v = a.name();
        Type t = types.get(v);
        List<Stmt> restore = new ArrayList<>();
        Stmt afterwards = null;
        if (!first && !recomputed && recorded.contains(v) && restores.saves(a)) {
            Integer step = invertibleStep(a, types);
            if (step != null) {
                restore.add(new Stmt.Assign(v, new Expr.Binary(Expr.BinOp.MINUS, var(v), intLit(step), t, Pos.NONE),
                        at));
            } else if (runningExtreme(a) != null) {
                // v = Math.max(v, e): the old v is the new one unless the new one is e (or NaN),
                // so only the values a record replaced are saved, and popped on the same test.
                Tape tape = Tape.of(t);
                String old = scope.temp(v + "_old");
                types.put(old, t);
                fwd.add(new Stmt.Let(old, t, var(v), at));
                Expr replaced = replacedTest(v, runningExtreme(a));
                afterwards = new Stmt.If(replaced, new Stmt.Block(List.of(tapes.push(tape,
                        new Expr.Var(old, t, Pos.NONE), t, at)), at), Lowering.empty(), at);
                restore.add(new Stmt.If(replacedTest(v, runningExtreme(a)), new Stmt.Block(List.of(
                        new Stmt.Assign(v, tapes.pop(tape, t), at)), at), Lowering.empty(), at));
            } else {
                Tape tape = Tape.of(t);
                fwd.add(tapes.push(tape, var(v), t, at));
                restore.add(new Stmt.Assign(v, tapes.pop(tape, t), at));
            }
        }
        boolean variedTarget = varied.contains(v);
        boolean variedValue = variedTarget && adjoints.isVaried(a.value());
        if (variedValue && a.value() instanceof Expr.Call c && c.callee() instanceof Callee.User u) {
            return userCall(a, c, u.method(), first, fwd, restore, at);
        }
        fwd.add(a);
        if (afterwards != null) {
            fwd.add(afterwards);
        }
        List<Stmt> out = new ArrayList<>();
        if (!variedTarget) {
            out.addAll(restore);
            return out;
        }
        Type adjType = Adjoints.adjointType(t);
        String adj = adjoints.of(v);
        if (!variedValue) {
            out.add(new Stmt.Assign(adj, Adjoints.zeroOf(adjType), at));
            out.addAll(restore);
            return out;
        }
        Expr.Var added = adjType.isTensor() ? null : LoopFusion.accumulated(a);
        if (added != null) {
            // v = v ± t: v's cotangent passes through unchanged; t gets it (negated for -).
            out.addAll(restore);
            boolean minus = a.value() instanceof Expr.Binary b && b.op() == Expr.BinOp.MINUS;
            adjoints.step(minus ? "SubBackward" : "AddBackward");
            Expr g = new Expr.Var(adj, adjType, Pos.NONE);
            adjoints.contribute(added, minus ? Build.neg(g) : g, out, at);
            return out;
        }
        // The cotangent of v before this statement: none (v is overwritten), so it is zeroed; when
        // the value does not read v, after its contributions are made, with no copy.
        boolean selfRead = Exprs.vars(a.value()).contains(v);
        boolean zeroAfter = !first && !selfRead;
        Expr g;
        if (first || zeroAfter) {
            g = new Expr.Var(adj, adjType, Pos.NONE);
        } else {
            String gName = scope.temp(adj + "_");
            out.add(new Stmt.Let(gName, adjType, new Expr.Var(adj, adjType, Pos.NONE), at));
            out.add(new Stmt.Assign(adj, Adjoints.zeroOf(adjType), at));
            g = new Expr.Var(gName, adjType, Pos.NONE);
        }
        Expr outValue = var(v);
        if (!restore.isEmpty()) {
            String o = scope.temp(v + "_out");
            out.add(new Stmt.Let(o, t, var(v), at));
            outValue = new Expr.Var(o, t, Pos.NONE);
        }
        out.addAll(restore);
        List<Stmt> contributions = new ArrayList<>();
        adjoints.contributions(a.value(), g, outValue, contributions, at);
        if (adjType.isTensor() && !contributions.isEmpty()) {
            out.add(new Stmt.If(Build.cmp(Expr.BinOp.NE, g, Adjoints.nullOf(Type.TENSOR)),
                    new Stmt.Block(contributions, at), Lowering.empty(), at));
        } else if (scalesByValues(contributions, g)) {
            out.add(whereCotangentIsNotZero(g, contributions, at));
        } else {
            out.addAll(contributions);
        }
        if (zeroAfter) {
            out.add(new Stmt.Assign(adj, Adjoints.zeroOf(adjType), at));
        }
        return out;
    }

    private List<Stmt> userCall(Stmt.Assign a, Expr.Call c, Callee.UserMethod m, boolean first, List<Stmt> fwd,
                                List<Stmt> restore, Pos at) {
        String v = a.name();
        String pb = scope.fresh(Names.calleePullback(v));
        boolean checkpoint = checkpointed.contains(m.key());
        Type pbType = new Type.Declared(gradClass(m) + "." + (checkpoint ? Names.checkpointClass(m.name())
                : Names.pullbackClass(m.name())));
        types.put(pb, pbType);
        extraDecls.put(pb, pbType);
        List<Stmt> out = new ArrayList<>();
        List<Stmt> pbRestore = new ArrayList<>();
        // In a loop, a static callee of scalars is called again in the backward pass on its
        // arguments, saved on their tapes, instead of keeping one pullback object per trip: the
        // short-lived pullbacks are scalar-replaced by the JIT, where a tape of objects (one per
        // trip, live until the backward pass) made every garbage collection copy them all.
        boolean replay = !first && !checkpoint && replays(c, m, v); // a checkpoint replays already
        List<Expr> replayArgs = new ArrayList<>(c.args());
        if (replay) {
            for (Expr arg : c.args()) {
                if (!(arg instanceof Expr.Literal)) {
                    fwd.add(tapes.push(Tape.of(arg.type()), arg, arg.type(), at));
                }
            }
            for (int i = c.args().size() - 1; i >= 0; i--) {
                Expr arg = c.args().get(i);
                if (!(arg instanceof Expr.Literal)) {
                    String saved = scope.temp((arg instanceof Expr.Var av ? av.name() + "_" : "") + "arg");
                    types.put(saved, arg.type());
                    out.add(new Stmt.Let(saved, arg.type(), tapes.pop(Tape.of(arg.type()), arg.type()), at));
                    replayArgs.set(i, new Expr.Var(saved, arg.type(), Pos.NONE));
                }
            }
        } else if (!first) {
            fwd.add(tapes.push(Tape.OBJECTS, var(pb), pbType, at));
            pbRestore.add(new Stmt.Assign(pb, tapes.pop(Tape.OBJECTS, pbType), at));
        }
        List<Expr> args = new ArrayList<>();
        if (!m.isStatic()) {
            args.add(Build.modelOf((Callee.User) c.callee(), method.self().ownerQualifiedName()));
        }
        args.addAll(ArrayWrites.snapshots(c.args(), writtenArrays));
        fwd.add(new Stmt.Assign(pb, new Expr.Call(new Callee.Static(gradClass(m),
                checkpoint ? Names.checkpointedVjpMethod(m.name()) : Names.vjpMethod(m.name())), args, pbType,
                c.pos()), at));
        fwd.add(new Stmt.Assign(v, new Expr.Call(new Callee.Instance(Names.VALUE), List.of(var(pb)), a.value().type(),
                c.pos()), at));
        Type adjT = Adjoints.adjointType(types.get(v));
        String adj = adjoints.of(v);
        String gName = scope.temp(adj + "_");
        Expr.Var adjVar = new Expr.Var(adj, adjT, Pos.NONE);
        out.add(new Stmt.Let(gName, adjT, adjVar, at));
        // An array result (a nested call's gradient component): the cotangent array goes to the
        // pullback, and the local's adjoint starts again from a zero array of its length.
        boolean array = adjT instanceof Type.ArrayOf;
        out.add(new Stmt.Assign(adj, array ? new Expr.NewArray((Type.ArrayOf) adjT, List.of(),
                new Expr.ArrayLength(adjVar, Pos.NONE), Pos.NONE) : Adjoints.zeroOf(adjT), at));
        adjoints.step(Names.capitalize(m.name()) + "Backward");
        String recordType = gradClass(m) + "." + Names.gradientRecord(m.name());
        Expr gVar = new Expr.Var(gName, adjT, Pos.NONE);
        List<Stmt> inner = new ArrayList<>();
        Expr pullback = var(pb);
        if (replay) {
            String again = scope.fresh(pb + "_again");
            types.put(again, pbType);
            inner.add(new Stmt.Let(again, pbType, new Expr.Call(new Callee.Static(gradClass(m),
                    Names.vjpMethod(m.name())), replayArgs, pbType, c.pos()), at));
            pullback = new Expr.Var(again, pbType, Pos.NONE);
        }
        Expr call = new Expr.Call(new Callee.Instance(Names.BACKWARD), List.of(pullback, gVar),
                new Type.Declared(recordType), Pos.NONE);
        String grad = scope.fresh(Names.calleeGradient(v));
        inner.add(new Stmt.Let(grad, call.type(), call, at));
        types.put(grad, call.type());
        for (int i = 0; i < c.args().size(); i++) {
            if (m.differentiable().get(i)) {
                Type t = m.paramTypes().get(i);
                adjoints.contribute(c.args().get(i), new Expr.Call(new Callee.Instance(m.gradientNames().get(i)),
                        List.of(var(grad)), t.isFloatingScalar() ? Type.Prim.DOUBLE : t, Pos.NONE), inner, at);
            }
        }
        if (adjT.isTensor()) {
            out.add(new Stmt.If(Build.cmp(Expr.BinOp.NE, gVar, Adjoints.nullOf(Type.TENSOR)),
                    new Stmt.Block(inner, at), Lowering.empty(), at));
        } else if (guardZeroCotangents && !array) {
            out.add(whereCotangentIsNotZero(gVar, inner, at));
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

    /**
     * Whether the call is replayed in the backward pass rather than its pullback kept: a static
     * callee whose arguments are scalars (a differentiable one is an atom in the normal form, an
     * int argument may be an expression: its value is saved) and whose result is a scalar;
     * not a nested gradient's adapter, whose forward pass is a whole gradient.
     */
    private boolean replays(Expr.Call c, Callee.UserMethod m, String v) {
        return m.isStatic() && !Names.isNestedGradient(m.name()) && types.get(v) != null
                && types.get(v).isFloatingScalar()
                && c.args().stream().allMatch(a -> a.type() instanceof Type.Prim p && p != Type.Prim.VOID
                && p != Type.Prim.ERROR);
    }

    /**
     * Whether {@code contributions} multiply the scalar cotangent {@code g} by values of the
     * forward pass (not only by finite literals), so that a zero {@code g} could meet an infinite
     * or NaN factor — and guarding is on.
     */
    private boolean scalesByValues(List<Stmt> contributions, Expr g) {
        if (!guardZeroCotangents || contributions.isEmpty() || !(g instanceof Expr.Var gv)
                || g.type() instanceof Type.ArrayOf) { // a double[] result's cotangent: no scalar test
            return false;
        }
        for (Stmt s : contributions) {
            Expr value = switch (s) {
                case Stmt.Assign a -> a.value();
                case Stmt.ArrayAccumulate a -> a.value();
                default -> null;
            };
            if (value == null) {
                return true;
            }
            Set<String> target = s instanceof Stmt.Assign a ? Set.of(a.name(), gv.name()) : Set.of(gv.name());
            if (!target.containsAll(Exprs.vars(value)) || !onlyFiniteLiterals(value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean onlyFiniteLiterals(Expr e) {
        if (e instanceof Expr.Literal l) {
            try {
                return Double.isFinite(Double.parseDouble(l.text()));
            } catch (NumberFormatException notANumber) {
                return false;
            }
        }
        if (e instanceof Expr.Var) {
            return true;
        }
        if (e instanceof Expr.Binary b) {
            return onlyFiniteLiterals(b.left()) && onlyFiniteLiterals(b.right());
        }
        if (e instanceof Expr.Unary u) {
            return onlyFiniteLiterals(u.operand());
        }
        return e instanceof Expr.Cast c && onlyFiniteLiterals(c.operand());
    }

    /**
     * {@code if (g != 0.0) { contributions }}: in a body with loops or branches, a local can be
     * overwritten or left behind at run time after its value overflowed, and its cotangent is then
     * exactly zero; skipping keeps {@code 0 × ∞} from turning the gradient into NaN where the value
     * does not reach the result (PyTorch's graph holds no such value, and its gradient is finite).
     */
    private static Stmt whereCotangentIsNotZero(Expr g, List<Stmt> contributions, Pos at) {
        Expr zero = new Expr.Literal("0.0", Type.Prim.DOUBLE, Pos.NONE);
        return new Stmt.If(Build.cmp(Expr.BinOp.NE, g, zero), new Stmt.Block(contributions, at), Lowering.empty(),
                at);
    }

    /**
     * For {@code v = Math.max(v, e)} or {@code Math.min} (either order) on a varied double or float
     * {@code v} with an atom {@code e} other than {@code v}: {@code e}, else null. Its derivative
     * rule reads both operands in the backward pass, so {@code e} has its value there.
     */
    private Expr runningExtreme(Stmt.Assign a) {
        return runningExtreme(a, varied, types, adjoints);
    }

    /**
     * {@link #runningExtreme(Stmt.Assign)} for {@code a} where {@code varied} are the varied locals:
     * its backward reads v's new value ({@link ToBeRecorded}), to tell whether to pop the old one.
     */
    static Expr runningExtreme(Stmt.Assign a, Set<String> varied, Map<String, Type> types, Adjoints adjoints) {
        String v = a.name();
        if (!(types.get(v) instanceof Type.Prim p) || !(p == Type.Prim.DOUBLE || p == Type.Prim.FLOAT)
                || !varied.contains(v) || !adjoints.isVaried(a.value())
                || !(a.value() instanceof Expr.Call c) || !(c.callee() instanceof Callee.Known k)
                || !(k.op() == Op.MATH_MAX || k.op() == Op.MATH_MIN) || c.args().size() != 2) {
            return null;
        }
        Expr x = c.args().get(0);
        Expr y = c.args().get(1);
        Expr other = isVar(x, v) ? y : isVar(y, v) ? x : null;
        if (other == null || isVar(other, v) || !(other instanceof Expr.Var || other instanceof Expr.Literal)
                || other.type() != types.get(v)) {
            return null;
        }
        return other;
    }

    private static boolean isVar(Expr e, String name) {
        return e instanceof Expr.Var var && var.name().equals(name);
    }

    /** {@code v == e || v != v}: whether {@code v = Math.max(v, e)} replaced v's old value (or made NaN). */
    private Expr replacedTest(String v, Expr e) {
        return Build.cmp(Expr.BinOp.OR, Build.cmp(Expr.BinOp.EQ, var(v), e), Build.cmp(Expr.BinOp.NE, var(v), var(v)));
    }

    /** {@code i = i + c} or {@code i = i - c} on an int with a literal {@code c}: the step, else null. */
    static Integer invertibleStep(Stmt.Assign a, Map<String, Type> types) {
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

    static String gradClass(Callee.UserMethod m) {
        String owner = m.ownerQualifiedName();
        int dot = owner.lastIndexOf('.');
        return (dot < 0 ? "" : owner.substring(0, dot + 1)) + Names.gradClass(owner.substring(dot + 1));
    }

    private Expr.Var var(String name) {
        return new Expr.Var(name, types.get(name), Pos.NONE);
    }

    static Expr intLit(int v) {
        return new Expr.Literal(Integer.toString(v), Type.Prim.INT, Pos.NONE);
    }
}
