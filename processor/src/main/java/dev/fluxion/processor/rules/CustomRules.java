package dev.fluxion.processor.rules;

import dev.fluxion.annotation.Derivative;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.Messages;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.TangentMethod;
import dev.fluxion.processor.parse.DerivativeAnnotations;
import dev.fluxion.processor.parse.Signatures;
import dev.fluxion.processor.parse.TypeMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * User-supplied backward rules ({@code @Derivative}). A rule {@code r(x1..xn, g)} for a primal
 * {@code f(x1..xn)} makes {@code f} callable from differentiable code: {@code f} gets a derived
 * method whose forward pass calls {@code f} itself and whose backward pass calls {@code r}, so the
 * generated {@code fVjp}/{@code fGrad} and every caller's chain rule use the rule. Its signature is
 * checked here; its mathematics by the verifier, like any derived method.
 * <p>
 * A forward rule {@code t(x1..xn, x1_dot..xk_dot)} ({@code mode = FORWARD}) gives {@code f} a
 * forward mode ({@link #deriveForward}): {@code fJvp} returns {@code f(x..)} and {@code t(x.., x_dot..)},
 * and callers' forward modes call that {@code fJvp}. Without one, a primal of scalars alone gets its
 * forward mode from the reverse rule ({@link #forwardFromReverse}).
 */
public final class CustomRules {
    private CustomRules() {}

    /** A rule and its primal, both found. */
    public record Pair(ExecutableElement rule, ExecutableElement primal) {}

    /** Problems with a rule's signature against its primal (empty when it matches). */
    public static List<Diagnostic> check(ExecutableElement rule, Optional<ExecutableElement> primal, Pos at) {
        String of = rule.getAnnotation(Derivative.class).of();
        if (primal.isEmpty()) {
            return List.of(Diagnostic.error(Messages.DERIVATIVE_NO_PRIMAL, at, of));
        }
        ExecutableElement p = primal.get();
        String expected = expectedSignature(rule, p);
        List<String> problems = new ArrayList<>();
        if (!p.getModifiers().contains(Modifier.STATIC) || !rule.getModifiers().contains(Modifier.STATIC)) {
            problems.add("both must be static");
        }
        for (int i = 0; i < p.getParameters().size(); i++) {
            Type want = TypeMapper.map(p.getParameters().get(i).asType());
            Type got = TypeMapper.map(rule.getParameters().get(i).asType());
            if (!want.equals(got)) {
                problems.add("parameter " + (i + 1) + " is " + got.javaName() + ", the primal's is " + want.javaName());
            }
        }
        Type result = TypeMapper.map(p.getReturnType());
        Type cot = TypeMapper.map(rule.getParameters().getLast().asType());
        if (!cot.equals(cotangentType(result))) {
            problems.add("the last parameter (the cotangent) is " + cot.javaName() + ", not "
                    + cotangentType(result).javaName());
        }
        Type ret = TypeMapper.map(rule.getReturnType());
        Type wantRet = returnType(p);
        if (wantRet == null) {
            problems.add("a rule for several Tensor inputs is not supported yet");
        } else if (!ret.equals(wantRet) && !(wantRet == Type.Prim.DOUBLE && ret == Type.Prim.FLOAT)) {
            problems.add("it returns " + ret.javaName() + ", not " + wantRet.javaName());
        }
        if (problems.isEmpty()) {
            return List.of();
        }
        return List.of(Diagnostic.error(Messages.DERIVATIVE_SIGNATURE, at, rule.getSimpleName().toString(),
                p.getSimpleName().toString(), String.join("; ", problems), expected));
    }

    private static Type cotangentType(Type result) {
        return result.isFloatingScalar() ? Type.Prim.DOUBLE : result;
    }

    /** The gradient's type: the one input's (double for scalars), or double[] for several scalars. */
    private static Type returnType(ExecutableElement primal) {
        List<Type> inputs = differentiableTypes(primal);
        if (inputs.size() == 1) {
            return inputs.getFirst().isFloatingScalar() ? Type.Prim.DOUBLE : inputs.getFirst();
        }
        return inputs.stream().allMatch(Type::isFloatingScalar) ? new Type.ArrayOf(Type.Prim.DOUBLE) : null;
    }

    private static List<Type> differentiableTypes(ExecutableElement primal) {
        Callee.UserMethod m = Signatures.userMethod(primal);
        List<Type> out = new ArrayList<>();
        for (int i = 0; i < m.paramTypes().size(); i++) {
            if (m.differentiable().get(i)) {
                out.add(m.paramTypes().get(i));
            }
        }
        return out;
    }

    private static String expectedSignature(ExecutableElement rule, ExecutableElement primal) {
        Type ret = returnType(primal);
        String params = primal.getParameters().stream()
                .map(v -> TypeMapper.map(v.asType()).javaName().replace("dev.fluxion.", "") + " " + v.getSimpleName())
                .collect(Collectors.joining(", "));
        Type cot = cotangentType(TypeMapper.map(primal.getReturnType()));
        return "static " + (ret == null ? "Tensor[]" : ret.javaName().replace("dev.fluxion.", "")) + " "
                + rule.getSimpleName() + "(" + params + (params.isEmpty() ? "" : ", ")
                + cot.javaName().replace("dev.fluxion.", "") + " g)";
    }

    /**
     * The derived method of a primal whose backward pass is a user rule: forward
     * {@code value = Owner.f(x..)}, backward {@code grad = Owner.r(x.., g)}.
     */
    public static DerivedMethod derive(ExecutableElement primal, ExecutableElement rule, String packageName,
                                       String ownerSimpleName, Pos pos) {
        Callee.UserMethod self = Signatures.userMethod(primal);
        TypeElement owner = (TypeElement) primal.getEnclosingElement();
        String ownerName = owner.getQualifiedName().toString();
        List<Param> params = new ArrayList<>();
        List<Expr> args = new ArrayList<>();
        Set<String> taken = new HashSet<>(self.paramNames());
        for (int i = 0; i < self.paramNames().size(); i++) {
            params.add(new Param(self.paramNames().get(i), self.paramTypes().get(i), self.differentiable().get(i), pos));
            args.add(new Expr.Var(self.paramNames().get(i), self.paramTypes().get(i), Pos.NONE));
        }
        Names.Scope scope = new Names.Scope(taken);
        Expr call = new Expr.Call(new Callee.Static(ownerName, self.name()), args, self.returnType(), pos);
        MethodIr method = new MethodIr(self, packageName, ownerSimpleName, false, params,
                new Stmt.Block(List.of(new Stmt.Return(call, pos)), pos), pos);
        String value = scope.fresh(Names.VALUE);
        String cotangent = scope.fresh(Names.adjoint(Names.result()));
        Type cotType = cotangentType(self.returnType());
        String grad = scope.fresh(Names.calleeGradient(rule.getSimpleName().toString()));
        Type gradType = TypeMapper.map(rule.getReturnType());
        List<Expr> ruleArgs = new ArrayList<>(args);
        ruleArgs.add(new Expr.Var(cotangent, cotType, Pos.NONE));
        Expr ruleCall = new Expr.Call(new Callee.Static(ownerName, rule.getSimpleName().toString()), ruleArgs,
                gradType, pos);
        List<DerivedMethod.Gradient> gradients = new ArrayList<>();
        Expr.Var gradVar = new Expr.Var(grad, gradType, Pos.NONE);
        int k = 0;
        long count = self.differentiable().stream().filter(b -> b).count();
        for (Param p : params) {
            if (!p.differentiable()) {
                continue;
            }
            Expr v = count == 1 ? gradVar : new Expr.ArrayRead(gradVar,
                    new Expr.Literal(Integer.toString(k++), Type.Prim.INT, Pos.NONE), Type.Prim.DOUBLE, Pos.NONE);
            gradients.add(new DerivedMethod.Gradient(p.name(), p.type(),
                    p.type() == Type.Prim.FLOAT ? new Expr.Cast(Type.Prim.FLOAT, v, Pos.NONE) : v));
        }
        List<Expr.Var> saved = new ArrayList<>();
        for (Expr a : args) {
            saved.add((Expr.Var) a);
        }
        return new DerivedMethod(method, List.of(new Stmt.Let(value, self.returnType(), call, pos)),
                new Expr.Var(value, self.returnType(), Pos.NONE), cotangent,
                List.of(new Stmt.Let(grad, gradType, ruleCall, pos)), gradients, saved,
                List.of(Names.capitalize(self.name()) + "Backward"));
    }

    /** The tangent's type of an input or result of type {@code t}: double for scalars, else {@code t}. */
    private static Type tangentType(Type t) {
        return t.isFloatingScalar() ? Type.Prim.DOUBLE : t;
    }

    /** Problems with a forward rule's signature against its primal (empty when it matches). */
    public static List<Diagnostic> checkForward(ExecutableElement rule, ExecutableElement primal, Pos at) {
        Callee.UserMethod m = Signatures.userMethod(primal);
        List<Type> want = new ArrayList<>(m.paramTypes());
        List<String> names = new ArrayList<>(m.paramNames());
        for (int i = 0; i < m.paramTypes().size(); i++) {
            if (m.differentiable().get(i)) {
                want.add(tangentType(m.paramTypes().get(i)));
                names.add(Names.tangent(m.paramNames().get(i)));
            }
        }
        Type wantRet = tangentType(m.returnType());
        List<String> problems = new ArrayList<>();
        if (!primal.getModifiers().contains(Modifier.STATIC) || !rule.getModifiers().contains(Modifier.STATIC)) {
            problems.add("both must be static");
        }
        if (rule.getParameters().size() != want.size()) {
            problems.add("it takes " + rule.getParameters().size() + " parameters, not " + want.size()
                    + " (the primal's, then one tangent per differentiable input)");
        } else {
            for (int i = 0; i < want.size(); i++) {
                Type got = TypeMapper.map(rule.getParameters().get(i).asType());
                if (!want.get(i).equals(got)) {
                    problems.add("parameter " + (i + 1) + " is " + got.javaName() + ", not " + want.get(i).javaName()
                            + (i < m.paramTypes().size() ? "" : " (the tangent of `" + names.get(i).replace("_dot", "") + "`)"));
                }
            }
        }
        Type ret = TypeMapper.map(rule.getReturnType());
        if (!ret.equals(wantRet)) {
            problems.add("it returns " + ret.javaName() + ", not " + wantRet.javaName() + " (the tangent of the result)");
        }
        if (primal.getAnnotation(dev.fluxion.annotation.Differentiable.class) != null) {
            problems.add("the primal is @Differentiable, whose forward mode is derived from its body");
        } else if (DerivativeAnnotations.ruleOf(primal).isEmpty()) {
            problems.add(primal.getSimpleName() + " has no reverse rule, which fGrad and every caller's backward pass need");
        }
        if (problems.isEmpty()) {
            return List.of();
        }
        List<String> params = new ArrayList<>();
        for (int i = 0; i < want.size(); i++) {
            params.add(want.get(i).javaName().replace("dev.fluxion.", "") + " " + names.get(i));
        }
        String expected = "static " + wantRet.javaName().replace("dev.fluxion.", "") + " " + rule.getSimpleName() + "("
                + String.join(", ", params) + "), beside a reverse rule @Derivative(of = \"" + primal.getSimpleName() + "\")";
        return List.of(Diagnostic.error(Messages.DERIVATIVE_SIGNATURE, at, rule.getSimpleName().toString(),
                primal.getSimpleName().toString(), String.join("; ", problems), expected));
    }

    /**
     * The forward mode of a primal with a forward rule: {@code value = Owner.f(x..)},
     * {@code tangent = Owner.t(x.., x_dot..)}, on the parameters of {@code reverse}'s method (the
     * primal's derived method, whose name the writer pairs it with).
     */
    public static TangentMethod deriveForward(DerivedMethod reverse, ExecutableElement rule, Pos pos) {
        MethodIr method = reverse.method();
        Callee.UserMethod self = method.self();
        Names.Scope scope = new Names.Scope(new HashSet<>(self.paramNames()));
        List<Expr> args = new ArrayList<>();
        method.params().forEach(p -> args.add(new Expr.Var(p.name(), p.type(), Pos.NONE)));
        List<Param> tangents = tangentParams(method, scope);
        List<Expr> ruleArgs = new ArrayList<>(args);
        tangents.forEach(t -> ruleArgs.add(new Expr.Var(t.name(), t.type(), Pos.NONE)));
        String owner = self.ownerQualifiedName();
        Type tangentType = tangentType(self.returnType());
        String value = scope.fresh(Names.VALUE);
        String tangent = scope.fresh(Names.tangent(Names.result()));
        List<Stmt> body = List.of(
                new Stmt.Let(value, self.returnType(), new Expr.Call(new Callee.Static(owner, self.name()), args,
                        self.returnType(), pos), pos),
                new Stmt.Let(tangent, tangentType, new Expr.Call(new Callee.Static(owner, rule.getSimpleName().toString()),
                        ruleArgs, tangentType, pos), pos));
        return new TangentMethod(method, body, new Expr.Var(value, self.returnType(), Pos.NONE),
                resultTangent(new Expr.Var(tangent, tangentType, Pos.NONE), self.returnType()), tangents);
    }

    /**
     * The forward mode of a primal with a reverse rule alone, where the result and every
     * differentiable input is a scalar: the gradient {@code r(x.., 1)} is the whole Jacobian, so the
     * tangent is {@code Σ ∂f/∂x_i · x_i_dot}, exact, for one call of the rule. Empty for any other
     * primal (a Tensor or array result needs one call of the reverse rule per element).
     */
    public static Optional<TangentMethod> forwardFromReverse(DerivedMethod reverse, ExecutableElement rule, Pos pos) {
        MethodIr method = reverse.method();
        Callee.UserMethod self = method.self();
        if (!self.returnType().isFloatingScalar() || method.differentiableParams().isEmpty()
                || !method.differentiableParams().stream().allMatch(p -> p.type().isFloatingScalar())) {
            return Optional.empty();
        }
        Names.Scope scope = new Names.Scope(new HashSet<>(self.paramNames()));
        List<Expr> args = new ArrayList<>();
        method.params().forEach(p -> args.add(new Expr.Var(p.name(), p.type(), Pos.NONE)));
        List<Param> tangents = tangentParams(method, scope);
        String owner = self.ownerQualifiedName();
        String value = scope.fresh(Names.VALUE);
        String grad = scope.fresh(Names.calleeGradient(rule.getSimpleName().toString()));
        Type gradType = TypeMapper.map(rule.getReturnType());
        List<Expr> ruleArgs = new ArrayList<>(args);
        ruleArgs.add(new Expr.Literal("1.0", Type.Prim.DOUBLE, Pos.NONE));
        List<Stmt> body = List.of(
                new Stmt.Let(value, self.returnType(), new Expr.Call(new Callee.Static(owner, self.name()), args,
                        self.returnType(), pos), pos),
                new Stmt.Let(grad, gradType, new Expr.Call(new Callee.Static(owner, rule.getSimpleName().toString()),
                        ruleArgs, gradType, pos), pos));
        Expr.Var gradVar = new Expr.Var(grad, gradType, Pos.NONE);
        Expr sum = null;
        for (int k = 0; k < tangents.size(); k++) {
            Expr partial = tangents.size() == 1 && !(gradType instanceof Type.ArrayOf) ? gradVar
                    : new Expr.ArrayRead(gradVar, new Expr.Literal(Integer.toString(k), Type.Prim.INT, Pos.NONE),
                            Type.Prim.DOUBLE, Pos.NONE);
            Expr term = new Expr.Binary(Expr.BinOp.TIMES, partial,
                    new Expr.Var(tangents.get(k).name(), tangents.get(k).type(), Pos.NONE), Type.Prim.DOUBLE, Pos.NONE);
            sum = sum == null ? term : new Expr.Binary(Expr.BinOp.PLUS, sum, term, Type.Prim.DOUBLE, Pos.NONE);
        }
        return Optional.of(new TangentMethod(method, body, new Expr.Var(value, self.returnType(), Pos.NONE),
                resultTangent(sum, self.returnType()), tangents));
    }

    /**
     * A primal's forward mode {@code t} ({@link #deriveForward}, {@link #forwardFromReverse}) as
     * second order needs it: its calls of the primal become calls of the primal's derived method (its
     * reverse rule), and its calls of a rule that is itself {@code @Differentiable} (in
     * {@code differentiable}, by key) calls of that method, so that the reverse engine derives the
     * tangent program of a caller with the primal's forward mode written into it. A rule that is not
     * {@code @Differentiable} stays a plain call, and callers then have no {@code fHvp}.
     */
    public static TangentMethod secondOrderForm(TangentMethod t, java.util.Map<String, Callee.UserMethod> differentiable) {
        Callee.UserMethod self = t.method().self();
        List<Stmt> body = new ArrayList<>();
        for (Stmt s : t.body()) {
            if (s instanceof Stmt.Let l && l.init() instanceof Expr.Call c && c.callee() instanceof Callee.Static st) {
                String key = st.ownerQualifiedName() + "#" + st.name();
                Callee.UserMethod m = key.equals(self.key()) ? self : differentiable.get(key);
                if (m != null && m.isStatic() && m.paramNames().size() == c.args().size()) {
                    s = new Stmt.Let(l.name(), l.type(), new Expr.Call(new Callee.User(m), c.args(), c.type(), c.pos()),
                            l.pos());
                }
            }
            body.add(s);
        }
        return new TangentMethod(t.method(), body, t.value(), t.tangent(), t.tangents(), t.tangentOf());
    }

    /** One tangent parameter per differentiable parameter, {@code x_dot}, of its type (as {@code fJvp} takes them). */
    private static List<Param> tangentParams(MethodIr method, Names.Scope scope) {
        List<Param> tangents = new ArrayList<>();
        for (Param p : method.params()) {
            if (p.differentiable()) {
                tangents.add(new Param(scope.fresh(Names.tangent(p.name())), p.type(), true, p.pos()));
            }
        }
        return tangents;
    }

    private static Expr resultTangent(Expr tangent, Type result) {
        return result == Type.Prim.FLOAT ? new Expr.Cast(Type.Prim.FLOAT, tangent, Pos.NONE) : tangent;
    }
}
