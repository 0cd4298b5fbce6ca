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

    private void collectParameters(java.util.Set<Parameter> out) {
        collect(args, out);
    }

    private static void collect(List<Arg> args, java.util.Set<Parameter> out) {
        for (Arg a : args) {
            if (a instanceof Parameter p) {
                out.add(p);
            } else if (a instanceof Nested n) {
                n.layer().collectParameters(out);
            }
        }
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
     * A parameter of the constructor that builds the layer ({@code norm = new LayerNorm(width)} in
     * {@code Built(int width)}): its value comes from where the module itself is built
     * ({@code new Built(3)} in a field or list of another module), or, for the class whose method
     * is verified, from small values tried until the method evaluates.
     *
     * @param name the parameter's name
     * @param type its type: {@code int}, {@code long}, {@code double} or {@code boolean}
     * @param index its position in the constructor
     * @param arity the constructor's number of parameters
     */
    public record Parameter(String name, String type, int index, int arity) implements Arg {}

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
     * @param args its constructor's arguments, where each is a compile-time value; empty where not
     */
    public record ModuleElement(String className, List<Arg> args) implements Element {
        public ModuleElement {
            args = List.copyOf(args);
        }
    }

    /**
     * The layer fields of one class, by field name: those whose construction is known, and for
     * the others why not.
     *
     * @param known field name to its construction
     * @param unknown field name to why its construction cannot be read (a layer or a list)
     * @param lists field name to the construction of a list, array or {@code ModuleList} of modules
     * @param modules field name to how a field holding one of the user's own modules is built
     *     ({@code final Block b1 = new Block(3, 4)}), where it is built in place
     * @param classes the same for the user's own module classes that this class's fields and lists
     *     hold, by qualified name (their methods run on those fields and elements)
     */
    public record Fields(java.util.Map<String, LayerSource> known, java.util.Map<String, String> unknown,
                         java.util.Map<String, ListSource> lists, java.util.Map<String, ModuleElement> modules,
                         java.util.Map<String, Fields> classes) {
        /** No layer fields. */
        public static final Fields NONE = new Fields(java.util.Map.of(), java.util.Map.of());

        public Fields {
            known = java.util.Map.copyOf(known);
            unknown = java.util.Map.copyOf(unknown);
            lists = java.util.Map.copyOf(lists);
            modules = java.util.Map.copyOf(modules);
            classes = java.util.Map.copyOf(classes);
        }

        /** Layer fields only. */
        public Fields(java.util.Map<String, LayerSource> known, java.util.Map<String, String> unknown) {
            this(known, unknown, java.util.Map.of(), java.util.Map.of(), java.util.Map.of());
        }

        /**
         * The constructor parameters this class builds its layers and modules from (passed on to
         * the modules' own constructors included; not those of other classes).
         */
        public java.util.Set<Parameter> parameters() {
            java.util.Set<Parameter> out = new java.util.LinkedHashSet<>();
            known.values().forEach(l -> l.collectParameters(out));
            modules.values().forEach(m -> collect(m.args(), out));
            lists.values().forEach(l -> l.elements().forEach(e -> {
                switch (e) {
                    case LayerElement le -> le.layer().collectParameters(out);
                    case ModuleElement me -> collect(me.args(), out);
                }
            }));
            return out;
        }
    }
}
