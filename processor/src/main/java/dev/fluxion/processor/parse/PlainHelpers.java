package dev.fluxion.processor.parse;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * Calls to plain (not {@code @Differentiable}) static helpers on primitives and primitive arrays,
 * such as {@code lgamma(d)} or {@code wishartConstant(d, gamma, m)}, and the {@code Tensor} factories
 * on such data ({@code Tensor.of(1, 0.5)}, {@code Tensor.fromArray(table, 2, 2)}, {@code Tensor.ones(DType.FLOAT64, 1)}):
 * a {@link Callee.Static} call
 * the generated code makes as written. Its value carries no gradient, so {@code check} accepts it
 * only where every argument is a constant or {@code @NoGrad} data
 * ({@code Messages.PLAIN_HELPER_ARGUMENT} otherwise).
 */
final class PlainHelpers {
    private PlainHelpers() {}

    /** The call of {@code m} with {@code args}, or null where {@code m} is not such a helper or does not fit. */
    static Expr call(ExecutableElement m, List<Expr> args, Pos pos) {
        String owner = ((TypeElement) m.getEnclosingElement()).getQualifiedName().toString();
        boolean factory = owner.equals(Type.TENSOR_CLASS);
        int fixed = m.isVarArgs() ? m.getParameters().size() - 1 : m.getParameters().size();
        if (!m.getModifiers().contains(Modifier.STATIC) || m.getModifiers().contains(Modifier.PRIVATE)
                || (m.isVarArgs() ? args.size() < fixed : args.size() != fixed)) {
            return null;
        }
        Type result = TypeMapper.map(m.getReturnType());
        if (!(plain(result) || factory && result.isTensor()) || result == Type.Prim.VOID) {
            return null;
        }
        for (int i = 0; i < args.size(); i++) {
            Type param = TypeMapper.map(m.getParameters().get(Math.min(i, m.getParameters().size() - 1)).asType());
            if (i >= fixed && param instanceof Type.ArrayOf varargs
                    && !(args.size() == fixed + 1 && fits(args.get(i).type(), param))) {
                param = varargs.element();
            }
            if (!(plain(param) || factory && param instanceof Type.Declared) || !fits(args.get(i).type(), param)) {
                return null;
            }
        }
        return new Expr.Call(new Callee.Static(owner, m.getSimpleName().toString()), args, result, pos);
    }

    private static boolean plain(Type t) {
        return t instanceof Type.Prim p && p != Type.Prim.ERROR || t instanceof Type.ArrayOf;
    }

    /** Whether an argument of type {@code arg} can be passed as {@code param} (identity or widening). */
    private static boolean fits(Type arg, Type param) {
        if (arg.equals(param)) {
            return true;
        }
        if (!arg.isNumeric() || !param.isNumeric()) {
            return false;
        }
        return Type.promote(arg, param) == param && !(param == Type.Prim.INT && arg == Type.Prim.LONG);
    }
}
