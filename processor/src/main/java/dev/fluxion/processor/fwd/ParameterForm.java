package dev.fluxion.processor.fwd;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A {@code Module} method with its Parameters as inputs, for second order with respect to them:
 * {@code loss(x, y)} reading {@code w} and {@code fc1.weight} becomes the static
 * {@code lossParameters(w, fc1_weight, x, y)}, differentiable in the Parameters only (the method's
 * own arguments are held fixed, as {@code torch.autograd.functional.hvp} over a model's
 * parameters does). Its forward mode and {@link Directional} give {@code lossHvp(model, x, y,
 * w_dot, fc1_weight_dot)}: one forward and one backward pass of the tangent program, as for any
 * method.
 * <p>
 * Only a body that reads Parameters and calls known operations has one (a linear layer's
 * {@code F.linear(x, fc.weight, fc.bias)} included); a method that calls another Module method, a
 * runtime layer or reads a field that is not a Parameter has no {@code fHvp}.
 *
 * @param method the static method, Parameters first, then the original parameters (not differentiated)
 * @param paths each Parameter's path of fields from the model ({@code [fc1, weight]}), in the order
 *     of {@code method}'s first parameters
 */
public record ParameterForm(MethodIr method, List<List<String>> paths) {
    /** The suffix of the parameter form's name: {@code lossParameters}. */
    public static final String SUFFIX = "Parameters";

    /** Why a body has no parameter form. */
    private static final class NotSupported extends RuntimeException {
        NotSupported() {
            super(null, null, false, false);
        }
    }

    /** The parameter form of the Module method {@code m}, or empty where it has none (see the class comment). */
    public static Optional<ParameterForm> of(MethodIr m) {
        if (!m.takesModel()) {
            return Optional.empty();
        }
        Set<String> taken = new HashSet<>();
        m.params().forEach(p -> taken.add(p.name()));
        taken.add(Names.MODEL);
        Names.Scope scope = new Names.Scope(taken);
        Map<List<String>, String> names = new LinkedHashMap<>();
        UnaryOperator<Expr> replace = e -> {
            if (e instanceof Expr.FieldRead f) {
                if (!f.parameter() || !f.type().isTensor() || f.path().isEmpty()) {
                    throw new NotSupported();
                }
                String name = names.computeIfAbsent(f.path(), p -> scope.fresh(String.join("_", p)));
                return new Expr.Var(name, Type.TENSOR, f.pos());
            }
            if (e instanceof Expr.Call c && !(c.callee() instanceof Callee.Known)) {
                throw new NotSupported();
            }
            if (e instanceof Expr.Unsupported) {
                throw new NotSupported();
            }
            return e;
        };
        Stmt.Block body;
        try {
            body = (Stmt.Block) map(m.body(), replace);
        } catch (NotSupported e) {
            return Optional.empty();
        }
        if (names.isEmpty()) {
            return Optional.empty();
        }
        List<Param> params = new ArrayList<>();
        names.forEach((path, name) -> params.add(new Param(name, Type.TENSOR, true, m.pos())));
        for (Param p : m.params()) {
            params.add(new Param(p.name(), p.type(), false, p.pos()));
        }
        List<String> paramNames = params.stream().map(Param::name).toList();
        Callee.UserMethod self = new Callee.UserMethod(m.self().ownerQualifiedName(), m.name() + SUFFIX, true,
                paramNames, params.stream().map(Param::type).toList(),
                params.stream().map(Param::differentiable).toList(), m.returnType(),
                Names.gradientComponents(paramNames));
        return Optional.of(new ParameterForm(new MethodIr(self, m.packageName(), m.ownerSimpleName(), false, params,
                body, m.pos()), List.copyOf(names.keySet())));
    }

    /** {@code s} with {@code f} applied to every expression, bottom-up. */
    private static Stmt map(Stmt s, UnaryOperator<Expr> f) {
        return switch (s) {
            case Stmt.Let l -> new Stmt.Let(l.name(), l.type(), l.init() == null ? null : Exprs.map(l.init(), f), l.pos());
            case Stmt.Assign a -> new Stmt.Assign(a.name(), Exprs.map(a.value(), f), a.pos());
            case Stmt.ArrayAccumulate a -> new Stmt.ArrayAccumulate(a.array(), Exprs.map(a.index(), f),
                    Exprs.map(a.value(), f), a.pos());
            case Stmt.ArrayStore a -> new Stmt.ArrayStore(a.array(), Exprs.map(a.index(), f), Exprs.map(a.value(), f),
                    a.pos());
            case Stmt.Return r -> new Stmt.Return(r.value() == null ? null : Exprs.map(r.value(), f), r.pos());
            case Stmt.ExprStmt x -> new Stmt.ExprStmt(Exprs.map(x.expr(), f), x.pos());
            case Stmt.Block b -> new Stmt.Block(b.stmts().stream().map(x -> map(x, f)).toList(), b.pos());
            case Stmt.If i -> new Stmt.If(Exprs.map(i.condition(), f), (Stmt.Block) map(i.then(), f),
                    (Stmt.Block) map(i.otherwise(), f), i.pos());
            case Stmt.While w -> new Stmt.While(Exprs.map(w.condition(), f), (Stmt.Block) map(w.body(), f), w.pos());
            case Stmt.DoWhile d -> new Stmt.DoWhile((Stmt.Block) map(d.body(), f), Exprs.map(d.condition(), f),
                    d.pos());
            case Stmt.For x -> new Stmt.For(x.init().stream().map(y -> map(y, f)).toList(),
                    x.condition() == null ? null : Exprs.map(x.condition(), f),
                    x.update().stream().map(y -> map(y, f)).toList(), (Stmt.Block) map(x.body(), f), x.pos());
            case Stmt.Break b -> b;
            case Stmt.Continue c -> c;
            case Stmt.Unsupported u -> throw new NotSupported();
        };
    }
}
