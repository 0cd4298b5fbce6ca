package dev.fluxion.processor.write;

/**
 * A generated method that cannot be written within the JVM's 64 KB of bytecode per method, even
 * in parts (one statement alone is too large). The processor reports it on the user's method.
 */
public final class CodeTooLargeException extends RuntimeException {
    private final String method;

    CodeTooLargeException(String method, String detail) {
        super(detail);
        this.method = method;
    }

    /** The {@code @Differentiable} method whose generated code is too large. */
    public String method() {
        return method;
    }
}
