package dev.fluxion.processor.ir;

import java.util.List;

/** What a {@link Expr.Call} calls. */
public sealed interface Callee {

    /** A known operation with a derivative rule (or a known absence of one). */
    record Known(Op op) implements Callee {}

    /**
     * Another {@code @Differentiable} method, in this class or another.
     *
     * @param method the callee
     * @param receiver for a {@code Module} instance method, the path of fields from {@code this}
     *     to the model it runs on: empty for a method of this class ({@code forward(x)}),
     *     {@code [b1]} for a method of a {@code Module} field ({@code b1.forward(x)}); part of the
     *     call's identity, so {@code b1.forward(x)} and {@code b2.forward(x)} are never merged
     */
    record User(UserMethod method, List<String> receiver) implements Callee {
        public User {
            receiver = List.copyOf(receiver);
        }

        /** A call on this class's own model, or of a static method. */
        public User(UserMethod method) {
            this(method, List.of());
        }
    }

    /**
     * {@code layer.forward(x)} on one of the runtime's layers ({@code Linear}, {@code Conv2d},
     * {@code Sequential}, ...), differentiated as a call of {@code Layers.forward(layer, x)}: a
     * static method compiled elsewhere, whose generated-style class {@code dev.fluxion.nn.LayersGrad}
     * the runtime writes by hand. Its pullback accumulates into the layer's Parameters.
     */
    UserMethod LAYER_FORWARD = new UserMethod("dev.fluxion.nn.Layers", "forward", true, List.of("layer", "x"),
            List.of(new Type.Declared("dev.fluxion.nn.Layer"), Type.TENSOR), List.of(false, true), Type.TENSOR);

    /** Whether {@code m} is {@link #LAYER_FORWARD}. */
    static boolean isLayerForward(UserMethod m) {
        return m.key().equals(LAYER_FORWARD.key());
    }

    /**
     * The name of the first parameter of {@link #onElement}'s form: {@code this} cannot name a
     * parameter in Java, so no method the user writes has this form.
     */
    String ELEMENT_MODEL = "this";

    /**
     * A {@code Module} instance method called on a model chosen at run time, an element of a list,
     * array or {@code ModuleList} field ({@code blocks.get(i).forward(x)}, the loop variable of
     * {@code for (Block b : blocks)}): the same generated methods ({@code BlockGrad.forwardVjp(model, x)}),
     * seen as static ones whose first, non-differentiable argument is the model, an expression of the
     * call ({@code Layers.at(model.blocks, i)}). The receiver is then an argument like any other:
     * the engine evaluates it in the forward pass, where a loop's index has its value, and the
     * callee's pullback keeps the model it ran on.
     *
     * @param m an instance method of a {@code Module}
     * @return its form with the model as its first argument
     */
    static UserMethod onElement(UserMethod m) {
        if (m.isStatic()) {
            throw new IllegalArgumentException(m.key() + " is static");
        }
        Type model = new Type.Declared(m.ownerQualifiedName());
        return new UserMethod(m.ownerQualifiedName(), m.name(), true, prepend(ELEMENT_MODEL, m.paramNames()),
                prepend(model, m.paramTypes()), prepend(false, m.differentiable()), m.returnType(),
                prepend(ELEMENT_MODEL, m.gradientNames()));
    }

    /** Whether {@code m} is {@link #onElement}'s form of an instance method. */
    static boolean isOnElement(UserMethod m) {
        return m.isStatic() && !m.paramNames().isEmpty() && m.paramNames().getFirst().equals(ELEMENT_MODEL);
    }

    private static <T> List<T> prepend(T first, List<T> rest) {
        List<T> out = new java.util.ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }

    /** A static method the processor itself calls: {@code Derivatives.timesGradA}. */
    record Static(String ownerQualifiedName, String name) implements Callee {}

    /** An instance method on the first argument: {@code pullback.backward(g)}. */
    record Instance(String name) implements Callee {}

    /**
     * A reference to a {@code @Differentiable} method.
     *
     * @param ownerQualifiedName the declaring class
     * @param name the method's name
     * @param isStatic false for a {@code Module} instance method (the model is passed first)
     * @param paramNames every parameter, in order
     * @param paramTypes every parameter's type, in order
     * @param differentiable for each parameter, whether it has a gradient
     * @param returnType the result type
     * @param gradientNames for each parameter, the name of its component in the callee's generated
     *     gradient record (its accessor): usually the parameter's name, but {@code valueGrad} for a
     *     parameter named {@code value}, and read from the generated record where the callee was
     *     compiled without parameter names ({@code arg0})
     */
    record UserMethod(String ownerQualifiedName, String name, boolean isStatic, List<String> paramNames,
                      List<Type> paramTypes, List<Boolean> differentiable, Type returnType,
                      List<String> gradientNames) {
        public UserMethod {
            paramNames = List.copyOf(paramNames);
            paramTypes = List.copyOf(paramTypes);
            differentiable = List.copyOf(differentiable);
            gradientNames = List.copyOf(gradientNames);
        }

        /** A method whose gradient components are named after its parameters. */
        public UserMethod(String ownerQualifiedName, String name, boolean isStatic, List<String> paramNames,
                          List<Type> paramTypes, List<Boolean> differentiable, Type returnType) {
            this(ownerQualifiedName, name, isStatic, paramNames, paramTypes, differentiable, returnType, paramNames);
        }

        /** {@code pkg.Owner#name}, for messages and call graphs. */
        public String key() {
            return ownerQualifiedName + "#" + name;
        }
    }
}
