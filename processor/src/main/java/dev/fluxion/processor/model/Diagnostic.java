package dev.fluxion.processor.model;

import dev.fluxion.processor.ir.Pos;
import java.util.List;
import javax.tools.Diagnostic.Kind;

/**
 * One problem found in user code, as data: what, where, and the message's arguments.
 * The processor reports all of a round's diagnostics together.
 */
public record Diagnostic(Kind kind, Messages message, Pos pos, List<Object> args) {
    public Diagnostic {
        args = List.copyOf(args);
    }

    /** An error. */
    public static Diagnostic error(Messages message, Pos pos, Object... args) {
        return new Diagnostic(Kind.ERROR, message, pos, List.of(args));
    }

    /** A warning. */
    public static Diagnostic warning(Messages message, Pos pos, Object... args) {
        return new Diagnostic(Kind.WARNING, message, pos, List.of(args));
    }

    /** The message text with its hint. */
    public String text() {
        return message.format(args.toArray());
    }

    /** Whether this diagnostic fails the build. */
    public boolean isError() {
        return kind == Kind.ERROR;
    }
}
