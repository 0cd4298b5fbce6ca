package dev.fluxion.processor.check.shape;

/** One dimension of a declared shape: a size or a name that stands for one size per method. */
public sealed interface Dim {
    /** A fixed size. */
    record Size(int value) implements Dim {
        @Override
        public String toString() {
            return Integer.toString(value);
        }
    }

    /** A symbolic size, the same wherever the name appears in one method. */
    record Sym(String name) implements Dim {
        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code "n"} → a name, {@code "3"} → a size; null if neither. */
    static Dim parse(String text) {
        String t = text.trim();
        if (t.matches("[0-9]+")) {
            return new Size(Integer.parseInt(t));
        }
        return t.matches("[A-Za-z_][A-Za-z_0-9]*") ? new Sym(t) : null;
    }

    /** Whether this is the size 1, which broadcasts against anything. */
    default boolean isOne() {
        return this instanceof Size s && s.value() == 1;
    }

    /**
     * Whether two dimensions are provably different: two different sizes, or two different names
     * (declaring two names says they are two sizes). A name against a size is unknown, so not.
     */
    static boolean differ(Dim a, Dim b) {
        if (a instanceof Size x && b instanceof Size y) {
            return x.value() != y.value();
        }
        return a instanceof Sym x && b instanceof Sym y && !x.name().equals(y.name());
    }
}
