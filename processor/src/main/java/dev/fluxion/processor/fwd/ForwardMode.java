package dev.fluxion.processor.fwd;

import dev.fluxion.processor.diff.NormalForm;
import dev.fluxion.processor.ir.Activity;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.TangentMethod;
import dev.fluxion.processor.opt.Tidy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The forward-mode transform ({@code fJvp}): the value and its directional derivative in one pass,
 * no tape. It runs on the same normal form as the reverse transform ({@link NormalForm}: every jump
 * a branch, every compound operand of a varied assignment a temporary), and puts after (or, where
 * the rule reads only the operands, before) each assignment {@code v = e} whose value depends on a
 * differentiable input the assignment {@code v_dot = Σ ∂e/∂a · a_dot} over its operands
 * ({@link TangentRules}), as Tapenade's {@code _d} code. Branches and loops stay as they are: the
 * tangent follows the path the value takes. A call to another {@code @Differentiable} method calls
 * that method's own generated {@code gJvp}.
 * <p>
 * Where forward mode does not support something yet (an operation without a tangent rule, a
 * callee without an {@code fJvp}), {@link #derive} gives nothing: the method simply has no
 * {@code fJvp}, never an error.
 */
public final class ForwardMode {
    /** Something forward mode does not support yet; the method gets no {@code fJvp}. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String why) {
            super(why, null, false, false);
        }
    }

    private final MethodIr method;
    private final NormalForm nf;
    private final Predicate<Callee.UserMethod> hasJvp;
    private final Map<String, Type> types = new HashMap<>();
    /** The locals (and parameters) that carry a tangent: they depend on a differentiable parameter. */
    private final Set<String> carrying = new HashSet<>();
    private final Map<String, String> tangentNames = new LinkedHashMap<>();
    private final Map<String, Type> extraDecls = new LinkedHashMap<>();
    /**
     * The locals assigned, earlier in the current straight-line run of statements, a constant
     * multiple {@code c * u} of a local {@code u} that carries a tangent: local → {@code u}. A product
     * {@code p * u} of such a {@code p} has tangent {@code 2 p u_dot} (one product for the two of the
     * product rule, and {@code p_dot} unread).
     */
    private final Map<String, String> multiples = new HashMap<>();
    /**
     * The double tangents assigned earlier in the current straight-line run that their one reader
     * reads as the expression itself (the local is read once in the body, or the tangent is a
     * local or its negation): tangent → expression. A rule that reads such a tangent gets the
     * expression, so the tangents of a statement's temporaries combine into one expression that
     * {@link #plus} simplifies (the common factor 2 of {@code 2 p a_dot − 2 b x_dot}); the
     * assignment itself stays, unread, for the JIT to drop.
     */
    private final Map<String, Expr> inlined = new HashMap<>();
    /** How many times the normal form's body reads each local. */
    private final Map<String, Integer> reads = new HashMap<>();

    private ForwardMode(MethodIr method, NormalForm nf, Predicate<Callee.UserMethod> hasJvp) {
        this.method = method;
        this.nf = nf;
        this.hasJvp = hasJvp;
        method.params().forEach(p -> types.put(p.name(), p.type()));
        types.putAll(nf.decls());
        nf.fieldLocals().keySet().forEach(l -> types.put(l, Type.TENSOR));
    }

    /**
     * The forward-mode derivative of {@code method}, or empty where forward mode does not support
     * it yet.
     *
     * @param hasJvp whether a called {@code @Differentiable} method has a generated {@code gJvp}
     */
    public static Optional<TangentMethod> derive(MethodIr method, Predicate<Callee.UserMethod> hasJvp) {
        try {
            return Optional.of(new ForwardMode(method, NormalForm.of(method), hasJvp).run());
        } catch (Unsupported e) {
            return Optional.empty();
        }
    }

    private TangentMethod run() {
        for (Param p : method.params()) {
            if (p.differentiable() && p.type().isDifferentiable()) {
                carrying.add(p.name());
            }
        }
        while (propagate(nf.body())) {
            // until no new local carries a tangent
        }
        carrying.retainAll(relevant());
        Set<String> assigned = new HashSet<>();
        collectAssigned(nf.body(), assigned);
        // Tangent parameters, one per differentiable parameter, in order; a float parameter that the
        // body reassigns gets a double local (tangents are computed in double).
        List<Param> tangentParams = new ArrayList<>();
        List<Stmt> head = new ArrayList<>();
        for (Param p : method.params()) {
            if (!p.differentiable()) {
                continue;
            }
            String name = nf.scope().fresh(Names.tangent(p.name()));
            tangentParams.add(new Param(name, p.type(), true, p.pos()));
            if (!carrying.contains(p.name())) {
                continue;
            }
            if (p.type() == Type.Prim.FLOAT && assigned.contains(p.name())) {
                String local = nf.scope().fresh(Names.tangent(p.name()));
                head.add(new Stmt.Let(local, Type.Prim.DOUBLE, new Expr.Var(name, Type.Prim.FLOAT, Pos.NONE), Pos.NONE));
                tangentNames.put(p.name(), local);
            } else {
                tangentNames.put(p.name(), name);
                types.put(name, p.type());
            }
        }
        countReads(nf.body());
        List<Stmt> body = block(nf.body());
        List<Stmt> all = new ArrayList<>();
        nf.decls().forEach((n, t) -> all.add(new Stmt.Let(n, t, NormalForm.zeroOf(t), Pos.NONE)));
        nf.fieldLocals().forEach((local, field) -> all.add(new Stmt.Let(local, Type.TENSOR, field, Pos.NONE)));
        all.addAll(head);
        tangentNames.forEach((v, t) -> {
            if (!types.containsKey(t)) {
                Type tt = tangentType(types.get(v));
                types.put(t, tt);
                all.add(new Stmt.Let(t, tt, NormalForm.zeroOf(tt), Pos.NONE));
            }
        });
        extraDecls.forEach((n, t) -> all.add(new Stmt.Let(n, t, NormalForm.zeroOf(t), Pos.NONE)));
        all.addAll(body);
        String result = nf.result();
        Type rt = method.returnType();
        Expr value = new Expr.Var(result, rt, Pos.NONE);
        Expr tangent;
        if (carrying.contains(result)) {
            String rd = tangentOf(result);
            tangent = new Expr.Var(rd, types.get(rd), Pos.NONE);
            if (rt == Type.Prim.FLOAT) {
                tangent = new Expr.Cast(Type.Prim.FLOAT, tangent, Pos.NONE);
            }
        } else {
            tangent = zeroLike(value);
        }
        Set<String> readAfter = new HashSet<>(Exprs.vars(tangent));
        readAfter.add(result);
        List<Stmt> kept = dropUnreadTangents(all, readAfter);
        return new TangentMethod(method, Tidy.apply(kept, readAfter), value, tangent, tangentParams, tangentNames);
    }

    /**
     * {@code stmts} without the assignments of double tangents that nothing reads: those whose
     * reader took the expression itself ({@link #inlined}), and {@code p_dot} where {@code p * u}
     * used {@code 2 p u_dot}.
     */
    private List<Stmt> dropUnreadTangents(List<Stmt> stmts, Set<String> readAfter) {
        Set<String> candidates = new HashSet<>();
        tangentNames.values().forEach(t -> {
            if (types.get(t) == Type.Prim.DOUBLE && !readAfter.contains(t)) {
                candidates.add(t);
            }
        });
        Set<String> dropped = new HashSet<>();
        boolean changed = true;
        List<Stmt> out = stmts;
        while (changed) {
            reads.clear();
            countReads(out);
            changed = false;
            for (String t : candidates) {
                if (!dropped.contains(t) && reads.getOrDefault(t, 0) == 0) {
                    dropped.add(t);
                    changed = true;
                }
            }
            out = withoutAssignments(out, dropped);
        }
        return out;
    }

    /** Whether {@code e} only computes: no call, no element read (which could throw). */
    private static boolean arithmetic(Expr e) {
        return !(e instanceof Expr.Call || e instanceof Expr.ArrayRead)
                && e.children().stream().allMatch(ForwardMode::arithmetic);
    }

    private static List<Stmt> withoutAssignments(List<Stmt> stmts, Set<String> dropped) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Assign a when dropped.contains(a.name()) && arithmetic(a.value()) -> { }
                case Stmt.If i -> out.add(new Stmt.If(i.condition(),
                        new Stmt.Block(withoutAssignments(i.then().stmts(), dropped), i.then().pos()),
                        new Stmt.Block(withoutAssignments(i.otherwise().stmts(), dropped), i.otherwise().pos()),
                        i.pos()));
                case Stmt.While w -> out.add(new Stmt.While(w.condition(),
                        new Stmt.Block(withoutAssignments(w.body().stmts(), dropped), w.body().pos()), w.pos()));
                default -> out.add(s);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ activity

    private boolean propagate(List<Stmt> stmts) {
        boolean changed = false;
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Assign a -> changed |= types.get(a.name()) != null && types.get(a.name()).isDifferentiable()
                        && carries(a.value()) && carrying.add(a.name());
                // An element write makes the whole local array carry a tangent array beside it.
                case Stmt.ArrayStore a -> changed |= types.get(a.array()) != null
                        && types.get(a.array()).isDifferentiable() && carries(a.value()) && carrying.add(a.array());
                case Stmt.If i -> changed |= propagate(i.then().stmts()) | propagate(i.otherwise().stmts());
                case Stmt.While w -> changed |= propagate(w.body().stmts());
                default -> { }
            }
        }
        return changed;
    }

    /** Whether {@code e} depends on a differentiable parameter through differentiable operations. */
    private boolean carries(Expr e) {
        if (e instanceof Expr.Var v) {
            return carrying.contains(v.name());
        }
        return Activity.differentiableChildren(e).stream().anyMatch(this::carries);
    }

    /** The locals the result depends on through differentiable operations (the normal form's "useful"). */
    private Set<String> relevant() {
        Set<String> out = new HashSet<>(nf.varied());
        method.params().forEach(p -> out.add(p.name()));
        return out;
    }

    private static void collectAssigned(List<Stmt> stmts, Set<String> into) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Assign a -> into.add(a.name());
                case Stmt.ArrayStore a -> into.add(a.array());
                case Stmt.If i -> {
                    collectAssigned(i.then().stmts(), into);
                    collectAssigned(i.otherwise().stmts(), into);
                }
                case Stmt.While w -> collectAssigned(w.body().stmts(), into);
                default -> { }
            }
        }
    }

    // ------------------------------------------------------------------ statements

    private List<Stmt> block(List<Stmt> stmts) {
        List<Stmt> out = new ArrayList<>();
        endRun();
        for (Stmt s : stmts) {
            if (!(s instanceof Stmt.Assign)) {
                endRun(); // a branch, a loop or an element write ends the straight-line run
            }
            switch (s) {
                case Stmt.Assign a -> assign(a, out);
                case Stmt.ArrayStore a -> arrayStore(a, out);
                case Stmt.If i -> out.add(new Stmt.If(i.condition(), new Stmt.Block(block(i.then().stmts()),
                        i.then().pos()), new Stmt.Block(block(i.otherwise().stmts()), i.otherwise().pos()), i.pos()));
                case Stmt.While w -> out.add(new Stmt.While(w.condition(), new Stmt.Block(block(w.body().stmts()),
                        w.body().pos()), w.pos()));
                default -> throw new Unsupported("statement " + s.getClass().getSimpleName());
            }
            if (!(s instanceof Stmt.Assign)) {
                endRun(); // nor does what a nested block recorded hold after it
            }
        }
        endRun();
        return out;
    }

    private void endRun() {
        multiples.clear();
        inlined.clear();
    }

    /** After {@code name} is assigned, what was recorded of it, or read it, no longer holds. */
    private void assigned(String name) {
        multiples.entrySet().removeIf(e -> e.getKey().equals(name) || e.getValue().equals(name));
        inlined.entrySet().removeIf(e -> e.getKey().equals(name) || Exprs.vars(e.getValue()).contains(name));
    }

    /** Records {@code vDot = tangent} for its reader where {@code v} is a double read once, or the tangent is cheap. */
    private void mayInline(String v, String vDot, Expr tangent) {
        if (tangent instanceof Expr.ArrayRead) {
            return; // an element's tangent stays a local read where the element is (the JIT is sensitive to that order)
        }
        boolean cheap = tangent instanceof Expr.Var
                || tangent instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG && u.operand() instanceof Expr.Var;
        if (types.get(v) == Type.Prim.DOUBLE && (cheap || reads.getOrDefault(v, 0) == 1)
                && !Exprs.vars(tangent).contains(v) && !Exprs.vars(tangent).contains(vDot)) {
            inlined.put(vDot, tangent);
        }
    }

    private void countReads(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Assign a -> countReads(a.value());
                case Stmt.ArrayStore a -> {
                    countReads(a.index());
                    countReads(a.value());
                }
                case Stmt.If i -> {
                    countReads(i.condition());
                    countReads(i.then().stmts());
                    countReads(i.otherwise().stmts());
                }
                case Stmt.While w -> {
                    countReads(w.condition());
                    countReads(w.body().stmts());
                }
                default -> { }
            }
        }
    }

    private void countReads(Expr e) {
        if (e instanceof Expr.Var v) {
            reads.merge(v.name(), 1, Integer::sum);
        }
        e.children().forEach(this::countReads);
    }

    private void assign(Stmt.Assign a, List<Stmt> out) {
        String v = a.name();
        assigned(v);
        if (carrying.contains(v)) {
            assigned(tangentOf(v));
        }
        assignTangent(a, out);
        String base = multipleOf(a.value());
        if (base != null && !base.equals(v) && carrying.contains(v) && types.get(v) == Type.Prim.DOUBLE) {
            multiples.put(v, base);
        }
    }

    /** {@code u} where {@code e} is {@code c * u} or {@code u * c}, {@code u} a local carrying a tangent and {@code c} not. */
    private String multipleOf(Expr e) {
        if (!(e instanceof Expr.Binary b) || b.op() != Expr.BinOp.TIMES) {
            return null;
        }
        if (b.right() instanceof Expr.Var u && carrying.contains(u.name()) && isConstant(b.left())) {
            return u.name();
        }
        if (b.left() instanceof Expr.Var u && carrying.contains(u.name()) && isConstant(b.right())) {
            return u.name();
        }
        return null;
    }

    private static boolean isConstant(Expr e) {
        return e instanceof Expr.Literal;
    }

    private void assignTangent(Stmt.Assign a, List<Stmt> out) {
        String v = a.name();
        if (!carrying.contains(v)) {
            out.add(a);
            return;
        }
        String vDot = tangentOf(v);
        Pos at = a.pos();
        if (!carries(a.value())) {
            out.add(a);
            out.add(new Stmt.Assign(vDot, zeroLike(new Expr.Var(v, types.get(v), Pos.NONE)), at));
            return;
        }
        if (a.value() instanceof Expr.Call c && c.callee() instanceof Callee.User u) {
            userCall(a, c, u, out);
            return;
        }
        // The rule's result `out` is a placeholder until we know whether the rule reads it.
        String placeholder = nf.scope().fresh(v + "_out");
        Expr outVar = new Expr.Var(placeholder, types.get(v), Pos.NONE);
        Expr tangent = tangent(a.value(), outVar);
        boolean readsOut = Exprs.vars(tangent).contains(placeholder);
        boolean selfRead = Exprs.vars(a.value()).contains(v);
        if (!readsOut) {
            // Reads only the operands as they were before the assignment: Tapenade's order.
            out.add(new Stmt.Assign(vDot, tangent, at));
            out.add(a);
            mayInline(v, vDot, tangent);
        } else if (!selfRead) {
            out.add(a);
            Expr renamed = Exprs.rename(tangent, Map.of(placeholder, v));
            out.add(new Stmt.Assign(vDot, renamed, at));
            mayInline(v, vDot, renamed);
        } else {
            // v = f(v): the new value in a temporary first, the tangent reads the old v and the new value.
            extraDecls.put(placeholder, types.get(v));
            types.put(placeholder, types.get(v));
            out.add(new Stmt.Assign(placeholder, a.value(), at));
            out.add(new Stmt.Assign(vDot, tangent, at));
            out.add(new Stmt.Assign(v, outVar, at));
        }
    }

    /**
     * {@code a[i] = v} on a local array that carries a tangent: {@code a_dot[i] = v_dot} before it
     * (the normal form gives an atom or a simple expression of atoms; its tangent reads only the
     * operands), or {@code a_dot[i] = 0} where {@code v} does not depend on a differentiable input.
     * The array's tangent is an array of its length, made fresh wherever the array is
     * ({@code a = new double[n]} gives {@code a_dot = new double[a.length]}).
     */
    private void arrayStore(Stmt.ArrayStore a, List<Stmt> out) {
        if (!carrying.contains(a.array())) {
            out.add(a);
            return;
        }
        Type arrayType = types.get(a.array());
        if (!(arrayType instanceof Type.ArrayOf arr)) {
            throw new Unsupported("element write into " + a.array());
        }
        String aDot = tangentOf(a.array());
        Expr t = carries(a.value()) ? tangent(a.value(), null)
                : new Expr.Literal("0.0", Type.Prim.DOUBLE, Pos.NONE);
        if (t == null || Exprs.vars(t).isEmpty() && carries(a.value())) {
            throw new Unsupported("element write into " + a.array());
        }
        if (arr.element() == Type.Prim.FLOAT) {
            t = new Expr.Cast(Type.Prim.FLOAT, t, Pos.NONE);
        }
        out.add(new Stmt.ArrayStore(aDot, a.index(), t, a.pos()));
        out.add(a);
    }

    /** {@code r = OwnerGrad.gJvp(args, tangents); v = r.value(); v_dot = r.tangent();}. */
    private void userCall(Stmt.Assign a, Expr.Call c, Callee.User u, List<Stmt> out) {
        Callee.UserMethod m = u.method();
        if (!hasJvp.test(m)) {
            throw new Unsupported("the called method " + m.name() + " has no forward mode");
        }
        String v = a.name();
        String gradClass = gradClass(m);
        Type recordType = new Type.Declared(gradClass + "." + Names.tangentRecord(m.name()));
        String r = nf.scope().fresh(v + "_tangent");
        types.put(r, recordType);
        extraDecls.put(r, recordType);
        List<Expr> args = new ArrayList<>();
        if (!m.isStatic()) {
            args.add(modelOf(u));
        }
        args.addAll(c.args());
        for (int i = 0; i < c.args().size(); i++) {
            if (!m.differentiable().get(i)) {
                continue;
            }
            Expr arg = c.args().get(i);
            Type pt = m.paramTypes().get(i);
            Expr t = arg instanceof Expr.Var av && carrying.contains(av.name())
                    ? new Expr.Var(tangentOf(av.name()), tangentType(pt), Pos.NONE)
                    : carries(arg) ? tangent(arg, null) : zeroLike(arg);
            if (pt == Type.Prim.FLOAT && t.type() != Type.Prim.FLOAT) {
                t = new Expr.Cast(Type.Prim.FLOAT, t, Pos.NONE);
            }
            args.add(t);
        }
        Pos at = a.pos();
        out.add(new Stmt.Assign(r, new Expr.Call(new Callee.Static(gradClass, Names.jvpMethod(m.name())), args,
                recordType, c.pos()), at));
        Expr rVar = new Expr.Var(r, recordType, Pos.NONE);
        out.add(new Stmt.Assign(v, new Expr.Call(new Callee.Instance(Names.VALUE), List.of(rVar), a.value().type(),
                Pos.NONE), at));
        out.add(new Stmt.Assign(tangentOf(v), new Expr.Call(new Callee.Instance(Names.TANGENT), List.of(rVar),
                m.returnType(), Pos.NONE), at));
    }

    // ------------------------------------------------------------------ expressions

    /** The tangent of {@code e}, whose varied operands are atoms, with result {@code out}. */
    private Expr tangent(Expr e, Expr out) {
        return switch (e) {
            case Expr.Var v -> inlined.getOrDefault(tangentOf(v.name()),
                    new Expr.Var(tangentOf(v.name()), tangentType(v.type()), Pos.NONE));
            case Expr.Cast c -> tangent(c.operand(), out);
            case Expr.Unary u -> u.op() == Expr.UnOp.NEG
                    ? new Expr.Unary(Expr.UnOp.NEG, tangent(u.operand(), out), Type.Prim.DOUBLE, Pos.NONE)
                    : tangent(u.operand(), out);
            case Expr.Binary b when b.op() == Expr.BinOp.TIMES && b.left() instanceof Expr.Var l
                    && b.right() instanceof Expr.Var r && l.name().equals(r.name()) -> // a * a: 2 a a_dot
                    twice(tangent(l, null), l);
            case Expr.Binary b when b.op() == Expr.BinOp.TIMES && b.left() instanceof Expr.Var l
                    && b.right() instanceof Expr.Var r && r.name().equals(multiples.get(l.name())) -> // (c u) u: 2 p u_dot
                    twice(l, tangent(r, null));
            case Expr.Binary b when b.op() == Expr.BinOp.TIMES && b.left() instanceof Expr.Var l
                    && b.right() instanceof Expr.Var r && l.name().equals(multiples.get(r.name())) -> // u (c u): 2 p u_dot
                    twice(r, tangent(l, null));
            case Expr.Binary b -> {
                Expr sum = null;
                if (carries(b.left())) {
                    sum = TangentRules.binary(b.op(), 0, tangent(b.left(), null), b.left(), b.right(), out);
                }
                if (carries(b.right())) {
                    sum = plus(sum, TangentRules.binary(b.op(), 1, tangent(b.right(), null), b.left(), b.right(), out));
                }
                yield sum;
            }
            case Expr.ArrayRead r when r.array() instanceof Expr.Var arr ->
                    new Expr.ArrayRead(new Expr.Var(tangentOf(arr.name()), types.get(arr.name()), Pos.NONE), r.index(),
                            r.type(), Pos.NONE);
            case Expr.Call c when c.callee() instanceof Callee.Known k -> knownCall(c, k.op(), out);
            default -> throw new Unsupported("expression " + e.getClass().getSimpleName());
        };
    }

    /** {@code p * t * 2.0}, a negation taken out: {@code -(u * t * 2.0)} for {@code p = -u}. */
    private static Expr twice(Expr p, Expr t) {
        if (p instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG) {
            return new Expr.Unary(Expr.UnOp.NEG, twice(u.operand(), t), Type.Prim.DOUBLE, Pos.NONE);
        }
        if (t instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG) {
            return new Expr.Unary(Expr.UnOp.NEG, twice(p, u.operand()), Type.Prim.DOUBLE, Pos.NONE);
        }
        return new Expr.Binary(Expr.BinOp.TIMES, new Expr.Binary(Expr.BinOp.TIMES, p, t, Type.Prim.DOUBLE, Pos.NONE),
                TWO, Type.Prim.DOUBLE, Pos.NONE);
    }

    private static final Expr.Literal TWO = new Expr.Literal("2.0", Type.Prim.DOUBLE, Pos.NONE);

    /** {@code x} where {@code e} is {@code x * 2.0} ({@code -x} for {@code -(x * 2.0)}), else null. */
    private static Expr halfOf(Expr e) {
        if (e instanceof Expr.Binary b && b.op() == Expr.BinOp.TIMES && b.right().equals(TWO)) {
            return b.left();
        }
        if (e instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG && halfOf(u.operand()) instanceof Expr half) {
            return new Expr.Unary(Expr.UnOp.NEG, half, Type.Prim.DOUBLE, Pos.NONE);
        }
        return null;
    }

    private Expr knownCall(Expr.Call c, Op op, Expr out) {
        List<Expr> slots = Activity.differentiableChildren(c);
        if (TangentRules.isJoint(op)) {
            List<Expr> tangents = new ArrayList<>();
            for (Expr arg : c.args()) {
                boolean slot = slots.stream().anyMatch(s -> s == arg);
                tangents.add(slot && carries(arg) ? tangent(arg, null) : null);
            }
            return TangentRules.joint(op, c.args(), tangents);
        }
        Expr sum = null;
        for (int i = 0; i < c.args().size(); i++) {
            Expr arg = c.args().get(i);
            if (slots.stream().anyMatch(s -> s == arg) && carries(arg)) {
                Expr outOrPlaceholder = out == null ? c : out;
                sum = plus(sum, TangentRules.known(op, i, tangent(arg, null), c.args(), outOrPlaceholder));
            }
        }
        if (sum == null) {
            throw new Unsupported("no carrying operand in " + op);
        }
        return sum;
    }

    private static Expr plus(Expr sum, Expr term) {
        if (sum == null) {
            return term;
        }
        if (term.type().isTensor() || sum.type().isTensor()) {
            return new Expr.Call(new Callee.Known(Op.PLUS), List.of(sum, term), Type.TENSOR, Pos.NONE);
        }
        Expr halfSum = halfOf(sum);
        Expr halfTerm = halfOf(term);
        if (halfSum != null && halfTerm != null) {
            // 2 x + 2 y as 2 (x + y): the same value (doubling is exact), one product fewer
            return new Expr.Binary(Expr.BinOp.TIMES, plus(halfSum, halfTerm), TWO, Type.Prim.DOUBLE, Pos.NONE);
        }
        if (term instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG) {
            return new Expr.Binary(Expr.BinOp.MINUS, sum, u.operand(), Type.Prim.DOUBLE, Pos.NONE);
        }
        return new Expr.Binary(Expr.BinOp.PLUS, sum, term, Type.Prim.DOUBLE, Pos.NONE);
    }

    /** A zero tangent of {@code e}'s type: {@code 0.0}, {@code Tensor.zerosLike(e)}, {@code new double[e.length]}. */
    private static Expr zeroLike(Expr e) {
        Type t = e.type();
        if (t.isTensor()) {
            return new Expr.Call(new Callee.Known(Op.ZEROS_LIKE), List.of(e), Type.TENSOR, Pos.NONE);
        }
        if (t instanceof Type.ArrayOf arr) {
            return new Expr.NewArray(arr, List.of(), new Expr.ArrayLength(e, Pos.NONE), Pos.NONE);
        }
        return t == Type.Prim.FLOAT ? new Expr.Literal("0f", t, Pos.NONE) : new Expr.Literal("0.0", Type.Prim.DOUBLE,
                Pos.NONE);
    }

    private String tangentOf(String name) {
        return tangentNames.computeIfAbsent(name, n -> nf.scope().fresh(Names.tangent(n)));
    }

    /** Scalar tangents are kept in double whatever the primal's precision; arrays and tensors as they are. */
    private static Type tangentType(Type t) {
        return t.isFloatingScalar() ? Type.Prim.DOUBLE : t;
    }

    private Expr modelOf(Callee.User call) {
        return call.receiver().isEmpty()
                ? new Expr.Var(Names.MODEL, new Type.Declared(method.self().ownerQualifiedName()), Pos.NONE)
                : new Expr.FieldRead(call.receiver(), new Type.Declared(call.method().ownerQualifiedName()), false,
                        Pos.NONE);
    }

    static String gradClass(Callee.UserMethod m) {
        String owner = m.ownerQualifiedName();
        int dot = owner.lastIndexOf('.');
        return (dot < 0 ? "" : owner.substring(0, dot + 1)) + Names.gradClass(owner.substring(dot + 1));
    }
}
