package dev.fluxion.processor.fwd;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.TangentMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Second order by composition: the directional derivative {@code fDirectional(x, v) = ⟨∇f(x), v⟩}
 * is a method of its own, the tangent statements of {@code fJvp} returning the tangent, with the
 * direction {@code v} not differentiated. Its gradient with respect to {@code x}, which the
 * reverse engine derives like any other method's, is the Hessian-vector product {@code H·v}: one
 * forward and one backward pass of the tangent program (reverse-over-forward), not n gradients.
 * <p>
 * For scalar code only (doubles, floats and their arrays): the tangent statements of tensor code
 * call {@code Tangents} and {@code Derivatives} rules, which the reverse engine does not
 * differentiate.
 */
public final class Directional {
    private Directional() {}

    /** The name of the directional-derivative method of {@code f}: {@code fDirectional}. */
    public static String name(String method) {
        return method + "Directional";
    }

    /** {@code fDirectional} as a method the reverse engine can derive, or empty where {@code t} is not scalar code. */
    public static Optional<MethodIr> of(TangentMethod t) {
        MethodIr m = t.method();
        if (m.takesModel() || m.returnType().isTensor() || !scalarOnly(t.body())
                || m.params().stream().anyMatch(p -> p.type().isTensor())) {
            return Optional.empty();
        }
        List<Param> params = new ArrayList<>();
        for (Param p : m.params()) {
            params.add(p);
        }
        for (Param p : t.tangents()) {
            params.add(new Param(p.name(), p.type(), false, p.pos()));
        }
        List<String> names = params.stream().map(Param::name).toList();
        List<Type> types = params.stream().map(Param::type).toList();
        List<Boolean> diff = params.stream().map(Param::differentiable).toList();
        Callee.UserMethod self = new Callee.UserMethod(m.self().ownerQualifiedName(), name(m.name()), true, names, types,
                diff, m.returnType(), Names.gradientComponents(names));
        List<Stmt> body = new ArrayList<>(t.body());
        body.add(new Stmt.Return(t.tangent(), m.pos()));
        return Optional.of(new MethodIr(self, m.packageName(), m.ownerSimpleName(), false, params,
                new Stmt.Block(body, m.body().pos()), m.pos()));
    }

    private static boolean scalarOnly(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            boolean ok = switch (s) {
                case Stmt.Let l -> !l.type().isTensor() && !(l.type() instanceof Type.Declared)
                        && (l.init() == null || scalar(l.init()));
                case Stmt.Assign a -> scalar(a.value());
                case Stmt.If i -> scalar(i.condition()) && scalarOnly(i.then().stmts()) && scalarOnly(i.otherwise().stmts());
                case Stmt.While w -> scalar(w.condition()) && scalarOnly(w.body().stmts());
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean scalar(Expr e) {
        if (e.type().isTensor() || e instanceof Expr.FieldRead || e instanceof Expr.Unsupported) {
            return false;
        }
        if (e instanceof Expr.Call c && !(c.callee() instanceof Callee.Known)) {
            return false;
        }
        return e.children().stream().allMatch(Directional::scalar);
    }

}
