package dev.fluxion.processor.parse;

import dev.fluxion.processor.ir.Type;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/** Maps javac's types to the IR's. */
public final class TypeMapper {
    /** The runtime's parameter class: a tensor leaf. */
    public static final String PARAMETER = "dev.fluxion.Parameter";
    /** The runtime's module base class. */
    public static final String MODULE = "dev.fluxion.nn.Module";
    /** The runtime's linear layer, whose forward is the known op {@code F.linear}. */
    public static final String LINEAR = "dev.fluxion.nn.Linear";

    private TypeMapper() {}

    /** The IR type of a javac type; unknown reference types become {@link Type.Declared}. */
    public static Type map(TypeMirror t) {
        return switch (t.getKind()) {
            case DOUBLE -> Type.Prim.DOUBLE;
            case FLOAT -> Type.Prim.FLOAT;
            case LONG -> Type.Prim.LONG;
            case INT -> Type.Prim.INT;
            case SHORT -> Type.Prim.SHORT;
            case BYTE -> Type.Prim.BYTE;
            case CHAR -> Type.Prim.CHAR;
            case BOOLEAN -> Type.Prim.BOOLEAN;
            case VOID -> Type.Prim.VOID;
            case ARRAY -> {
                TypeMirror c = ((ArrayType) t).getComponentType();
                Type e = map(c);
                yield e instanceof Type.Prim p && c.getKind().isPrimitive()
                        ? new Type.ArrayOf(p) : new Type.Declared(t.toString());
            }
            case DECLARED -> {
                TypeElement e = (TypeElement) ((DeclaredType) t).asElement();
                yield isSubclassOf(e, Type.TENSOR_CLASS) ? Type.TENSOR
                        : new Type.Declared(e.getQualifiedName().toString());
            }
            default -> Type.Prim.ERROR;
        };
    }

    /** Whether {@code e} is {@code qualifiedName} or extends it, by walking superclasses. */
    public static boolean isSubclassOf(TypeElement e, String qualifiedName) {
        TypeElement current = e;
        while (current != null) {
            if (current.getQualifiedName().contentEquals(qualifiedName)) {
                return true;
            }
            TypeMirror sup = current.getSuperclass();
            current = sup.getKind() == TypeKind.DECLARED
                    ? (TypeElement) ((DeclaredType) sup).asElement() : null;
        }
        return false;
    }
}
