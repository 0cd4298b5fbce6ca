package dev.fluxion.processor.rules;

import dev.fluxion.processor.fwd.Directional;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.NestedCall;
import dev.fluxion.processor.model.TangentMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Nested differentiation: the derived method of an adapter {@code gGrad_x} ({@link NestedCall}),
 * the call {@code OtherGrad.gGrad(args).x()} made differentiable. Its forward pass is that call;
 * for a scalar {@code g} the gradient component {@code u = ∂g/∂x} has the pullback
 * {@code p̄ += ∂²g/∂p∂x · ū} for every differentiable input {@code p}, which is exactly {@code g}'s
 * Hessian-vector product in the direction {@code ū} on {@code x} and zero elsewhere: one call of
 * the generated {@code gHvp} (reverse over forward), whose components are the contributions.
 */
public final class NestedForms {
    private NestedForms() {}

    /**
     * Why {@code n} cannot be differentiated, or empty.
     *
     * @param hasHvp whether {@code g}'s generated class has (or will have) {@code gHvp}
     */
    public static Optional<String> problem(NestedCall n, boolean hasHvp) {
        Callee.UserMethod g = n.callee();
        Type component = n.adapter().returnType();
        boolean tensor = g.returnType().isTensor();
        if (g.returnType() != Type.Prim.DOUBLE && !tensor) {
            return Optional.of(g.name() + " returns " + g.returnType().javaName().replace("dev.fluxion.", "")
                    + ": a gradient read inside differentiable code must be of a method returning double or a scalar Tensor");
        }
        if (!supported(component, tensor)) {
            return Optional.of("the gradient of `" + g.paramNames().get(n.component()) + "` is a "
                    + component.javaName().replace("dev.fluxion.", "") + "; only "
                    + (tensor ? "Tensor, " : "") + "double and double[] inputs are supported");
        }
        for (int i = 0; i < g.paramTypes().size(); i++) {
            Type t = g.paramTypes().get(i);
            if (g.differentiable().get(i) && !supported(t, tensor)) {
                return Optional.of("its input `" + g.paramNames().get(i) + "` is a " + t.javaName().replace("dev.fluxion.", "")
                        + "; a gradient read inside differentiable code must be of a method whose differentiable inputs are "
                        + (tensor ? "Tensors, " : "") + "double and double[]");
            }
        }
        if (!hasHvp) {
            return Optional.of(g.name() + " has no Hessian-vector product " + Names.hvpMethod(g.name())
                    + ", which differentiates its gradient (generated for scalar code on double and double[] inputs and "
                    + "for tensor code, with loops and branches, where the method calls no other method, layer or Module)");
        }
        return Optional.empty();
    }

    /** The adapter's derived method, to be written into the caller's generated class. */
    public static DerivedMethod derive(NestedCall n, String packageName, String ownerSimpleName) {
        Callee.UserMethod a = n.adapter();
        Callee.UserMethod g = n.callee();
        Pos pos = n.pos();
        List<Param> params = new ArrayList<>();
        List<Expr.Var> args = new ArrayList<>();
        for (int i = 0; i < g.paramNames().size(); i++) {
            params.add(new Param(g.paramNames().get(i), g.paramTypes().get(i), g.differentiable().get(i), pos));
            args.add(new Expr.Var(g.paramNames().get(i), g.paramTypes().get(i), Pos.NONE));
        }
        Names.Scope scope = new Names.Scope(g.paramNames());
        String gradClass = gradClassOf(g);
        Type component = a.returnType();
        Expr gradient = new Expr.Call(new Callee.Static(gradClass, Names.gradMethod(g.name())), List.copyOf(args),
                new Type.Declared(gradClass + "." + Names.gradientRecord(g.name())), pos);
        Expr value = new Expr.Call(new Callee.Instance(g.gradientNames().get(n.component())), List.of(gradient),
                component, pos);
        String valueName = scope.fresh(Names.VALUE);
        String cotangent = scope.fresh(Names.adjoint(Names.result()));
        List<Expr> hvpArgs = new ArrayList<>(args);
        for (int i = 0; i < params.size(); i++) {
            if (g.differentiable().get(i)) {
                hvpArgs.add(i == n.component() ? new Expr.Var(cotangent, component, Pos.NONE) : zeroLike(args.get(i)));
            }
        }
        Type hvpType = new Type.Declared(gradClass + "." + Names.gradientRecord(Directional.name(g.name())));
        String hvp = scope.fresh("hvp");
        Expr.Var hvpVar = new Expr.Var(hvp, hvpType, Pos.NONE);
        List<DerivedMethod.Gradient> gradients = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            if (g.differentiable().get(i)) {
                Type t = g.paramTypes().get(i);
                gradients.add(new DerivedMethod.Gradient(g.paramNames().get(i), t,
                        new Expr.Call(new Callee.Instance(g.gradientNames().get(i)), List.of(hvpVar), t, Pos.NONE)));
            }
        }
        MethodIr method = new MethodIr(a, packageName, ownerSimpleName, false, params,
                new Stmt.Block(List.of(new Stmt.Return(value, pos)), pos), pos);
        Stmt.Let backward = new Stmt.Let(hvp, hvpType, new Expr.Call(new Callee.Static(gradClass,
                Names.hvpMethod(g.name())), hvpArgs, hvpType, pos), pos);
        return new DerivedMethod(method, List.of(new Stmt.Let(valueName, component, value, pos)),
                new Expr.Var(valueName, component, Pos.NONE), cotangent, List.of(backward), gradients, args,
                List.of(Names.capitalize(g.name()) + "HessianVectorBackward"));
    }

    /**
     * The adapter's forward mode, {@code gGrad_xJvp(args, args_dot)}: the value {@code gGrad(args).x()}
     * and the tangent {@code gHvp(args, args_dot).x()}, on the parameters of {@code adapter} (the
     * adapter's derived method, whose name the writer pairs it with).
     */
    public static TangentMethod deriveForward(NestedCall n, DerivedMethod adapter) {
        Callee.UserMethod g = n.callee();
        MethodIr method = adapter.method();
        Pos pos = n.pos();
        Names.Scope scope = new Names.Scope(g.paramNames());
        List<Expr> args = new ArrayList<>();
        List<Param> tangents = new ArrayList<>();
        for (Param p : method.params()) {
            args.add(new Expr.Var(p.name(), p.type(), Pos.NONE));
            if (p.differentiable()) {
                tangents.add(new Param(scope.fresh(Names.tangent(p.name())), p.type(), true, p.pos()));
            }
        }
        String gradClass = gradClassOf(g);
        Type component = method.returnType();
        String accessor = g.gradientNames().get(n.component());
        Expr gradient = new Expr.Call(new Callee.Static(gradClass, Names.gradMethod(g.name())), List.copyOf(args),
                new Type.Declared(gradClass + "." + Names.gradientRecord(g.name())), pos);
        String value = scope.fresh(Names.VALUE);
        List<Expr> hvpArgs = new ArrayList<>(args);
        tangents.forEach(t -> hvpArgs.add(new Expr.Var(t.name(), t.type(), Pos.NONE)));
        Type hvpType = new Type.Declared(gradClass + "." + Names.gradientRecord(Directional.name(g.name())));
        String hvp = scope.fresh("hvp");
        List<Stmt> body = List.of(
                new Stmt.Let(value, component, new Expr.Call(new Callee.Instance(accessor), List.of(gradient), component,
                        pos), pos),
                new Stmt.Let(hvp, hvpType, new Expr.Call(new Callee.Static(gradClass, Names.hvpMethod(g.name())), hvpArgs,
                        hvpType, pos), pos));
        Expr tangent = new Expr.Call(new Callee.Instance(accessor), List.of(new Expr.Var(hvp, hvpType, Pos.NONE)),
                component, Pos.NONE);
        return new TangentMethod(method, body, new Expr.Var(value, component, Pos.NONE), tangent, tangents);
    }

    /** The input types a nested gradient supports: double and double[], and Tensor for a Tensor method. */
    private static boolean supported(Type t, boolean tensorMethod) {
        return t == Type.Prim.DOUBLE || t.equals(new Type.ArrayOf(Type.Prim.DOUBLE)) || tensorMethod && t.isTensor();
    }

    /** {@code 0.0}, {@code new double[x.length]} or {@code zerosLike(x)}: a direction's zero part. */
    private static Expr zeroLike(Expr.Var x) {
        if (x.type().isTensor()) {
            return new Expr.Call(new Callee.Known(dev.fluxion.processor.ir.Op.ZEROS_LIKE), List.of(x), Type.TENSOR,
                    Pos.NONE);
        }
        if (x.type() instanceof Type.ArrayOf arr) {
            return new Expr.NewArray(arr, List.of(), new Expr.ArrayLength(x, Pos.NONE), Pos.NONE);
        }
        return new Expr.Literal(x.type() == Type.Prim.FLOAT ? "0f" : "0.0", x.type(), Pos.NONE);
    }

    /** The qualified name of {@code g}'s generated class. */
    public static String gradClassOf(Callee.UserMethod g) {
        String owner = g.ownerQualifiedName();
        int dot = owner.lastIndexOf('.');
        return (dot < 0 ? "" : owner.substring(0, dot + 1)) + Names.gradClass(owner.substring(dot + 1));
    }
}
