package dev.fluxion.kernel;

/**
 * Elementwise functions of two arguments, each with its scalar reference {@link #apply}.
 *
 * <p>The {@code *_BACKWARD} ops are fused derivative rules: {@code a} is the cotangent g and
 * {@code b} the saved input or output, so a backward step reads both arrays once.
 */
public enum BinaryOp {
    /** a + b. */
    PLUS,
    /** a − b. */
    MINUS,
    /** a · b. */
    TIMES,
    /** a / b. */
    DIV,
    /** a^b. */
    POW,
    /** max(a, b) (NaN if either is NaN). */
    MAX,
    /** min(a, b) (NaN if either is NaN). */
    MIN,
    /** 1 if a &gt; b else 0. */
    GT,
    /** 1 if a &lt; b else 0. */
    LT,
    /** 1 if a ≥ b else 0. */
    GE,
    /** 1 if a ≤ b else 0. */
    LE,
    /** 1 if a = b else 0. */
    EQ,
    /** 1 if a ≠ b else 0. */
    NE,
    /** g·[x &gt; 0]: ReLU's rule, a = g, b = x. */
    RELU_BACKWARD,
    /** g·out·(1 − out): sigmoid's rule, a = g, b = out. */
    SIGMOID_BACKWARD,
    /** g·(1 − out²): tanh's rule, a = g, b = out. */
    TANH_BACKWARD,
    /**
     * g / d, but exactly 0 where g = 0: a derivative rule's division, a = g, b = d. A cotangent of
     * exactly zero (the untaken side of a {@code where}) must stay zero even where the local
     * derivative is infinite or NaN (√x or ln x at 0), or {@code where(x < 1, x, sqrt(x))} would get
     * a NaN gradient at 0.
     */
    COTANGENT_DIV,
    /** g · d, but exactly 0 where g = 0 (see {@link #COTANGENT_DIV}), a = g, b = d. */
    COTANGENT_TIMES;

    /** The scalar reference: the value of this op at {@code (a, b)}. */
    public double apply(double a, double b) {
        return switch (this) {
            case PLUS -> a + b;
            case MINUS -> a - b;
            case TIMES -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case GT -> a > b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case RELU_BACKWARD -> b > 0 ? a : 0.0;
            case SIGMOID_BACKWARD -> a * b * (1 - b);
            case TANH_BACKWARD -> a * (1 - b * b);
            case COTANGENT_DIV -> a == 0 ? 0.0 : a / b;
            case COTANGENT_TIMES -> a == 0 ? 0.0 : a * b;
        };
    }

    /** Whether the result is a truth value (a BOOL tensor). */
    public boolean isComparison() {
        return switch (this) {
            case GT, LT, GE, LE, EQ, NE -> true;
            default -> false;
        };
    }
}
