package dev.fluxion.processor.verify;

/**
 * The compile-time evaluation of a method could not go on: an operation failed on the chosen
 * inputs, a construct cannot be evaluated, or a loop ran too long. The verifier turns it into a
 * note (or tries other inputs), never into a javac crash.
 */
public final class EvalException extends RuntimeException {
    public EvalException(String message) {
        super(message);
    }

    public EvalException(String message, Throwable cause) {
        super(message, cause);
    }
}
