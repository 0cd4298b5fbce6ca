package dev.fluxion.processor.diff;

import static dev.fluxion.processor.diff.Build.add;
import static dev.fluxion.processor.diff.Build.bool;
import static dev.fluxion.processor.diff.Build.choose;
import static dev.fluxion.processor.diff.Build.cmp;
import static dev.fluxion.processor.diff.Build.div;
import static dev.fluxion.processor.diff.Build.intArray;
import static dev.fluxion.processor.diff.Build.math;
import static dev.fluxion.processor.diff.Build.meanReduction;
import static dev.fluxion.processor.diff.Build.mul;
import static dev.fluxion.processor.diff.Build.neg;
import static dev.fluxion.processor.diff.Build.num;
import static dev.fluxion.processor.diff.Build.op;
import static dev.fluxion.processor.diff.Build.rule;
import static dev.fluxion.processor.diff.Build.scalarRule;
import static dev.fluxion.processor.diff.Build.sub;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * The one table of derivative rules: for each operation and each differentiable argument, the
 * expression of that argument's cotangent contribution in terms of the result's cotangent
 * {@code g}, the arguments, and the result {@code out}. Tensor rules call the runtime's
 * {@code Derivatives}; scalar rules are written out.
 */
public final class DerivativeRules {
    private DerivativeRules() {}

    /**
     * A replacement for the table's rules, for tests only: they inject a deliberately wrong rule
     * to prove that compile-time verification catches it. It returns null to keep a rule.
     */
    @FunctionalInterface
    public interface RuleOverride {
        /** The contribution to argument {@code i} of {@code op(args)}, or null for the table's. */
        Expr rule(Op op, int i, Expr g, List<Expr> args, Expr out);
    }

    private static volatile RuleOverride override;

    /** Tests only: replaces rules with {@code o} until the returned handle is closed. */
    public static AutoCloseable overrideForTesting(RuleOverride o) {
        override = o;
        return () -> override = null;
    }

    /** The contribution to argument {@code i} of {@code left op right}. */
    public static Expr binary(Expr.BinOp op, int i, Expr g, Expr l, Expr r, Expr out) {
        return switch (op) {
            case PLUS -> g;
            case MINUS -> i == 0 ? g : neg(g);
            case TIMES -> mul(g, i == 0 ? r : l);
            case DIVIDE -> i == 0 ? div(g, r) : neg(div(mul(g, out), r)); // d(l/r)/dr = -out/r
            default -> throw new IllegalArgumentException("no derivative for " + op);
        };
    }

    /** The contribution to argument {@code i} of the known operation {@code op(args)}. */
    public static Expr known(Op op, int i, Expr g, List<Expr> a, Expr out) {
        RuleOverride o = override;
        Expr injected = o == null ? null : o.rule(op, i, g, a, out);
        if (injected != null) {
            return injected;
        }
        return table(op, i, g, a, out);
    }

    /**
     * The table's rule, never a test's override: forward mode shares the scalar and elementwise
     * rules, and a test that injects a wrong reverse rule must not change them.
     */
    public static Expr table(Op op, int i, Expr g, List<Expr> a, Expr out) {
        Expr x = a.get(0);
        return switch (op) {
            // java.lang.Math, as expressions.
            case MATH_EXP -> mul(g, out);
            case MATH_EXPM1 -> mul(g, add(out, num(1)));
            case MATH_LOG -> div(g, x);
            case MATH_LOG1P -> div(g, add(num(1), x));
            case MATH_LOG10 -> div(g, mul(x, num(Math.log(10))));
            case MATH_SQRT -> div(g, mul(num(2), out));
            case MATH_CBRT -> div(g, mul(num(3), mul(out, out)));
            // As PyTorch's pow: d/dx is 0 where y = 0, d/dy is 0 where x = 0 and y ≥ 0 (not 0 · -∞).
            case MATH_POW -> i == 0
                    ? powBase(g, x, a.get(1))
                    : choose(cmp(Expr.BinOp.AND, cmp(Expr.BinOp.EQ, x, num(0)), cmp(Expr.BinOp.GE, a.get(1), num(0))),
                            num(0), mul(mul(g, out), math(Op.MATH_LOG, x)));
            case MATH_SIN -> mul(g, math(Op.MATH_COS, x));
            case MATH_COS -> neg(mul(g, math(Op.MATH_SIN, x)));
            case MATH_TAN -> mul(g, add(num(1), mul(out, out)));
            case MATH_ASIN -> div(g, math(Op.MATH_SQRT, sub(num(1), mul(x, x))));
            case MATH_ACOS -> neg(div(g, math(Op.MATH_SQRT, sub(num(1), mul(x, x)))));
            case MATH_ATAN -> div(g, add(num(1), mul(x, x)));
            case MATH_ATAN2 -> { // atan2(y, x): d/dy = x / (x² + y²), d/dx = -y / (x² + y²)
                Expr y = a.get(0);
                Expr xx = a.get(1);
                Expr r2 = add(mul(xx, xx), mul(y, y));
                yield i == 0 ? div(mul(g, xx), r2) : neg(div(mul(g, y), r2));
            }
            case MATH_SINH -> mul(g, math(Op.MATH_COSH, x));
            case MATH_COSH -> mul(g, math(Op.MATH_SINH, x));
            case MATH_TANH -> mul(g, sub(num(1), mul(out, out)));
            // x/√(x² + y²), and 0 at the origin (a kink: the subgradient 0, not 0/0 = NaN, as abs).
            case MATH_HYPOT -> choose(cmp(Expr.BinOp.EQ, out, num(0)), num(0), div(mul(g, a.get(i)), out));
            case MATH_ABS -> mul(g, math(Op.MATH_SIGNUM, x)); // 0 at 0, as PyTorch
            // To the side Math.max/min returned; on a tie half to each, as PyTorch's maximum/minimum.
            case MATH_MAX -> tieSplit(i == 0 ? Expr.BinOp.GT : Expr.BinOp.LT, g, x, a.get(1));
            case MATH_MIN -> tieSplit(i == 0 ? Expr.BinOp.LT : Expr.BinOp.GT, g, x, a.get(1));
            // Tensor ⊕ tensor.
            case PLUS, MINUS, TIMES, DIV -> rule(op.javaName() + "Grad" + (i == 0 ? "A" : "B"), g, x, a.get(1));
            case POW -> i == 0 ? rule("powGradA", g, x, a.get(1)) : rule("powGradB", g, x, a.get(1), out);
            // Tensor ⊕ scalar; a differentiable double operand gets a double gradient.
            case PLUS_SCALAR -> i == 0 ? g : scalarRule("sumGrad", g);
            case MINUS_SCALAR -> i == 0 ? g : neg(scalarRule("sumGrad", g));
            case TIMES_SCALAR -> i == 0 ? rule("timesScalarGrad", g, a.get(1)) : scalarRule("dotGrad", g, x);
            case DIV_SCALAR -> i == 0 ? rule("divScalarGrad", g, a.get(1))
                    : scalarRule("divScalarOperandGrad", g, x, a.get(1));
            case POW_SCALAR -> i == 0 ? rule("powScalarGrad", g, x, a.get(1)) : scalarRule("powExponentGrad", g, x, out);
            case RSUB -> i == 0 ? rule("negGrad", g, x, out) : scalarRule("sumGrad", g);
            case RDIV -> i == 0 ? rule("rdivGrad", g, x, a.get(1))
                    : scalarRule("dotGrad", g, op(Op.RDIV, Type.TENSOR, x, num(1)));
            case SCALAR -> scalarRule("sumGrad", g);
            // Unary, all (g, x, out).
            case NEG, UNARY_MINUS -> rule("negGrad", g, x, out);
            case ABS, EXP, LOG, LOG1P, SQRT, SQUARE, SIGMOID, TANH, RELU, GELU, SOFTPLUS, SIN, COS ->
                    rule(op.javaName() + "Grad", g, x, out);
            case LEAKY_RELU -> rule("leakyReluGrad", g, x, a.get(1));
            case CLAMP -> rule("clampGrad", g, x, a.get(1), a.get(2));
            case WHERE -> i == 1 ? rule("whereGradA", g, x, a.get(1)) : rule("whereGradB", g, x, a.get(2));
            // Reductions.
            case SUM, MEAN -> rule(op.javaName() + "Grad", g, x);
            case SUM_DIM, MEAN_DIM -> rule(op.javaName() + "Grad", g, x, intArray(a.get(1)), bool(false));
            case SUM_DIM_KEEP, MEAN_DIM_KEEP -> rule(op.javaName() + "Grad", g, x, intArray(a.get(1)), a.get(2));
            case SUM_DIMS, MEAN_DIMS -> rule(op.javaName() + "Grad", g, x, a.get(1), a.get(2));
            case MAX, MIN, NORM, LOG_SUM_EXP -> rule(op.javaName() + "Grad", g, x, out);
            case MAX_DIM, MIN_DIM, LOG_SUM_EXP_DIM -> rule(op.javaName() + "Grad", g, x, out, a.get(1), bool(false));
            case MAX_DIM_KEEP, MIN_DIM_KEEP, NORM_DIM_KEEP, LOG_SUM_EXP_DIM_KEEP ->
                    rule(op.javaName() + "Grad", g, x, out, a.get(1), a.get(2));
            // Linear algebra: linear(x, W, b) = x·Wᵀ + b.
            case MATMUL -> rule(i == 0 ? "matmulGradA" : "matmulGradB", g, x, a.get(1));
            case LINEAR -> switch (i) {
                case 0 -> rule("matmulGradA", g, x, op(Op.T, Type.TENSOR, a.get(1)));
                case 1 -> op(Op.T, Type.TENSOR, rule("matmulGradB", g, x, op(Op.T, Type.TENSOR, a.get(1))));
                // Linear layers may have no bias.
                default -> choose(cmp(Expr.BinOp.EQ, a.get(2), nullTensor()), nullTensor(), rule("unbroadcast", g,
                        a.get(2)));
            };
            // Shapes.
            case TRANSPOSE -> rule("transposeGrad", g, a.get(1), a.get(2));
            case T -> rule("tGrad", g);
            case RESHAPE, VIEW -> rule("reshapeGrad", g, x);
            case SQUEEZE, SQUEEZE_DIM -> rule("squeezeGrad", g, x);
            case UNSQUEEZE -> rule("unsqueezeGrad", g, x, a.get(1));
            case EXPAND -> rule("expandGrad", g, x);
            case SLICE -> rule("sliceGrad", g, x, a.get(1), a.get(2), a.get(3), new Expr.Literal("1", Type.Prim.INT,
                    dev.fluxion.processor.ir.Pos.NONE));
            case SLICE_STEP -> rule("sliceGrad", g, x, a.get(1), a.get(2), a.get(3), a.get(4));
            case GET -> rule("getGrad", prepend(g, a));
            case INDEX -> rule("indexGrad", g, x, a.get(1), a.get(2));
            case GATHER -> rule("gatherGrad", g, x, a.get(1), a.get(2));
            case CAT, STACK -> {
                List<Expr> args = new ArrayList<>(List.of(g, x, new Expr.Literal(Integer.toString(i - 1),
                        Type.Prim.INT, dev.fluxion.processor.ir.Pos.NONE)));
                if (op == Op.CAT) {
                    args.addAll(a.subList(1, a.size()));
                }
                yield rule(op.javaName() + "Grad", args);
            }
            case TO_FLOAT, TO_DOUBLE -> rule("castGrad", g, x);
            case CONTIGUOUS, COPY -> g;
            case SOFTMAX, LOG_SOFTMAX -> rule(op.javaName() + "Grad", g, out, a.get(1));
            // Losses.
            case MSE, MSE_R -> rule(i == 0 ? "mseGradA" : "mseGradB", g, x, a.get(1), reduction(a));
            case BCE, BCE_R, BCE_WITH_LOGITS, BCE_WITH_LOGITS_R, CROSS_ENTROPY, CROSS_ENTROPY_R, NLL_LOSS, NLL_LOSS_R ->
                    rule(lossRule(op), g, x, a.get(1), reduction(a));
            default -> throw new IllegalArgumentException("no derivative rule for " + op);
        };
    }

    /** {@code x wins y ? g : x == y ? g * 0.5 : 0}: the contribution of one side of max or min. */
    private static Expr tieSplit(Expr.BinOp wins, Expr g, Expr x, Expr y) {
        return choose(cmp(wins, x, y), g, choose(cmp(Expr.BinOp.EQ, x, y), mul(g, num(0.5)), num(0)));
    }

    private static Expr nullTensor() {
        return new Expr.Literal("null", Type.TENSOR, dev.fluxion.processor.ir.Pos.NONE);
    }

    private static String lossRule(Op op) {
        String name = op.javaName();
        return name + "Grad";
    }

    private static Expr reduction(List<Expr> a) {
        return a.size() > 2 ? a.get(2) : meanReduction();
    }

    private static List<Expr> prepend(Expr g, List<Expr> a) {
        List<Expr> out = new ArrayList<>();
        out.add(g);
        out.addAll(a);
        return out;
    }

    /**
     * ∂ pow(x, c)/∂x: 0 where c = 0 (PyTorch's convention, also at x = 0), else c·x^(c−1).
     * A literal exponent is folded: {@code g * 2.0 * x} for a square, bit for bit what the
     * general form computes ({@code Math.pow(x, 1.0)} is {@code x}).
     */
    private static Expr powBase(Expr g, Expr x, Expr c) {
        Double k = c instanceof Expr.Literal l ? literalValue(l.text()) : null;
        if (k == null) {
            return choose(cmp(Expr.BinOp.EQ, c, num(0)), num(0), mul(mul(g, c), math(Op.MATH_POW, x, sub(c, num(1)))));
        }
        if (k == 0) {
            return num(0);
        }
        if (k == 1) {
            return g;
        }
        return mul(mul(g, c), k == 2 ? x : math(Op.MATH_POW, x, num(k - 1)));
    }

    private static Double literalValue(String text) {
        try {
            double v = Double.parseDouble(text);
            return Double.isFinite(v) ? v : null;
        } catch (NumberFormatException notADecimal) {
            return null;
        }
    }
}
