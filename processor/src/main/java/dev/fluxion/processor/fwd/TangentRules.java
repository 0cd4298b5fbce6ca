package dev.fluxion.processor.fwd;

import dev.fluxion.processor.diff.DerivativeRules;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * The forward-mode rules: for each operation and each differentiable argument, that argument's
 * contribution to the tangent of the result, given the argument's tangent {@code t}, the
 * arguments and the result {@code out}. The tangent of the result is the sum of the contributions.
 * <p>
 * Where the math is the same as the reverse rule it is the reverse rule: for scalar code the
 * contribution of {@code t} is the reverse rule with cotangent {@code t} (a scalar derivative is its
 * own transpose), and for elementwise unary tensor operations {@code Derivatives.expGrad(t, x, out)}
 * (a diagonal Jacobian). Linear operations apply themselves to the tangent; the others call
 * {@code dev.fluxion.Tangents}.
 */
public final class TangentRules {
    static final String TANGENTS = "dev.fluxion.Tangents";
    private static final String DERIVATIVES = "dev.fluxion.Derivatives";

    private TangentRules() {}

    /** Tests only: replaces rules (null keeps the table's), to prove verification catches a wrong one. */
    @FunctionalInterface
    public interface RuleOverride {
        /** The contribution of argument {@code i}'s tangent {@code t} to {@code op(args)}, or null. */
        Expr rule(Op op, int i, Expr t, List<Expr> args, Expr out);
    }

    private static volatile RuleOverride override;

    /** Tests only: replaces rules with {@code o} until the returned handle is closed. */
    public static AutoCloseable overrideForTesting(RuleOverride o) {
        override = o;
        return () -> override = null;
    }

    /** The contribution of operand {@code i}'s tangent to {@code left op right} (scalars). */
    static Expr binary(Expr.BinOp op, int i, Expr t, Expr l, Expr r, Expr out) {
        return DerivativeRules.binary(op, i, t, l, r, out);
    }

    /** Whether the tangent of {@code op} is the op applied to the tangents of all its tensor operands at once. */
    static boolean isJoint(Op op) {
        return op == Op.CAT || op == Op.STACK;
    }

    /** The contribution of argument {@code i}'s tangent {@code t} to the tangent of {@code op(a)}. */
    static Expr known(Op op, int i, Expr t, List<Expr> a, Expr out) {
        RuleOverride o = override;
        Expr injected = o == null ? null : o.rule(op, i, t, a, out);
        if (injected != null) {
            return injected;
        }
        if (op.style() == Op.Style.MATH) {
            return DerivativeRules.table(op, i, t, a, out);
        }
        Expr x = a.get(0);
        return switch (op) {
            case PLUS -> tangents("broadcast", t, out);
            case MINUS -> i == 0 ? tangents("broadcast", t, out) : tensor(Op.NEG, tangents("broadcast", t, out));
            case TIMES -> i == 0 ? tensor(Op.TIMES, t, a.get(1)) : tensor(Op.TIMES, x, t);
            case DIV -> i == 0 ? tensor(Op.DIV, t, a.get(1)) : tangents("divB", t, a.get(1), out);
            case POW -> i == 0 ? tangents("powA", t, x, a.get(1)) : tangents("powB", t, x, a.get(1), out);
            case PLUS_SCALAR -> i == 0 ? t : tangents("fill", t, out);
            case MINUS_SCALAR -> i == 0 ? t : tangents("fill", neg(t), out);
            case TIMES_SCALAR -> i == 0 ? tensor(Op.TIMES_SCALAR, t, a.get(1)) : tensor(Op.TIMES_SCALAR, x, t);
            case DIV_SCALAR -> i == 0 ? tensor(Op.DIV_SCALAR, t, a.get(1))
                    : tensor(Op.TIMES_SCALAR, out, neg(div(t, a.get(1))));
            case POW_SCALAR -> i == 0 ? derivatives("powScalarGrad", t, x, a.get(1))
                    : tangents("powExponent", t, x, out);
            case RSUB -> i == 0 ? tensor(Op.NEG, t) : tangents("fill", t, out);
            case RDIV -> i == 0 ? tangents("rdiv", t, x, out) : tensor(Op.RDIV, x, t);
            case SCALAR -> new Expr.Call(new Callee.Known(Op.SCALAR), List.of(t), Type.TENSOR, Pos.NONE);
            case NEG, UNARY_MINUS -> tensor(Op.NEG, t);
            // Diagonal Jacobians: the reverse rule is the tangent rule.
            case ABS, EXP, LOG, LOG1P, SQRT, SQUARE, SIGMOID, TANH, RELU, GELU, SOFTPLUS, SIN, COS, LEAKY_RELU, CLAMP ->
                    DerivativeRules.table(op, i, t, a, out);
            case WHERE -> tangents(i == 1 ? "whereA" : "whereB", t, x, out);
            // Linear in their tensor operand: the op applied to the tangent.
            case SUM, SUM_DIM, SUM_DIM_KEEP, SUM_DIMS, MEAN, MEAN_DIM, MEAN_DIM_KEEP, MEAN_DIMS, TRANSPOSE, T, RESHAPE,
                 SQUEEZE, SQUEEZE_DIM, UNSQUEEZE, EXPAND, SLICE, SLICE_STEP, GET, INDEX, GATHER, TO_FLOAT, TO_DOUBLE,
                 CONTIGUOUS, COPY -> withFirst(op, t, a);
            case VIEW -> withFirst(Op.RESHAPE, t, a); // a tangent need not be viewable the same way
            case MAX, MIN, NORM, LOG_SUM_EXP -> tangents(op.javaName(), t, x, out);
            case MAX_DIM, MIN_DIM, LOG_SUM_EXP_DIM -> tangents(op.javaName(), t, x, out, a.get(1), bool(false));
            case MAX_DIM_KEEP, MIN_DIM_KEEP, NORM_DIM_KEEP, LOG_SUM_EXP_DIM_KEEP ->
                    tangents(op.javaName(), t, x, out, a.get(1), a.get(2));
            case MATMUL -> i == 0 ? tensor(Op.MATMUL, t, a.get(1)) : tensor(Op.MATMUL, x, t);
            case LINEAR -> switch (i) {
                case 0 -> tensor(Op.MATMUL, t, tensor(Op.T, a.get(1)));
                case 1 -> tensor(Op.MATMUL, x, tensor(Op.T, t));
                default -> tangents("broadcast", t, out);
            };
            case SOFTMAX, LOG_SOFTMAX -> tangents(op.javaName(), t, out, a.get(1));
            case MSE, MSE_R -> tangents(i == 0 ? "mseA" : "mseB", t, x, a.get(1), reduction(a), out);
            case BCE, BCE_R, BCE_WITH_LOGITS, BCE_WITH_LOGITS_R, CROSS_ENTROPY, CROSS_ENTROPY_R, NLL_LOSS, NLL_LOSS_R ->
                    tangents(op.javaName(), t, x, a.get(1), reduction(a), out);
            default -> throw new ForwardMode.Unsupported("no tangent rule for " + op);
        };
    }

    /**
     * {@code cat}/{@code stack} of the tangents: {@code tangents.get(k)} for argument {@code k}
     * (null where it has none: a zero tensor of its shape).
     */
    static Expr joint(Op op, List<Expr> a, List<Expr> tangents) {
        List<Expr> args = new ArrayList<>();
        args.add(a.get(0)); // the dim
        for (int k = 1; k < a.size(); k++) {
            Expr t = tangents.get(k);
            args.add(t != null ? t : new Expr.Call(new Callee.Known(Op.ZEROS_LIKE), List.of(a.get(k)), Type.TENSOR,
                    Pos.NONE));
        }
        return new Expr.Call(new Callee.Known(op), args, Type.TENSOR, Pos.NONE);
    }

    private static Expr withFirst(Op op, Expr t, List<Expr> a) {
        List<Expr> args = new ArrayList<>(a);
        args.set(0, t);
        return new Expr.Call(new Callee.Known(op), args, Type.TENSOR, Pos.NONE);
    }

    private static Expr tensor(Op op, Expr... args) {
        return new Expr.Call(new Callee.Known(op), List.of(args), Type.TENSOR, Pos.NONE);
    }

    private static Expr tangents(String name, Expr... args) {
        return new Expr.Call(new Callee.Static(TANGENTS, name), List.of(args), Type.TENSOR, Pos.NONE);
    }

    private static Expr derivatives(String name, Expr... args) {
        return new Expr.Call(new Callee.Static(DERIVATIVES, name), List.of(args), Type.TENSOR, Pos.NONE);
    }

    private static Expr neg(Expr e) {
        return new Expr.Unary(Expr.UnOp.NEG, e, Type.Prim.DOUBLE, Pos.NONE);
    }

    private static Expr div(Expr a, Expr b) {
        return new Expr.Binary(Expr.BinOp.DIVIDE, a, b, Type.Prim.DOUBLE, Pos.NONE);
    }

    private static Expr bool(boolean b) {
        return new Expr.Literal(Boolean.toString(b), Type.Prim.BOOLEAN, Pos.NONE);
    }

    private static Expr reduction(List<Expr> a) {
        return a.size() > 2 ? a.get(2) : new Expr.EnumConst("dev.fluxion.Reduction", "MEAN", Pos.NONE);
    }
}
