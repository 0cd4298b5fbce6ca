package dev.fluxion.processor.model;

import java.util.List;

/**
 * How a field holding one of the runtime's layers is built in the source, read from its
 * initialiser or its constructor's assignment ({@code conv1 = new Conv2d(1, 16, 5, rng)}), so that
 * the verifier can build the same layer at compile time and evaluate its forward pass.
 *
 * @param className the layer's class ({@code dev.fluxion.nn.Conv2d})
 * @param args the constructor's arguments, each a compile-time value
 */
public record LayerSource(String className, List<Arg> args) {
    public LayerSource {
        args = List.copyOf(args);
    }

    /** One constructor argument. */
    public sealed interface Arg {}

    /** A constant: an {@code Integer}, {@code Long}, {@code Double}, {@code Boolean}, {@code String} or {@code int[]}. */
    public record Constant(Object value) implements Arg {}

    /** An enum constant ({@code DType.FLOAT64}). */
    public record EnumConstant(String enumClass, String name) implements Arg {}

    /** A {@code java.util.Random}: the verifier uses a seeded one of its own. */
    public record Randomness() implements Arg {}

    /** Another layer built in place ({@code new Sequential(new Linear(2, 4, rng), new Tanh())}). */
    public record Nested(LayerSource layer) implements Arg {}

    /**
     * How a field holding a list, array or {@code ModuleList} of modules is built: its elements in
     * order ({@code List.of(new Linear(2, 4, rng), new Tanh())}, {@code new Block[] {new Block(),
     * new Block()}}).
     *
     * @param elements each element's construction
     */
    public record ListSource(java.util.List<Element> elements) {
        public ListSource {
            elements = java.util.List.copyOf(elements);
        }
    }

    /** One element of a {@link ListSource}. */
    public sealed interface Element {}

    /** One of the runtime's layers, built as {@code layer} says. */
    public record LayerElement(LayerSource layer) implements Element {}

    /**
     * One of the user's own modules ({@code new Block(3, 3, seed)}): the verifier runs its methods
     * on it as on a {@code Module} field, with the fields its class builds ({@link Fields#classes}).
     *
     * @param className the module's class
     */
    public record ModuleElement(String className) implements Element {}

    /**
     * The layer fields of one class, by field name: those whose construction is known, and for
     * the others why not.
     *
     * @param known field name to its construction
     * @param unknown field name to why its construction cannot be read (a layer or a list)
     * @param lists field name to the construction of a list, array or {@code ModuleList} of modules
     * @param classes the same for the user's own module classes that this class's fields and lists
     *     hold, by qualified name (their methods run on those fields and elements)
     */
    public record Fields(java.util.Map<String, LayerSource> known, java.util.Map<String, String> unknown,
                         java.util.Map<String, ListSource> lists, java.util.Map<String, Fields> classes) {
        /** No layer fields. */
        public static final Fields NONE = new Fields(java.util.Map.of(), java.util.Map.of());

        public Fields {
            known = java.util.Map.copyOf(known);
            unknown = java.util.Map.copyOf(unknown);
            lists = java.util.Map.copyOf(lists);
            classes = java.util.Map.copyOf(classes);
        }

        /** Layer fields only. */
        public Fields(java.util.Map<String, LayerSource> known, java.util.Map<String, String> unknown) {
            this(known, unknown, java.util.Map.of(), java.util.Map.of());
        }
    }
}
