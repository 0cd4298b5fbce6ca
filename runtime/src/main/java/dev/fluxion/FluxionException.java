package dev.fluxion;

/**
 * A runtime error of a tensor operation: bad shapes, dims out of range, wrong dtypes, NaN/Inf
 * found by anomaly detection. The message names the operation and the shapes involved, e.g.
 * {@code plus: shapes [2, 3] and [4, 3] cannot be broadcast}.
 */
public class FluxionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An error with the given message (which should start with the operation's name). */
    public FluxionException(String message) {
        super(message);
    }

    /** An error with the given message and cause. */
    public FluxionException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@code cause} with the place in the user's source its generated code came from: a new
     * exception whose message is {@code cause}'s message followed by a line {@code "  " + site},
     * with {@code cause} as its cause. Generated code rethrows the runtime's errors through this,
     * e.g. {@code matmul: shapes [2, 3] and [4, 5] are not compatible (inner dims 3 ≠ 4)} followed
     * by {@code at Model.java:23: Tensor p = sigmoid(x.matmul(w).plus(b));}. A call through
     * several generated methods adds one line per method, innermost first.
     *
     * @param site {@code at File.java:N: source} or {@code in the backward pass of File.java:N: source}
     * @param cause the runtime's error (a {@code FluxionException} or another bad-input error)
     * @return the error to throw, a {@code FluxionException} and so still an {@code IllegalArgumentException}
     */
    public static FluxionException at(String site, IllegalArgumentException cause) {
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        return new FluxionException(message + "\n  " + site, cause);
    }

    /**
     * As {@link #at(String, IllegalArgumentException)}, for either of the two errors generated code
     * rethrows: a runtime error, or an index out of range, which in generated code means an array
     * argument shorter than the user's code reads (a {@code double[]} of the wrong length); the
     * message says so and keeps the JVM's ("Index 4 out of bounds for length 3").
     *
     * @param site the user's source line, as generated code names it
     * @param cause an {@code IllegalArgumentException} or {@code IndexOutOfBoundsException}
     * @return the error to throw
     */
    public static FluxionException at(String site, RuntimeException cause) {
        if (cause instanceof IllegalArgumentException iae) {
            return at(site, iae);
        }
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        return new FluxionException("an array argument is shorter than this line reads (" + message + ")\n  " + site,
                cause);
    }
}
