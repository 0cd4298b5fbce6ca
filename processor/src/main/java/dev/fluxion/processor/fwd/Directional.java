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
 * For tensor code the runtime tangent rules the statements call ({@code Tangents},
 * {@code Derivatives}), which the reverse engine does not differentiate, are first written out in
 * tensor operations ({@link ExpandedTangentRules}); a method calling a rule without such a form or
 * a layer gets no {@code fHvp}. A call of another method's {@code gJvp} is first written out as
 * that method's own tangent statements ({@link CallInlining}).
 */
public final class Directional {
    private Directional() {}

    /** The name of the directional-derivative method of {@code f}: {@code fDirectional}. */
    public static String name(String method) {
        return method + "Directional";
    }

    /**
     * {@code fDirectional} as a method the reverse engine can derive, or empty where {@code t} is not
     * scalar code or its result is an array (a Hessian-vector product needs a scalar result).
     */
    public static Optional<MethodIr> of(TangentMethod t) {
        MethodIr m = t.method();
        if (m.takesModel() || m.returnType() instanceof Type.ArrayOf) {
            return Optional.empty();
        }
        List<Stmt> expanded = new ArrayList<>();
        for (Stmt s : t.body()) {
            Optional<Stmt> e = expand(s);
            if (e.isEmpty()) {
                return Optional.empty();
            }
            expanded.add(e.get());
        }
        Optional<Expr> tangent = ExpandedTangentRules.expand(t.tangent());
        if (tangent.isEmpty() || !reverseDerivable(expanded) || !reverseDerivable(tangent.get())) {
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
        List<Stmt> body = new ArrayList<>(expanded);
        body.add(new Stmt.Return(tangent.get(), m.pos()));
        return Optional.of(new MethodIr(self, m.packageName(), m.ownerSimpleName(), false, params,
                new Stmt.Block(body, m.body().pos()), m.pos()));
    }

    /** {@code s} with its runtime tangent rules expanded, or empty where one has no expansion. */
    private static Optional<Stmt> expand(Stmt s) {
        return switch (s) {
            case Stmt.Let l -> l.init() == null ? Optional.of(l)
                    : ExpandedTangentRules.expand(l.init()).map(e -> new Stmt.Let(l.name(), l.type(), e, l.pos()));
            case Stmt.Assign a -> ExpandedTangentRules.expand(a.value()).map(e -> new Stmt.Assign(a.name(), e, a.pos()));
            case Stmt.ArrayStore a -> ExpandedTangentRules.expand(a.value())
                    .map(e -> new Stmt.ArrayStore(a.array(), a.index(), e, a.pos()));
            case Stmt.If i -> {
                Optional<Expr> c = ExpandedTangentRules.expand(i.condition());
                Optional<Stmt.Block> then = expand(i.then());
                Optional<Stmt.Block> otherwise = expand(i.otherwise());
                yield c.isEmpty() || then.isEmpty() || otherwise.isEmpty() ? Optional.empty()
                        : Optional.of(new Stmt.If(c.get(), then.get(), otherwise.get(), i.pos()));
            }
            case Stmt.While w -> {
                Optional<Expr> c = ExpandedTangentRules.expand(w.condition());
                Optional<Stmt.Block> body = expand(w.body());
                yield c.isEmpty() || body.isEmpty() ? Optional.empty()
                        : Optional.of(new Stmt.While(c.get(), body.get(), w.pos()));
            }
            default -> Optional.empty();
        };
    }

    private static Optional<Stmt.Block> expand(Stmt.Block b) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : b.stmts()) {
            Optional<Stmt> e = expand(s);
            if (e.isEmpty()) {
                return Optional.empty();
            }
            out.add(e.get());
        }
        return Optional.of(new Stmt.Block(out, b.pos()));
    }

    /**
     * Whether the reverse engine derives {@code stmts}: no records of calls, no fields, no calls but
     * of known operations and of static {@code @Differentiable} methods (a callee's statements that
     * {@link CallInlining} made calls of the methods they call).
     */
    private static boolean reverseDerivable(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            boolean ok = switch (s) {
                case Stmt.Let l -> !(l.type() instanceof Type.Declared) && (l.init() == null || reverseDerivable(l.init()));
                case Stmt.Assign a -> reverseDerivable(a.value());
                case Stmt.ArrayStore a -> reverseDerivable(a.index()) && reverseDerivable(a.value());
                case Stmt.If i -> reverseDerivable(i.condition()) && reverseDerivable(i.then().stmts())
                        && reverseDerivable(i.otherwise().stmts());
                case Stmt.While w -> reverseDerivable(w.condition()) && reverseDerivable(w.body().stmts());
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean reverseDerivable(Expr e) {
        if (e instanceof Expr.FieldRead || e instanceof Expr.Unsupported) {
            return false;
        }
        if (e instanceof Expr.Call c && !(c.callee() instanceof Callee.Known) && !(c.callee() instanceof Callee.User u
                && u.method().isStatic() && !Callee.isLayerForward(u.method()) && !Callee.isOnElement(u.method()))) {
            return false;
        }
        return e.children().stream().allMatch(Directional::reverseDerivable);
    }
}
