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
     * The layer fields of one class, by field name: those whose construction is known, and for
     * the others why not.
     *
     * @param known field name to its construction
     * @param unknown field name to why its construction cannot be read
     */
    public record Fields(java.util.Map<String, LayerSource> known, java.util.Map<String, String> unknown) {
        /** No layer fields. */
        public static final Fields NONE = new Fields(java.util.Map.of(), java.util.Map.of());

        public Fields {
            known = java.util.Map.copyOf(known);
            unknown = java.util.Map.copyOf(unknown);
        }
    }
}
