package dev.fluxion.processor.diff;

import dev.fluxion.processor.Names;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse-mode transform: walks the primal's statements backwards and, for each one whose
 * result has a cotangent, adds each differentiable operand's contribution (from
 * {@link DerivativeRules}) to that operand's adjoint. An adjoint is declared by its first
 * contribution and accumulated after ({@code +} for scalars, {@code Derivatives.accumulate} for
 * tensors); values no cotangent reaches get no adjoint at all.
 *
 * <p>Calls to other {@code @Differentiable} methods use the callee's generated pullback: the
 * forward pass keeps {@code h_pullback = OtherGrad.hVjp(args)}, the backward pass calls
 * {@code h_pullback.backward(h_adj)} and reads the gradient record.
 *
 * <p>Loops and branches will reverse the same way, statement by statement, mirrored; a value a
 * loop overwrites will be pushed in the forward pass and popped in the backward pass.
 */
public final class ReverseMode {
    private static final Type D = Type.Prim.DOUBLE;

    private final Primal primal;
    private final Names.Scope scope;
    private final Map<String, Type> types = new HashMap<>();
    private final Map<String, String> adjoints = new HashMap<>();
    private final Set<String> usedArrays = new LinkedHashSet<>();
    private final List<Stmt> backward = new ArrayList<>();
    private final List<String> steps = new ArrayList<>();
    private final List<Stmt> forward = new ArrayList<>();
    private Pos at = Pos.NONE;

    private ReverseMode(Primal primal) {
        this.primal = primal;
        Set<String> taken = new HashSet<>(List.of(Names.MODEL));
        primal.method().params().forEach(p -> {
            taken.add(p.name());
            types.put(p.name(), p.type());
        });
        primal.leaves().forEach(l -> {
            taken.add(l.local());
            types.put(l.local(), Type.TENSOR);
        });
        for (Stmt s : primal.stmts()) {
            if (s instanceof Stmt.Let l) {
                taken.add(l.name());
                types.put(l.name(), l.type());
            }
        }
        this.scope = new Names.Scope(taken);
    }

    /** Derives the backward pass of {@code primal}. */
    public static DerivedMethod reverse(Primal primal) {
        return new ReverseMode(primal).run();
    }

    private DerivedMethod run() {
        var method = primal.method();
        for (Primal.Leaf leaf : primal.leaves()) {
            forward.add(new Stmt.Let(leaf.local(), Type.TENSOR, leaf.field(), Pos.NONE));
        }
        Expr result = primal.result();
        String cotangent;
        if (result instanceof Expr.Var v && primal.varied().contains(v.name())) {
            cotangent = scope.fresh(Names.adjoint(v.name()));
            adjoints.put(v.name(), cotangent);
        } else {
            cotangent = scope.fresh(Names.adjoint(Names.result()));
        }
        List<Stmt> stmts = primal.stmts();
        Map<String, Stmt.Let> lowered = new LinkedHashMap<>();
        for (Stmt s : stmts) {
            Stmt.Let let = (Stmt.Let) s;
            forward.addAll(lowerUserCall(let, lowered));
        }
        for (int i = stmts.size() - 1; i >= 0; i--) {
            Stmt.Let let = (Stmt.Let) stmts.get(i);
            at = let.pos();
            if (adjoints.containsKey(let.name()) && primal.varied().contains(let.name())) {
                reverse(let);
            }
        }
        List<Stmt> fullBackward = new ArrayList<>();
        for (String array : usedArrays) {
            Type.ArrayOf t = (Type.ArrayOf) types.get(array);
            fullBackward.add(new Stmt.Let(adjoints.get(array), t,
                    new Expr.NewArray(t, List.of(), new Expr.ArrayLength(var(array), Pos.NONE), Pos.NONE), Pos.NONE));
        }
        fullBackward.addAll(backward);
        for (Primal.Leaf leaf : primal.leaves()) {
            String adj = adjoints.get(leaf.local());
            if (adj != null) {
                Expr field = leaf.field();
                Stmt acc = new Stmt.ExprStmt(new Expr.Call(new Callee.Instance("accumulateGrad"),
                        List.of(field, new Expr.Var(adj, Type.TENSOR, Pos.NONE)), Type.Prim.VOID, Pos.NONE), Pos.NONE);
                Expr requires = new Expr.Call(new Callee.Instance("requiresGrad"), List.of(field), Type.Prim.BOOLEAN,
                        Pos.NONE);
                if (leaf.field().path().size() > 1) { // a layer's optional Parameter, such as a bias
                    requires = new Expr.Binary(Expr.BinOp.AND, Build.cmp(Expr.BinOp.NE, field,
                            new Expr.Literal("null", Type.TENSOR, Pos.NONE)), requires, Type.Prim.BOOLEAN, Pos.NONE);
                }
                fullBackward.add(new Stmt.If(requires, new Stmt.Block(List.of(acc), Pos.NONE),
                        new Stmt.Block(List.of(), Pos.NONE), leaf.field().pos()));
            }
        }
        List<DerivedMethod.Gradient> gradients = new ArrayList<>();
        for (Param p : method.differentiableParams()) {
            gradients.add(new DerivedMethod.Gradient(p.name(), p.type(), gradientOf(p)));
        }
        List<Expr.Var> saved = saved(fullBackward, gradients);
        return new DerivedMethod(method, forward, result, cotangent, fullBackward, gradients, saved, steps);
    }

    /** A varied call to another differentiable method keeps the callee's pullback. */
    private List<Stmt> lowerUserCall(Stmt.Let let, Map<String, Stmt.Let> lowered) {
        if (!(let.init() instanceof Expr.Call c) || !(c.callee() instanceof Callee.User u)
                || !primal.varied().contains(let.name())) {
            return List.of(let);
        }
        Callee.UserMethod m = u.method();
        String pullback = scope.fresh(Names.calleePullback(let.name()));
        Type pbType = new Type.Declared(gradClass(m) + "." + Names.pullbackClass(m.name()));
        types.put(pullback, pbType);
        List<Expr> args = new ArrayList<>();
        if (!m.isStatic()) {
            args.add(Build.modelOf(u, primal.method().self().ownerQualifiedName()));
        }
        args.addAll(c.args());
        Expr vjp = new Expr.Call(new Callee.Static(gradClass(m), Names.vjpMethod(m.name())), args, pbType, c.pos());
        Expr value = new Expr.Call(new Callee.Instance(Names.VALUE), List.of(var(pullback)), let.type(), c.pos());
        return List.of(new Stmt.Let(pullback, pbType, vjp, let.pos()), new Stmt.Let(let.name(), let.type(), value,
                let.pos()));
    }

    private static String gradClass(Callee.UserMethod m) {
        String owner = m.ownerQualifiedName();
        int dot = owner.lastIndexOf('.');
        return (dot < 0 ? "" : owner.substring(0, dot + 1)) + Names.gradClass(owner.substring(dot + 1));
    }

    private void reverse(Stmt.Let let) {
        Expr g = var(let.name(), adjointType(let.type()), adjoints.get(let.name()));
        Expr out = var(let.name());
        Expr e = let.init();
        switch (e) {
            case Expr.Var v -> contribute(v, g);
            case Expr.Cast c -> {
                step("CastBackward");
                contribute(c.operand(), g);
            }
            case Expr.Unary u -> {
                step("NegBackward");
                contribute(u.operand(), u.op() == Expr.UnOp.NEG ? Build.neg(g) : g);
            }
            case Expr.Binary b -> {
                step(switch (b.op()) {
                    case PLUS -> "AddBackward";
                    case MINUS -> "SubBackward";
                    case TIMES -> "MulBackward";
                    default -> "DivBackward";
                });
                contribute(b.left(), DerivativeRules.binary(b.op(), 0, g, b.left(), b.right(), out));
                contribute(b.right(), DerivativeRules.binary(b.op(), 1, g, b.left(), b.right(), out));
            }
            case Expr.Conditional c -> {
                step("WhereBackward");
                Expr zero = let.type().isTensor() ? Build.op(Op.ZEROS_LIKE, Type.TENSOR, g) : Build.num(0);
                contribute(c.whenTrue(), Build.choose(c.condition(), g, zero));
                contribute(c.whenFalse(), Build.choose(c.condition(), zero, g));
            }
            case Expr.ArrayRead a -> {
                step("IndexBackward");
                if (a.array() instanceof Expr.Var arr && primal.varied().contains(arr.name())) {
                    adjoints.computeIfAbsent(arr.name(), n -> scope.fresh(Names.adjoint(n)));
                    usedArrays.add(arr.name());
                    backward.add(new Stmt.ArrayAccumulate(adjoints.get(arr.name()), a.index(), g, at));
                }
            }
            case Expr.Call c when c.callee() instanceof Callee.Known k -> {
                step(k.op().backwardName());
                for (int i : differentiableArgs(c)) {
                    contribute(c.args().get(i), DerivativeRules.known(k.op(), i, g, c.args(), out));
                }
            }
            case Expr.Call c when c.callee() instanceof Callee.User u -> userCall(let, c, u.method(), g);
            default -> throw new IllegalStateException("cannot reverse " + e.getClass().getSimpleName());
        }
    }

    private void userCall(Stmt.Let let, Expr.Call c, Callee.UserMethod m, Expr g) {
        step(Names.capitalize(m.name()) + "Backward");
        String pullback = Names.calleePullback(let.name());
        pullback = types.containsKey(pullback) ? pullback : findPullback(let.name());
        String recordType = gradClass(m) + "." + Names.gradientRecord(m.name());
        Expr call = new Expr.Call(new Callee.Instance(Names.BACKWARD), List.of(var(pullback), g),
                new Type.Declared(recordType), Pos.NONE);
        boolean any = false;
        for (int i = 0; i < c.args().size(); i++) {
            any |= m.differentiable().get(i) && isVaried(c.args().get(i));
        }
        if (!any) {
            backward.add(new Stmt.ExprStmt(call, at));
            return;
        }
        String grad = scope.fresh(Names.calleeGradient(let.name()));
        types.put(grad, call.type());
        backward.add(new Stmt.Let(grad, call.type(), call, at));
        for (int i = 0; i < c.args().size(); i++) {
            if (m.differentiable().get(i)) {
                Type t = m.paramTypes().get(i);
                contribute(c.args().get(i), new Expr.Call(new Callee.Instance(m.gradientNames().get(i)),
                        List.of(var(grad)), t.isFloatingScalar() ? D : t, Pos.NONE));
            }
        }
    }

    private String findPullback(String name) {
        for (Stmt s : forward) {
            if (s instanceof Stmt.Let l && l.name().startsWith(Names.calleePullback(name))) {
                return l.name();
            }
        }
        throw new IllegalStateException("no pullback for " + name);
    }

    private static List<Integer> differentiableArgs(Expr.Call c) {
        List<Expr> slots = dev.fluxion.processor.ir.Activity.differentiableChildren(c);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < c.args().size(); i++) {
            Expr arg = c.args().get(i);
            if (slots.stream().anyMatch(s -> s == arg)) {
                out.add(i);
            }
        }
        return out;
    }

    private boolean isVaried(Expr e) {
        return e instanceof Expr.Var v && primal.varied().contains(v.name());
    }

    private void contribute(Expr operand, Expr contribution) {
        if (!isVaried(operand)) {
            return;
        }
        String name = ((Expr.Var) operand).name();
        Type type = adjointType(types.get(name));
        String adj = adjoints.get(name);
        if (adj == null) {
            adj = scope.fresh(Names.adjoint(name));
            adjoints.put(name, adj);
            backward.add(new Stmt.Let(adj, type, contribution, at));
            return;
        }
        Expr current = new Expr.Var(adj, type, Pos.NONE);
        Expr sum = type.isTensor()
                ? new Expr.Call(new Callee.Static(Build.DERIVATIVES, "accumulate"), List.of(current, contribution),
                        Type.TENSOR, Pos.NONE)
                : Build.add(current, contribution);
        backward.add(new Stmt.Assign(adj, sum, at));
    }

    /** Scalar adjoints are kept in double whatever the primal's precision. */
    private static Type adjointType(Type t) {
        return t.isFloatingScalar() ? D : t;
    }

    private void step(String name) {
        steps.add(name);
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
            case Type.TensorType tt -> Build.op(Op.ZEROS_LIKE, Type.TENSOR, var(p.name()));
            default -> new Expr.Literal(t == Type.Prim.FLOAT ? "0f" : "0.0", t, Pos.NONE);
        };
    }

    private List<Expr.Var> saved(List<Stmt> fullBackward, List<DerivedMethod.Gradient> gradients) {
        Set<String> read = new LinkedHashSet<>();
        for (Stmt s : fullBackward) {
            read.addAll(Exprs.vars(s));
            if (s instanceof Stmt.If i) {
                read.addAll(Exprs.vars(i));
            }
        }
        gradients.forEach(g -> read.addAll(Exprs.vars(g.value())));
        Set<String> backwardLocals = new HashSet<>(adjoints.values());
        for (Stmt s : fullBackward) {
            if (s instanceof Stmt.Let l) {
                backwardLocals.add(l.name());
            }
        }
        List<Expr.Var> out = new ArrayList<>();
        List<String> order = new ArrayList<>();
        primal.method().params().forEach(p -> order.add(p.name()));
        for (Stmt s : forward) {
            if (s instanceof Stmt.Let l) {
                order.add(l.name());
            }
        }
        for (String name : order) {
            if (read.contains(name) && !backwardLocals.contains(name)) {
                out.add(var(name));
            }
        }
        return out;
    }

    private Expr.Var var(String name) {
        return new Expr.Var(name, types.get(name), Pos.NONE);
    }

    private static Expr.Var var(String forward, Type type, String name) {
        return new Expr.Var(name, type, Pos.NONE);
    }
}
