package dev.fluxion.processor.ir;

/**
 * The operations the processor knows the derivative of (or knows to have none).
 *
 * <p>A signature is one letter per argument, the receiver first for tensor methods:
 * {@code T} tensor, {@code D} any number (passed as double), {@code I} int, {@code B} boolean,
 * {@code A} int array or trailing int varargs, {@code V} trailing tensor varargs, {@code R} a
 * {@code Reduction}. A result is {@code T} tensor, {@code D} double, {@code I} int, {@code L} long,
 * {@code A} int[], {@code P} the promoted type of the arguments (Math.abs/max/min).
 */
public enum Op {
    // Tensor elementwise, also statics in F.
    PLUS("plus", Style.METHOD, "TT", 'T', Kind.DIFFERENTIABLE),
    PLUS_SCALAR("plus", Style.METHOD, "TD", 'T', Kind.DIFFERENTIABLE),
    MINUS("minus", Style.METHOD, "TT", 'T', Kind.DIFFERENTIABLE),
    MINUS_SCALAR("minus", Style.METHOD, "TD", 'T', Kind.DIFFERENTIABLE),
    TIMES("times", Style.METHOD, "TT", 'T', Kind.DIFFERENTIABLE),
    TIMES_SCALAR("times", Style.METHOD, "TD", 'T', Kind.DIFFERENTIABLE),
    DIV("div", Style.METHOD, "TT", 'T', Kind.DIFFERENTIABLE),
    DIV_SCALAR("div", Style.METHOD, "TD", 'T', Kind.DIFFERENTIABLE),
    POW("pow", Style.METHOD, "TT", 'T', Kind.DIFFERENTIABLE),
    POW_SCALAR("pow", Style.METHOD, "TD", 'T', Kind.DIFFERENTIABLE),
    RSUB("rsub", Style.METHOD, "TD", 'T', Kind.DIFFERENTIABLE),
    RDIV("rdiv", Style.METHOD, "TD", 'T', Kind.DIFFERENTIABLE),
    NEG("neg", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    UNARY_MINUS("unaryMinus", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    ABS("abs", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    EXP("exp", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    LOG("log", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    LOG1P("log1p", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    SQRT("sqrt", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    SQUARE("square", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    SIGMOID("sigmoid", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    TANH("tanh", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    RELU("relu", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    GELU("gelu", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    SOFTPLUS("softplus", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    SIN("sin", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    COS("cos", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    LEAKY_RELU("leakyRelu", Style.METHOD, "TD", 'T', Kind.DIFFERENTIABLE),
    CLAMP("clamp", Style.METHOD, "TDD", 'T', Kind.DIFFERENTIABLE),
    WHERE("where", Style.F_ONLY, "TTT", 'T', Kind.DIFFERENTIABLE),
    // Reductions.
    SUM("sum", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    SUM_DIM("sum", Style.METHOD, "TI", 'T', Kind.DIFFERENTIABLE),
    SUM_DIM_KEEP("sum", Style.METHOD, "TIB", 'T', Kind.DIFFERENTIABLE),
    SUM_DIMS("sum", Style.METHOD, "TAB", 'T', Kind.DIFFERENTIABLE),
    MEAN("mean", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    MEAN_DIM("mean", Style.METHOD, "TI", 'T', Kind.DIFFERENTIABLE),
    MEAN_DIM_KEEP("mean", Style.METHOD, "TIB", 'T', Kind.DIFFERENTIABLE),
    MEAN_DIMS("mean", Style.METHOD, "TAB", 'T', Kind.DIFFERENTIABLE),
    MAX("max", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    MAX_DIM("max", Style.METHOD, "TI", 'T', Kind.DIFFERENTIABLE),
    MAX_DIM_KEEP("max", Style.METHOD, "TIB", 'T', Kind.DIFFERENTIABLE),
    MIN("min", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    MIN_DIM("min", Style.METHOD, "TI", 'T', Kind.DIFFERENTIABLE),
    MIN_DIM_KEEP("min", Style.METHOD, "TIB", 'T', Kind.DIFFERENTIABLE),
    NORM("norm", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    NORM_DIM_KEEP("norm", Style.METHOD, "TIB", 'T', Kind.DIFFERENTIABLE),
    LOG_SUM_EXP("logSumExp", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    LOG_SUM_EXP_DIM("logSumExp", Style.METHOD, "TI", 'T', Kind.DIFFERENTIABLE),
    LOG_SUM_EXP_DIM_KEEP("logSumExp", Style.METHOD, "TIB", 'T', Kind.DIFFERENTIABLE),
    // Linear algebra and shapes.
    MATMUL("matmul", Style.METHOD, "TT", 'T', Kind.DIFFERENTIABLE),
    LINEAR("linear", Style.F_ONLY, "TTT", 'T', Kind.DIFFERENTIABLE),
    TRANSPOSE("transpose", Style.METHOD, "TII", 'T', Kind.DIFFERENTIABLE),
    T("t", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    RESHAPE("reshape", Style.METHOD, "TA", 'T', Kind.DIFFERENTIABLE),
    VIEW("view", Style.METHOD, "TA", 'T', Kind.DIFFERENTIABLE),
    SQUEEZE("squeeze", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    SQUEEZE_DIM("squeeze", Style.METHOD, "TI", 'T', Kind.DIFFERENTIABLE),
    UNSQUEEZE("unsqueeze", Style.METHOD, "TI", 'T', Kind.DIFFERENTIABLE),
    EXPAND("expand", Style.METHOD, "TA", 'T', Kind.DIFFERENTIABLE),
    SLICE("slice", Style.METHOD, "TIII", 'T', Kind.DIFFERENTIABLE),
    SLICE_STEP("slice", Style.METHOD, "TIIII", 'T', Kind.DIFFERENTIABLE),
    GET("get", Style.METHOD, "TA", 'T', Kind.DIFFERENTIABLE),
    INDEX("index", Style.METHOD, "TIA", 'T', Kind.DIFFERENTIABLE),
    GATHER("gather", Style.METHOD, "TIT", 'T', Kind.DIFFERENTIABLE),
    CAT("cat", Style.F_ONLY, "IV", 'T', Kind.DIFFERENTIABLE),
    STACK("stack", Style.F_ONLY, "IV", 'T', Kind.DIFFERENTIABLE),
    TO_FLOAT("toFloat", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    TO_DOUBLE("toDouble", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    CONTIGUOUS("contiguous", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    COPY("copy", Style.METHOD, "T", 'T', Kind.DIFFERENTIABLE),
    SOFTMAX("softmax", Style.METHOD, "TI", 'T', Kind.DIFFERENTIABLE),
    LOG_SOFTMAX("logSoftmax", Style.METHOD, "TI", 'T', Kind.DIFFERENTIABLE),
    // Losses, F only.
    MSE("mse", Style.F_ONLY, "TT", 'T', Kind.DIFFERENTIABLE),
    MSE_R("mse", Style.F_ONLY, "TTR", 'T', Kind.DIFFERENTIABLE),
    BCE("bce", Style.F_ONLY, "TT", 'T', Kind.DIFFERENTIABLE),
    BCE_R("bce", Style.F_ONLY, "TTR", 'T', Kind.DIFFERENTIABLE),
    BCE_WITH_LOGITS("bceWithLogits", Style.F_ONLY, "TT", 'T', Kind.DIFFERENTIABLE),
    BCE_WITH_LOGITS_R("bceWithLogits", Style.F_ONLY, "TTR", 'T', Kind.DIFFERENTIABLE),
    CROSS_ENTROPY("crossEntropy", Style.F_ONLY, "TT", 'T', Kind.DIFFERENTIABLE),
    CROSS_ENTROPY_R("crossEntropy", Style.F_ONLY, "TTR", 'T', Kind.DIFFERENTIABLE),
    NLL_LOSS("nllLoss", Style.F_ONLY, "TT", 'T', Kind.DIFFERENTIABLE),
    NLL_LOSS_R("nllLoss", Style.F_ONLY, "TTR", 'T', Kind.DIFFERENTIABLE),
    // A double made into a 0-dim tensor: differentiable in the double.
    SCALAR("scalar", Style.TENSOR_STATIC, "D", 'T', Kind.DIFFERENTIABLE),
    // Gradient stops.
    DETACH("detach", Style.METHOD, "T", 'T', Kind.DETACHING),
    ITEM("item", Style.METHOD, "T", 'D', Kind.DETACHING),
    // Boolean masks and integer results: allowed, no gradient.
    GT("gt", Style.METHOD, "TT", 'T', Kind.PREDICATE),
    GT_SCALAR("gt", Style.METHOD, "TD", 'T', Kind.PREDICATE),
    LT("lt", Style.METHOD, "TT", 'T', Kind.PREDICATE),
    LT_SCALAR("lt", Style.METHOD, "TD", 'T', Kind.PREDICATE),
    GE("ge", Style.METHOD, "TT", 'T', Kind.PREDICATE),
    GE_SCALAR("ge", Style.METHOD, "TD", 'T', Kind.PREDICATE),
    LE("le", Style.METHOD, "TT", 'T', Kind.PREDICATE),
    LE_SCALAR("le", Style.METHOD, "TD", 'T', Kind.PREDICATE),
    EQ("eq", Style.METHOD, "TT", 'T', Kind.PREDICATE),
    EQ_SCALAR("eq", Style.METHOD, "TD", 'T', Kind.PREDICATE),
    NE("ne", Style.METHOD, "TT", 'T', Kind.PREDICATE),
    NE_SCALAR("ne", Style.METHOD, "TD", 'T', Kind.PREDICATE),
    ARGMAX("argmax", Style.METHOD, "T", 'T', Kind.NON_DIFFERENTIABLE),
    ARGMAX_DIM("argmax", Style.METHOD, "TI", 'T', Kind.NON_DIFFERENTIABLE),
    // Metadata: reads no values, so never on a gradient path.
    SHAPE("shape", Style.METHOD, "T", 'A', Kind.INSPECT),
    DIM("dim", Style.METHOD, "T", 'I', Kind.INSPECT),
    SIZE("size", Style.METHOD, "TI", 'I', Kind.INSPECT),
    NUMEL("numel", Style.METHOD, "T", 'I', Kind.INSPECT),
    ZEROS_LIKE("zerosLike", Style.TENSOR_STATIC, "T", 'T', Kind.INSPECT),
    ONES_LIKE("onesLike", Style.TENSOR_STATIC, "T", 'T', Kind.INSPECT),
    FULL_LIKE("fullLike", Style.TENSOR_STATIC, "TD", 'T', Kind.INSPECT),
    // Factories: constants.
    ZEROS("zeros", Style.TENSOR_STATIC, "A", 'T', Kind.INSPECT),
    ONES("ones", Style.TENSOR_STATIC, "A", 'T', Kind.INSPECT),
    EYE("eye", Style.TENSOR_STATIC, "I", 'T', Kind.INSPECT),
    // java.lang.Math.
    MATH_EXP("exp", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_EXPM1("expm1", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_LOG("log", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_LOG1P("log1p", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_LOG10("log10", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_SQRT("sqrt", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_CBRT("cbrt", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_POW("pow", Style.MATH, "DD", 'D', Kind.DIFFERENTIABLE),
    MATH_SIN("sin", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_COS("cos", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_TAN("tan", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_ASIN("asin", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_ACOS("acos", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_ATAN("atan", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_ATAN2("atan2", Style.MATH, "DD", 'D', Kind.DIFFERENTIABLE),
    MATH_SINH("sinh", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_COSH("cosh", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_TANH("tanh", Style.MATH, "D", 'D', Kind.DIFFERENTIABLE),
    MATH_HYPOT("hypot", Style.MATH, "DD", 'D', Kind.DIFFERENTIABLE),
    MATH_ABS("abs", Style.MATH, "D", 'P', Kind.DIFFERENTIABLE),
    MATH_MAX("max", Style.MATH, "DD", 'P', Kind.DIFFERENTIABLE),
    MATH_MIN("min", Style.MATH, "DD", 'P', Kind.DIFFERENTIABLE),
    MATH_FLOOR("floor", Style.MATH, "D", 'D', Kind.NON_DIFFERENTIABLE),
    MATH_CEIL("ceil", Style.MATH, "D", 'D', Kind.NON_DIFFERENTIABLE),
    MATH_RINT("rint", Style.MATH, "D", 'D', Kind.NON_DIFFERENTIABLE),
    MATH_ROUND("round", Style.MATH, "D", 'L', Kind.NON_DIFFERENTIABLE),
    MATH_SIGNUM("signum", Style.MATH, "D", 'P', Kind.NON_DIFFERENTIABLE);

    /** How the operation is spelled in Java. */
    public enum Style {
        /** A {@code Tensor} method {@code x.op(..)}, also {@code F.op(x, ..)}. */
        METHOD,
        /** Only {@code F.op(..)}. */
        F_ONLY,
        /** A static factory {@code Tensor.op(..)}. */
        TENSOR_STATIC,
        /** {@code Math.op(..)}. */
        MATH
    }

    /** What the operation does to gradients. */
    public enum Kind {
        /** Has a derivative rule in {@code DerivativeRules}. */
        DIFFERENTIABLE,
        /** Stops gradients on purpose ({@code detach}, {@code item}). */
        DETACHING,
        /** A comparison: a mask or condition, never a value on a gradient path. */
        PREDICATE,
        /** Reads only shapes or makes constants. */
        INSPECT,
        /** Piecewise constant ({@code floor}, {@code argmax}): an error on a gradient path. */
        NON_DIFFERENTIABLE
    }

    private final String javaName;
    private final Style style;
    private final String signature;
    private final char result;
    private final Kind kind;

    Op(String javaName, Style style, String signature, char result, Kind kind) {
        this.javaName = javaName;
        this.style = style;
        this.signature = signature;
        this.result = result;
        this.kind = kind;
    }

    /** The Java method name. */
    public String javaName() {
        return javaName;
    }

    /** How the call is written. */
    public Style style() {
        return style;
    }

    /** One letter per argument (see the class comment). */
    public String signature() {
        return signature;
    }

    /** The result letter (see the class comment). */
    public char result() {
        return result;
    }

    /** What the operation does to gradients. */
    public Kind kind() {
        return kind;
    }

    /** The name of the backward step in a pullback's {@code toString()}: {@code MeanBackward}. */
    public String backwardName() {
        return Character.toUpperCase(javaName.charAt(0)) + javaName.substring(1) + "Backward";
    }
}
