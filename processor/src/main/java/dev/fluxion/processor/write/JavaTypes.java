package dev.fluxion.processor.write;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.fluxion.processor.ir.Type;

/** IR types as JavaPoet type names. */
final class JavaTypes {
    static final ClassName TENSOR = ClassName.get("dev.fluxion", "Tensor");
    static final ClassName F = ClassName.get("dev.fluxion", "F");
    static final ClassName MATH = ClassName.get("java.lang", "Math");

    private JavaTypes() {}

    static TypeName of(Type t) {
        return switch (t) {
            case Type.Prim p -> switch (p) {
                case DOUBLE -> TypeName.DOUBLE;
                case FLOAT -> TypeName.FLOAT;
                case LONG -> TypeName.LONG;
                case INT -> TypeName.INT;
                case SHORT -> TypeName.SHORT;
                case BYTE -> TypeName.BYTE;
                case CHAR -> TypeName.CHAR;
                case BOOLEAN -> TypeName.BOOLEAN;
                case VOID -> TypeName.VOID;
                case ERROR -> throw new IllegalArgumentException("an untyped value reached the writer");
            };
            case Type.ArrayOf a -> ArrayTypeName.of(of(a.element()));
            case Type.TensorType x -> TENSOR;
            case Type.Declared d when Type.rowOf(d) != null -> ArrayTypeName.of(of(Type.rowOf(d)));
            case Type.Declared d -> className(d.qualifiedName());
        };
    }

    /** The class {@code ownerSimpleName} ({@code Outer.Inner} for a nested one) in {@code packageName}. */
    static ClassName owner(String packageName, String ownerSimpleName) {
        String[] names = ownerSimpleName.split("\\.");
        return ClassName.get(packageName, names[0], java.util.Arrays.copyOfRange(names, 1, names.length));
    }

    /** A class name from a qualified name whose package is its lower-case prefix. */
    static ClassName className(String qualified) {
        return ClassName.bestGuess(qualified);
    }
}
