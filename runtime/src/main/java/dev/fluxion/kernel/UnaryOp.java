package dev.fluxion.kernel;

/**
 * Elementwise functions of one argument, each with its scalar reference {@link #apply}.
 *
 * <p>{@code p} and {@code q} are the op's constant parameters (the slope of {@link #LEAKY_RELU},
 * the bounds of {@link #CLAMP}); other ops ignore them.
 */
public enum UnaryOp {
    /** −x. */
    NEG,
    /** |x|. */
    ABS,
    /** sign(x) ∈ {−1, 0, 1} (0 at 0). */
    SIGN,
    /** eˣ. */
    EXP,
    /** ln x. */
    LOG,
    /** ln(1 + x). */
    LOG1P,
    /** √x. */
    SQRT,
    /** x². */
    SQUARE,
    /** 1 / (1 + e^(−x)). */
    SIGMOID,
    /** tanh x. */
    TANH,
    /** max(x, 0). */
    RELU,
    /** x·Φ(x), Φ the standard normal distribution function (PyTorch's exact GELU). */
    GELU,
    /** ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^(−|x|)). */
    SOFTPLUS,
    /** sin x. */
    SIN,
    /** cos x. */
    COS,
    /** x if x ≥ 0 else p·x. */
    LEAKY_RELU,
    /** min(max(x, p), q). */
    CLAMP,
    /** The identity (used to copy and convert). */
    IDENTITY,
    /** GELU's derivative Φ(x) + x·φ(x), φ the standard normal density. */
    GELU_DERIVATIVE;

    /** The scalar reference: the value of this op at {@code x}. */
    public double apply(double x, double p, double q) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case SQRT -> Math.sqrt(x);
            case SQUARE -> x * x;
            case SIGMOID -> sigmoid(x);
            case TANH -> Math.tanh(x);
            case RELU -> x > 0 ? x : (x == x ? 0.0 : x);
            case GELU -> x * SpecialFunctions.normalCdf(x);
            case SOFTPLUS -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case LEAKY_RELU -> x >= 0 ? x : p * x;
            case CLAMP -> Math.min(Math.max(x, p), q);
            case IDENTITY -> x;
            case GELU_DERIVATIVE -> SpecialFunctions.normalCdf(x) + x * SpecialFunctions.normalPdf(x);
        };
    }

    /** 1 / (1 + e^(−x)), written so that neither branch overflows. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }
}
