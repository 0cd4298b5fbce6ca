package dev.fluxion.processor.parse;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * The runtime's layers in {@code @Differentiable} code: fields that hold a list, array or
 * {@code ModuleList} of modules (their elements read as {@code Layers.at(list, i)}, their size as
 * {@code Layers.size(list)}), and {@code layer.forward(x)} on any of the runtime's layers, which is
 * a call of {@link Callee#LAYER_FORWARD} and differentiated through the runtime's hand-written
 * pullback ({@code dev.fluxion.nn.LayersGrad}).
 */
final class LayerCalls {
    /** The runtime class of collection access. */
    static final String LAYERS = "dev.fluxion.nn.Layers";
    private static final String LAYER = "dev.fluxion.nn.Layer";
    private static final String MODULE_LIST = "dev.fluxion.nn.ModuleList";
    private static final String RUNTIME_PACKAGE = "dev.fluxion.nn.";

    private final ParseContext cx;

    LayerCalls(ParseContext cx) {
        this.cx = cx;
    }

    /** {@code Layers.at(collection, index)}: element {@code index}, of class {@code element}. */
    static Expr at(Expr collection, Expr index, String element, Pos pos) {
        return new Expr.Call(new Callee.Static(LAYERS, "at"), List.of(collection, index), new Type.Declared(element), pos);
    }

    /** {@code Layers.size(collection)}. */
    static Expr size(Expr collection, Pos pos) {
        return new Expr.Call(new Callee.Static(LAYERS, "size"), List.of(collection), Type.Prim.INT, pos);
    }

    /** {@code layer.forward(x)} on a runtime layer. */
    static Expr forward(Expr layer, Expr x, Pos pos) {
        return new Expr.Call(new Callee.User(Callee.LAYER_FORWARD), List.of(layer, x), Type.TENSOR, pos);
    }

    /** Whether {@code qualifiedName} is one of the runtime's layers (Linear, Conv2d, Sequential, ...). */
    boolean isRuntimeLayer(String qualifiedName) {
        TypeElement e = cx.elements.getTypeElement(qualifiedName);
        return e != null && qualifiedName.startsWith(RUNTIME_PACKAGE) && implementsLayer(e);
    }

    private boolean implementsLayer(TypeElement e) {
        if (e.getQualifiedName().contentEquals(LAYER)) {
            return true;
        }
        for (TypeMirror i : e.getInterfaces()) {
            if (i.getKind() == TypeKind.DECLARED && implementsLayer((TypeElement) ((DeclaredType) i).asElement())) {
                return true;
            }
        }
        TypeMirror sup = e.getSuperclass();
        return sup.getKind() == TypeKind.DECLARED && implementsLayer((TypeElement) ((DeclaredType) sup).asElement());
    }

    /**
     * The class of the modules a field holds, when {@code e} reads a field that is an array, a
     * {@code List} or a {@code ModuleList} of modules; empty otherwise.
     */
    Optional<String> elementOf(Expr e) {
        if (!(e instanceof Expr.FieldRead fr) || fr.path().isEmpty()) {
            return Optional.empty();
        }
        TypeMirror t = fieldType(fr.path());
        if (t == null) {
            return Optional.empty();
        }
        TypeMirror element = null;
        if (t.getKind() == TypeKind.ARRAY) {
            element = ((ArrayType) t).getComponentType();
        } else if (t.getKind() == TypeKind.DECLARED) {
            DeclaredType d = (DeclaredType) t;
            TypeElement c = (TypeElement) d.asElement();
            boolean list = c.getQualifiedName().contentEquals("java.util.List")
                    || c.getQualifiedName().contentEquals("java.util.ArrayList")
                    || TypeMapper.isSubclassOf(c, MODULE_LIST);
            if (list && d.getTypeArguments().size() == 1) {
                element = d.getTypeArguments().get(0);
                if (element.getKind() == TypeKind.WILDCARD) {
                    element = ((javax.lang.model.type.WildcardType) element).getExtendsBound();
                }
            }
        }
        if (element == null || element.getKind() != TypeKind.DECLARED) {
            return Optional.empty();
        }
        TypeElement el = (TypeElement) ((DeclaredType) element).asElement();
        return TypeMapper.isSubclassOf(el, TypeMapper.MODULE) || implementsLayer(el)
                ? Optional.of(el.getQualifiedName().toString()) : Optional.empty();
    }

    /** The declared type of the field at {@code path} from {@code this}, or null. */
    private TypeMirror fieldType(List<String> path) {
        TypeElement holder = cx.owner;
        TypeMirror type = null;
        for (String name : path) {
            if (holder == null) {
                return null;
            }
            type = null;
            for (Element m : cx.elements.getAllMembers(holder)) {
                if (m.getKind() == ElementKind.FIELD && m.getSimpleName().contentEquals(name)) {
                    type = m.asType();
                    break;
                }
            }
            if (type == null) {
                return null;
            }
            holder = type.getKind() == TypeKind.DECLARED ? (TypeElement) ((DeclaredType) type).asElement() : null;
        }
        return type;
    }
}
