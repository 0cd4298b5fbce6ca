package dev.fluxion.processor.fuzz;

/**
 * One way a program failed. {@code key} distinguishes failures of one category that are likely
 * different bugs (the exception class of a crash, the first words of an error), so shrinking keeps
 * the same failure and reports are de-duplicated.
 */
record Failure(Category category, String key, String detail) {
    /** Failure categories; every one but {@link #GENERATOR_BUG} is a processor defect. */
    enum Category {
        /** An exception inside the processor ("Fluxion processor bug", or one reaching javac). */
        PROCESSOR_CRASH,
        /** The processor reported an error on a program the generator considers valid. */
        PROCESSOR_REFUSED,
        /** The generated code does not compile. */
        GENERATED_CODE_INVALID,
        /** The verifier (-Afluxion.verify=on) rejected a program whose gradient the oracle accepts. */
        VERIFIER_FALSE_ALARM,
        /** Generated f(args) differs from the user's method. */
        FORWARD_MISMATCH,
        /** fGrad's value differs from the user's method. */
        VALUE_MISMATCH,
        /** fGrad's gradient differs from central differences. */
        GRADIENT_MISMATCH,
        /** A NaN or infinite gradient where the function and its differences are finite. */
        NONFINITE_GRADIENT,
        /** fVjp(args).backward(v) differs from v times fGrad's gradient. */
        VJP_MISMATCH,
        /** fJvp(args, v) differs from the gradient's dot product with v (or its value from f). */
        JVP_MISMATCH,
        /** fHvp(args, v) differs from central differences of fGrad along v. */
        HVP_MISMATCH,
        /** Generated code threw where the user's method did not. */
        GENERATED_CODE_THREW,
        /** The code compiled with elementwise fusion differs from the code compiled with -Afluxion.fuse=false. */
        FUSION_MISMATCH,
        /** The generated program is not valid Java or throws by itself: a fault of the fuzzer. */
        GENERATOR_BUG
    }

    /** Whether {@code other} is the same failure, for the shrinker. */
    boolean sameAs(Failure other) {
        return other != null && category == other.category && key.equals(other.key);
    }

    @Override
    public String toString() {
        return category + " [" + key + "]: " + detail;
    }
}
