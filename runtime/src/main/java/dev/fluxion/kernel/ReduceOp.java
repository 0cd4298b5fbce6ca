package dev.fluxion.kernel;

/** An associative reduction with its identity element. */
public enum ReduceOp {
    /** Σ xᵢ (identity 0). */
    SUM,
    /** max xᵢ, NaN if any is NaN (identity −∞). */
    MAX,
    /** min xᵢ, NaN if any is NaN (identity +∞). */
    MIN;

    /** The identity element: the result over zero elements. */
    public double identity() {
        return switch (this) {
            case SUM -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    /** Combines an accumulator with one more value. */
    public double combine(double acc, double x) {
        return switch (this) {
            case SUM -> acc + x;
            case MAX -> Math.max(acc, x);
            case MIN -> Math.min(acc, x);
        };
    }

    /** The elementwise op that combines two partial results. */
    public BinaryOp asBinary() {
        return switch (this) {
            case SUM -> BinaryOp.PLUS;
            case MAX -> BinaryOp.MAX;
            case MIN -> BinaryOp.MIN;
        };
    }
}
