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
}
