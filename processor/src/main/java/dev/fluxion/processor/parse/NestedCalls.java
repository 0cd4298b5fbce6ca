package dev.fluxion.processor.parse;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.NestedCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Calls of generated derivative code inside a {@code @Differentiable} method (nested
 * differentiation). The generated class does not exist while its caller is parsed (it is written
 * in the same round), so a call is resolved by the naming convention, from the
 * {@code @Differentiable} method it was generated for:
 * <ul>
 * <li>{@code OtherGrad.gGrad(args).x()}: one component of {@code g}'s gradient, a call of an
 *     adapter in the caller's class ({@link NestedCall}) whose pullback is {@code g}'s
 *     Hessian-vector product;</li>
 * <li>{@code OtherGrad.gGrad(args).value()} and {@code OtherGrad.g(args)}: {@code g} itself.</li>
 * </ul>
 * Anything else on a generated class is left to the caller's error ({@code NESTED_DIFFERENTIATION}).
 */
final class NestedCalls {
    private final ParseContext cx;
    private final ExprParser exprs;

    NestedCalls(ParseContext cx, ExprParser exprs) {
        this.cx = cx;
        this.exprs = exprs;
    }

    /** The IR of {@code m} where it reads generated derivative code this class understands, else empty. */
    Optional<Expr> resolve(MethodInvocationTree m, Pos pos) {
        if (!(m.getMethodSelect() instanceof MemberSelectTree select)) {
            return Optional.empty();
        }
        String name = select.getIdentifier().toString();
        ExpressionTree receiver = select.getExpression();
        Optional<TypeElement> owner = ownerOfGenerated(receiver);
        if (owner.isPresent()) {
            // OtherGrad.g(args): the generated forward pass is g itself.
            Optional<Expr> plain = differentiable(owner.get(), name, m.getArguments().size())
                    .flatMap(g -> call(g, m.getArguments(), pos, null));
            if (plain.isEmpty() && cx.imports.resolveType(receiver.toString()).isEmpty()) {
                // Another method of a class generated in this round: named in the error as written.
                return Optional.of(new Expr.Unsupported(Expr.Reason.UNKNOWN_METHOD, receiver + "." + name + "(...)", pos));
            }
            return plain;
        }
        if (!(receiver instanceof MethodInvocationTree inner) || !m.getArguments().isEmpty()
                || !(inner.getMethodSelect() instanceof MemberSelectTree innerSelect)) {
            return Optional.empty();
        }
        String gradName = innerSelect.getIdentifier().toString();
        Optional<TypeElement> gradOwner = ownerOfGenerated(innerSelect.getExpression());
        if (gradOwner.isEmpty() || !gradName.endsWith("Grad") || gradName.equals("Grad")) {
            return Optional.empty();
        }
        String callee = gradName.substring(0, gradName.length() - "Grad".length());
        return differentiable(gradOwner.get(), callee, inner.getArguments().size())
                .flatMap(g -> call(g, inner.getArguments(), pos, name));
    }

    /**
     * A call of {@code g} ({@code component} null or {@code value}), or of the adapter reading the
     * gradient {@code component}; empty where {@code component} names no gradient of {@code g}.
     */
    private Optional<Expr> call(ExecutableElement g, List<? extends ExpressionTree> argTrees, Pos pos,
                                String component) {
        Callee.UserMethod callee = Signatures.userMethod(g);
        int k = component == null ? -1 : callee.gradientNames().indexOf(component);
        if (component != null && !component.equals(Names.VALUE) && (k < 0 || !callee.differentiable().get(k))) {
            return Optional.empty();
        }
        List<Expr> args = new ArrayList<>();
        for (ExpressionTree a : argTrees) {
            Expr e = exprs.parse(a);
            if (e instanceof Expr.Unsupported) {
                return Optional.of(e);
            }
            args.add(e);
        }
        if (!callee.isStatic()) {
            String display = g.getEnclosingElement().getSimpleName() + "Grad." + g.getSimpleName() + "Grad(...)";
            return Optional.of(new Expr.Unsupported(Expr.Reason.UNKNOWN_METHOD, display, pos));
        }
        if (k < 0) {
            return Optional.of(new Expr.Call(new Callee.User(callee), args, callee.returnType(), pos));
        }
        String name = Names.nestedGradient(callee.name(), component);
        String caller = cx.owner.getQualifiedName().toString();
        // Another class's g with the same name and component: a name of its own (fGrad_x_2).
        for (int n = 2; cx.nested.containsKey(caller + "#" + name)
                && !cx.nested.get(caller + "#" + name).callee().key().equals(callee.key()); n++) {
            name = Names.nestedGradient(callee.name(), component) + "_" + n;
        }
        Callee.UserMethod adapter = new Callee.UserMethod(caller, name, true, callee.paramNames(),
                callee.paramTypes(), callee.differentiable(), callee.paramTypes().get(k), callee.gradientNames());
        cx.nested.putIfAbsent(adapter.key(), new NestedCall(adapter, callee, k, pos));
        return Optional.of(new Expr.Call(new Callee.User(adapter), args, adapter.returnType(), pos));
    }

    /**
     * The class {@code XGrad} was generated for, where {@code receiver} names a class by the
     * generated naming convention ({@code XGrad}, {@code pkg.XGrad}) and not a value.
     */
    private Optional<TypeElement> ownerOfGenerated(ExpressionTree receiver) {
        if (!(receiver instanceof IdentifierTree) && !(receiver instanceof MemberSelectTree)) {
            return Optional.empty();
        }
        String text = receiver.toString();
        String first = text.contains(".") ? text.substring(0, text.indexOf('.')) : text;
        if (!text.endsWith("Grad") || cx.inScope(first) || first.equals("this")) {
            return Optional.empty();
        }
        String owner = text.substring(0, text.length() - "Grad".length());
        return cx.imports.resolveType(owner).map(cx.elements::getTypeElement);
    }

    private static Optional<ExecutableElement> differentiable(TypeElement owner, String name, int arity) {
        for (Element e : owner.getEnclosedElements()) {
            if (e.getKind() == ElementKind.METHOD && e.getSimpleName().contentEquals(name)
                    && e.getAnnotation(Differentiable.class) != null
                    && ((ExecutableElement) e).getParameters().size() == arity) {
                return Optional.of((ExecutableElement) e);
            }
        }
        return Optional.empty();
    }
}
