package dev.fluxion.processor.ir;

/**
 * Where an IR node came from in the user's source.
 *
 * @param file the source file's simple name ({@code Tutorial.java})
 * @param line the 1-based line of the node's first character
 * @param source the source text of the enclosing statement, on one line, for comments in the
 *     generated code
 * @param origin an opaque handle the diagnostics reporter understands (a {@code TreePath}), or
 *     {@code null} for nodes the processor made up
 */
public record Pos(String file, long line, String source, Object origin) {
    /** The position of a node with no source counterpart. */
    public static final Pos NONE = new Pos("", 0, "", null);

    /** Whether this position points into the user's source. */
    public boolean known() {
        return line > 0;
    }

    /** {@code Tutorial.java:12}. */
    public String location() {
        return file + ":" + line;
    }

    /** Positions never make two nodes different: equality is structural on the code only. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Pos;
    }

    @Override
    public int hashCode() {
        return 0;
    }
}
