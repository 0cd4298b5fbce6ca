package dev.fluxion;

import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.UnaryOp;

/**
 * The expression of a fused elementwise group ({@link Fused}), parsed once per distinct text. Public
 * for the {@link DeviceBackend}s, which compile a group into one kernel
 * ({@link DeviceBackend#fused}); user code writes the text and calls {@link Fused#map}.
 *
 * <p>Grammar: {@code + - * /} with the usual precedence, unary {@code -}, parentheses, tensor
 * operands {@code t0, t1, ...}, scalar operands {@code s0, s1, ...} (the {@code double[]}), number
 * literals ({@code 2.0}, {@code 1.0E-5}, {@code Infinity}, {@code NaN}) and calls
 * {@code name(arg, ...)}. Each name is one runtime op, computed by the same row kernel the
 * unfused op calls; a scalar operand takes the dtype of the tensor it meets, as {@code x.plus(c)}.
 */
public sealed interface FusedExpr {

    /** The i-th tensor operand. */
    record Input(int index) implements FusedExpr {}

    /** A number, from a literal ({@code scalarIndex} −1) or from the i-th scalar operand. */
    record Scalar(double literal, int scalarIndex) implements FusedExpr {}

    /** {@code op(x; p, q)}; {@code name} is the runtime op's name, for error messages. */
    record Unary(String name, UnaryOp op, double p, double q, FusedExpr x) implements FusedExpr {}

    /** {@code op(a, b)}, at most one of them a {@link Scalar}. */
    record Binary(String name, BinaryOp op, FusedExpr a, FusedExpr b) implements FusedExpr {}

    /** {@code Derivatives.unbroadcast(x, t_index)}: x summed down to an operand's shape and dtype. */
    record Unbroadcast(FusedExpr x, int index) implements FusedExpr {}

    /** A reduction over all elements, only at the root: {@code sum(x)} or {@code mean(x)}. */
    record Reduce(boolean mean, FusedExpr x) implements FusedExpr {}

    /**
     * The parsed expression of {@code text} (the grammar above), cached by text.
     *
     * @throws IllegalArgumentException naming the position where the text does not parse
     */
    static FusedExpr parse(String text) {
        return FusedExprParser.parse(text);
    }
}
