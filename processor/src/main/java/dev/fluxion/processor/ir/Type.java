package dev.fluxion.processor.ir;

/** The types the IR knows. Everything else is a {@link Declared} type carried by name. */
public sealed interface Type permits Type.Prim, Type.ArrayOf, Type.TensorType, Type.Declared {

    /** The fully qualified name of the runtime's tensor class. */
    String TENSOR_CLASS = "dev.fluxion.Tensor";

    /** The tensor type (also the type of a {@code Parameter} field read). */
    TensorType TENSOR = new TensorType();

    /** Primitive types, {@code void} and the type of an expression that could not be typed. */
    enum Prim implements Type {
        DOUBLE("double"), FLOAT("float"), LONG("long"), INT("int"), SHORT("short"), BYTE("byte"),
        CHAR("char"), BOOLEAN("boolean"), VOID("void"), ERROR("<error>");

        private final String javaName;

        Prim(String javaName) {
            this.javaName = javaName;
        }

        @Override
        public String javaName() {
            return javaName;
        }
    }

    /** A one-dimensional array of a primitive type: {@code double[]}, {@code int[]}. */
    record ArrayOf(Prim element) implements Type {
        @Override
        public String javaName() {
            return element.javaName() + "[]";
        }
    }

    /** {@code dev.fluxion.Tensor}. */
    record TensorType() implements Type {
        @Override
        public String javaName() {
            return TENSOR_CLASS;
        }
    }

    /** Any other reference type, by qualified name: a {@code Module}, {@code Reduction}, ... */
    record Declared(String qualifiedName) implements Type {
        @Override
        public String javaName() {
            return qualifiedName;
        }
    }

    /** The type as Java source writes it (qualified for reference types). */
    String javaName();

    /** {@code double} or {@code float}. */
    default boolean isFloatingScalar() {
        return this == Prim.DOUBLE || this == Prim.FLOAT;
    }

    /** A primitive number type (char excluded). */
    default boolean isNumeric() {
        return this instanceof Prim p && p != Prim.BOOLEAN && p != Prim.VOID && p != Prim.ERROR
                && p != Prim.CHAR;
    }

    /** {@code int}, {@code long}, {@code short}, {@code byte}. */
    default boolean isIntegral() {
        return isNumeric() && !isFloatingScalar();
    }

    /** A type gradients can flow through: floating scalars, their arrays and tensors. */
    default boolean isDifferentiable() {
        return isFloatingScalar() || this instanceof TensorType
                || this instanceof ArrayOf a && a.element().isFloatingScalar();
    }

    /** Whether this is the tensor type. */
    default boolean isTensor() {
        return this instanceof TensorType;
    }

    /**
     * The type of a row of {@code t} where {@code t} is a 2-D array of a numeric primitive type
     * ({@code double[][]}, carried as a {@link Declared} type: {@code @NoGrad} data, read only),
     * else null.
     */
    static ArrayOf rowOf(Type t) {
        if (!(t instanceof Declared d) || !d.qualifiedName().endsWith("[][]")) {
            return null;
        }
        String element = d.qualifiedName().substring(0, d.qualifiedName().length() - 4);
        for (Prim p : Prim.values()) {
            if (p.javaName().equals(element) && p.isNumeric()) {
                return new ArrayOf(p);
            }
        }
        return null;
    }

    /** Binary numeric promotion (JLS 5.6.2) of two primitive types. */
    static Prim promote(Type a, Type b) {
        if (a == Prim.DOUBLE || b == Prim.DOUBLE) {
            return Prim.DOUBLE;
        }
        if (a == Prim.FLOAT || b == Prim.FLOAT) {
            return Prim.FLOAT;
        }
        if (a == Prim.LONG || b == Prim.LONG) {
            return Prim.LONG;
        }
        return Prim.INT;
    }
}
