package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Activity;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The adjoint kernel, the one place derivative rules are applied: for an assignment's value and
 * its cotangent {@code g}, each varied operand's contribution ({@link DerivativeRules}) added to
 * that operand's adjoint ({@code +} for scalars, {@code Derivatives.accumulate} for tensors,
 * {@code x_adj[i] += g} for an array element). It names the adjoints ({@code x_adj}), records the
 * backward steps for the pullback's {@code toString()}, and gives each parameter its gradient.
 */
final class Adjoints {
    private final Set<String> varied;
    private final Map<String, Type> types;
    private final Names.Scope scope;
    private final Map<String, String> names = new LinkedHashMap<>();
    private final List<String> steps = new ArrayList<>();

    Adjoints(Set<String> varied, Map<String, Type> types, Names.Scope scope) {
        this.varied = varied;
        this.types = types;
        this.scope = scope;
    }

    /** The adjoint of {@code name}, named on first use. */
    String of(String name) {
        return names.computeIfAbsent(name, n -> scope.fresh(Names.adjoint(n)));
    }

    /** Each local with an adjoint, and its adjoint's name, in the order they were named. */
    Map<String, String> all() {
        return names;
    }

    /** The steps met so far, in forward order. */
    List<String> steps() {
        return steps;
    }

    void step(String name) {
        steps.add(name);
    }

    /** Whether {@code e} depends on a differentiable input. */
    boolean isVaried(Expr e) {
        if (e instanceof Expr.Var v) {
            return varied.contains(v.name());
        }
        return e instanceof Expr.FieldRead f ? f.parameter()
                : Activity.differentiableChildren(e).stream().anyMatch(this::isVaried)
                || Activity.readsParameters(e);
    }

    /**
     * Adds to {@code into} the contributions of {@code e}, whose value {@code out} has cotangent
     * {@code g}, to the adjoints of its varied operands ({@code e}'s operands are atoms).
     */
    void contributions(Expr e, Expr g, Expr out, List<Stmt> into, Pos at) {
        switch (e) {
            case Expr.Var v -> contribute(v, g, into, at);
            case Expr.Cast c -> contribute(c.operand(), g, into, at);
            case Expr.Unary u -> {
                step("NegBackward");
                contribute(u.operand(), u.op() == Expr.UnOp.NEG ? Build.neg(g) : g, into, at);
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
                    contribute(l, Build.mul(Build.mul(g, r), Build.num(2)), into, at);
                    return;
                }
                contribute(b.left(), DerivativeRules.binary(b.op(), 0, g, b.left(), b.right(), out), into, at);
                contribute(b.right(), DerivativeRules.binary(b.op(), 1, g, b.left(), b.right(), out), into, at);
            }
            case Expr.ArrayRead a -> {
                step("IndexBackward");
                if (a.array() instanceof Expr.Var arr && varied.contains(arr.name())) {
                    into.add(new Stmt.ArrayAccumulate(of(arr.name()), a.index(), g, at));
                }
            }
            case Expr.Call c when c.callee() instanceof Callee.Known k -> {
                step(k.op().backwardName());
                List<Expr> slots = Activity.differentiableChildren(c);
                for (int i = 0; i < c.args().size(); i++) {
                    Expr arg = c.args().get(i);
                    if (slots.stream().anyMatch(s -> s == arg) && isVaried(arg)) {
                        contribute(arg, DerivativeRules.known(k.op(), i, g, c.args(), out), into, at);
                    }
                }
            }
            default -> throw new IllegalStateException("cannot reverse " + e.getClass().getSimpleName());
        }
    }

    /** {@code operand_adj += contribution} where {@code operand} is a varied local. */
    void contribute(Expr operand, Expr contribution, List<Stmt> into, Pos at) {
        if (!(operand instanceof Expr.Var v) || !varied.contains(v.name())) {
            return;
        }
        Type type = adjointType(types.get(v.name()));
        String adj = of(v.name());
        Expr current = new Expr.Var(adj, type, Pos.NONE);
        if (type instanceof Type.ArrayOf) {
            into.addAll(ArrayAdjoints.addInto(adj, type, contribution, scope, at));
            return;
        }
        Expr sum = type.isTensor()
                ? new Expr.Call(new Callee.Static(Build.DERIVATIVES, "accumulate"), List.of(current, contribution),
                        Type.TENSOR, Pos.NONE)
                : Build.add(current, contribution);
        into.add(new Stmt.Assign(adj, sum, at));
    }

    /** The declaration of each adjoint but {@code cotangent}'s: zero, null, or a zero array. */
    List<Stmt> declarations(String cotangent) {
        List<Stmt> out = new ArrayList<>();
        names.forEach((name, adj) -> {
            if (adj.equals(cotangent)) {
                return;
            }
            Type t = types.get(name);
            Expr init = t instanceof Type.ArrayOf a ? new Expr.NewArray(a, List.of(),
                    new Expr.ArrayLength(new Expr.Var(name, t, Pos.NONE), Pos.NONE), Pos.NONE) : zeroOf(adjointType(t));
            out.add(new Stmt.Let(adj, adjointType(t), init, Pos.NONE));
        });
        return out;
    }

    /**
     * For each {@code Parameter} field read, its cotangent accumulated into the field where the
     * field is set and requires a gradient.
     */
    List<Stmt> accumulateIntoFields(List<Leaf> leaves) {
        List<Stmt> out = new ArrayList<>();
        for (Leaf leaf : leaves) {
            String adj = names.get(leaf.local());
            if (adj == null) {
                continue;
            }
            Expr field = leaf.field();
            Expr adjVar = new Expr.Var(adj, Type.TENSOR, Pos.NONE);
            Stmt acc = new Stmt.ExprStmt(new Expr.Call(new Callee.Instance("accumulateGrad"),
                    List.of(field, adjVar), Type.Prim.VOID, Pos.NONE), Pos.NONE);
            Expr requires = new Expr.Call(new Callee.Instance("requiresGrad"), List.of(field), Type.Prim.BOOLEAN,
                    Pos.NONE);
            if (leaf.field().path().size() > 1) { // a layer's optional Parameter, such as a bias
                requires = and(Build.cmp(Expr.BinOp.NE, field, nullOf(Type.TENSOR)), requires);
            }
            // No cotangent reached it where a branch or loop did not run (KnownZero drops the
            // test where one always does).
            requires = and(Build.cmp(Expr.BinOp.NE, adjVar, nullOf(Type.TENSOR)), requires);
            out.add(new Stmt.If(requires, new Stmt.Block(List.of(acc), Pos.NONE), Lowering.empty(), leaf.field().pos()));
        }
        return out;
    }

    private static Expr and(Expr a, Expr b) {
        return new Expr.Binary(Expr.BinOp.AND, a, b, Type.Prim.BOOLEAN, Pos.NONE);
    }

    /** The gradient of parameter {@code p}: its adjoint, or a zero where nothing reached it. */
    Expr gradientOf(Param p) {
        String adj = names.get(p.name());
        Type t = p.type();
        if (adj != null) {
            Expr v = new Expr.Var(adj, adjointType(t), Pos.NONE);
            return t == Type.Prim.FLOAT ? new Expr.Cast(Type.Prim.FLOAT, v, Pos.NONE) : v;
        }
        Expr.Var param = new Expr.Var(p.name(), t, Pos.NONE);
        return switch (t) {
            case Type.ArrayOf a -> new Expr.NewArray(a, List.of(), new Expr.ArrayLength(param, Pos.NONE), Pos.NONE);
            case Type.TensorType tt -> Build.op(Op.ZEROS_LIKE, Type.TENSOR, param);
            default -> new Expr.Literal(t == Type.Prim.FLOAT ? "0f" : "0.0", t, Pos.NONE);
        };
    }

    /** Scalar adjoints are kept in double whatever the primal's precision. */
    static Type adjointType(Type t) {
        return t.isFloatingScalar() ? Type.Prim.DOUBLE : t;
    }

    static Expr nullOf(Type t) {
        return new Expr.Literal("null", t, Pos.NONE);
    }

    /** The value a local of type {@code t} starts with. */
    static Expr zeroOf(Type t) {
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
