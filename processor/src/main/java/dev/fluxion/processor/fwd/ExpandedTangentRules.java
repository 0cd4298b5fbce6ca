package dev.fluxion.processor.fwd;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import java.util.List;
import java.util.Optional;

/**
 * The tensor tangent rules written in operations the reverse engine differentiates, for
 * {@code fDirectional}, whose gradient is the Hessian-vector product. {@code fJvp} calls
 * {@code Tangents.bce(t, p, y, MEAN, out)} and {@code Derivatives.sigmoidGrad(t, x, out)}, runtime
 * rules with no reverse rule of their own; here each becomes the same math in tensor operations,
 * {@code p.minus(y).div(p.times(p.rsub(1))).times(t).mean()} and {@code t.times(out.times(out.rsub(1)))},
 * so the second derivative comes from the first-order rules of those operations. A rule without an
 * expansion leaves the method without an {@code fHvp}.
 * <p>
 * Each expansion equals its runtime rule (tested against it on random inputs) except where the
 * runtime guards a division: {@code bce}'s denominator is not clamped at {@code 1e-12} here.
 */
public final class ExpandedTangentRules {
    private static final String DERIVATIVES = "dev.fluxion.Derivatives";
    private static final String REDUCTION = "dev.fluxion.Reduction";

    private ExpandedTangentRules() {}

    /** Tests only: replaces expansions (null keeps the table's), to prove verification catches a wrong one. */
    @FunctionalInterface
    public interface Override {
        /** The expansion of {@code owner.name(args)}, or null. */
        Expr expansion(String owner, String name, List<Expr> args);
    }

    private static volatile Override override;

    /** Tests only: replaces expansions with {@code o} until the returned handle is closed. */
    public static AutoCloseable overrideForTesting(Override o) {
        override = o;
        return () -> override = null;
    }

    /** {@code e} with every runtime tangent rule expanded, or empty where one has no expansion. */
    public static Optional<Expr> expand(Expr e) {
        try {
            return Optional.of(Exprs.map(e, ExpandedTangentRules::expandCall));
        } catch (NoExpansion x) {
            return Optional.empty();
        }
    }

    /** Thrown inside {@link #expand} for a rule without an expansion. */
    private static final class NoExpansion extends RuntimeException {
        NoExpansion() {
            super(null, null, false, false);
        }
    }

    private static Expr expandCall(Expr e) {
        if (!(e instanceof Expr.Call c) || !(c.callee() instanceof Callee.Static s)) {
            return e;
        }
        List<Expr> a = c.args();
        Override o = override;
        Expr injected = o == null ? null : o.expansion(s.ownerQualifiedName(), s.name(), a);
        if (injected != null) {
            return injected;
        }
        Expr rule = switch (s.ownerQualifiedName()) {
            case TangentRules.TANGENTS -> tangent(s.name(), a);
            case DERIVATIVES -> derivative(s.name(), a);
            default -> null;
        };
        if (rule == null) {
            throw new NoExpansion();
        }
        return rule;
    }

    /** {@code Derivatives.fGrad(t, x, out)} of an elementwise op: {@code t · f'(x)}. */
    private static Expr derivative(String name, List<Expr> a) {
        Expr t = a.get(0);
        Expr x = a.get(1);
        Expr out = a.size() > 2 ? a.get(2) : null;
        return switch (name) {
            case "negGrad" -> op(Op.NEG, t);
            case "expGrad" -> op(Op.TIMES, t, out);
            case "logGrad" -> op(Op.DIV, t, x);
            case "log1pGrad" -> op(Op.DIV, t, op(Op.PLUS_SCALAR, x, num(1)));
            case "sqrtGrad" -> op(Op.DIV, t, op(Op.TIMES_SCALAR, out, num(2)));
            case "squareGrad" -> op(Op.TIMES, t, op(Op.TIMES_SCALAR, x, num(2)));
            case "sigmoidGrad" -> op(Op.TIMES, t, op(Op.TIMES, out, op(Op.RSUB, out, num(1))));
            case "tanhGrad" -> op(Op.TIMES, t, op(Op.RSUB, op(Op.SQUARE, out), num(1)));
            case "sinGrad" -> op(Op.TIMES, t, op(Op.COS, x));
            case "cosGrad" -> op(Op.NEG, op(Op.TIMES, t, op(Op.SIN, x)));
            case "softplusGrad" -> op(Op.TIMES, t, op(Op.SIGMOID, x));
            // The masks are predicates: constants to the reverse engine, as the second derivative is 0.
            case "reluGrad" -> op(Op.TIMES, t, op(Op.GT_SCALAR, x, num(0)));
            case "absGrad" -> op(Op.TIMES, t, op(Op.MINUS, op(Op.GT_SCALAR, x, num(0)), op(Op.LT_SCALAR, x, num(0))));
            case "powScalarGrad" -> op(Op.TIMES, t, op(Op.TIMES_SCALAR, op(Op.POW_SCALAR, x,
                    new Expr.Binary(Expr.BinOp.MINUS, out, num(1), Type.Prim.DOUBLE, Pos.NONE)), out));
            default -> null;
        };
    }

    /** {@code Tangents.name(t, …)}: the contribution of one input's tangent {@code t}. */
    private static Expr tangent(String name, List<Expr> a) {
        Expr t = a.get(0);
        return switch (name) {
            // t broadcast to out's shape: the reverse of the addition sums it back.
            case "broadcast" -> op(Op.PLUS, op(Op.ZEROS_LIKE, a.get(1)), t);
            case "fill" -> op(Op.PLUS_SCALAR, op(Op.ZEROS_LIKE, a.get(1)), t);
            case "divB" -> op(Op.NEG, op(Op.DIV, op(Op.TIMES, a.get(2), t), a.get(1)));
            case "rdiv" -> op(Op.NEG, op(Op.DIV, op(Op.TIMES, a.get(2), t), a.get(1)));
            case "softmax" -> op(Op.TIMES, a.get(1), op(Op.MINUS, t, sumKeep(op(Op.TIMES, a.get(1), t), a.get(2))));
            case "logSoftmax" -> op(Op.MINUS, t, sumKeep(op(Op.TIMES, op(Op.EXP, a.get(1)), t), a.get(2)));
            case "logSumExp" -> a.size() == 3
                    ? op(Op.SUM, op(Op.TIMES, t, op(Op.EXP, op(Op.MINUS, a.get(1), a.get(2))))) : null;
            case "mseA" -> reduced(op(Op.TIMES, op(Op.TIMES_SCALAR, op(Op.MINUS, a.get(1), a.get(2)), num(2)), t),
                    a.get(3));
            case "mseB" -> reduced(op(Op.TIMES, op(Op.TIMES_SCALAR, op(Op.MINUS, a.get(2), a.get(1)), num(2)), t),
                    a.get(3));
            case "bce" -> reduced(op(Op.TIMES, op(Op.DIV, op(Op.MINUS, a.get(1), a.get(2)),
                    op(Op.TIMES, a.get(1), op(Op.RSUB, a.get(1), num(1)))), t), a.get(3));
            case "bceWithLogits" -> reduced(op(Op.TIMES, op(Op.MINUS, op(Op.SIGMOID, a.get(1)), a.get(2)), t),
                    a.get(3));
            default -> null;
        };
    }

    /** The elementwise contributions {@code e} reduced as the loss is: mean, sum, or none. */
    private static Expr reduced(Expr e, Expr reduction) {
        if (!(reduction instanceof Expr.EnumConst r) || !r.ownerQualifiedName().equals(REDUCTION)) {
            return null;
        }
        return switch (r.name()) {
            case "MEAN" -> op(Op.MEAN, e);
            case "SUM" -> op(Op.SUM, e);
            case "NONE" -> e;
            default -> null;
        };
    }

    private static Expr sumKeep(Expr e, Expr dim) {
        return op(Op.SUM_DIM_KEEP, e, dim, new Expr.Literal("true", Type.Prim.BOOLEAN, Pos.NONE));
    }

    /** The known operation {@code op} on {@code args}: a tensor. */
    public static Expr op(Op op, Expr... args) {
        for (Expr x : args) {
            if (x == null) {
                throw new NoExpansion();
            }
        }
        return new Expr.Call(new Callee.Known(op), List.of(args), Type.TENSOR, Pos.NONE);
    }

    private static Expr num(double v) {
        return new Expr.Literal(Double.toString(v), Type.Prim.DOUBLE, Pos.NONE);
    }
}
