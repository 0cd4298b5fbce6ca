package dev.fluxion.nn;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The fields of a {@link Module} subclass that can hold parameters or sub-modules, found once per
 * class by reflection and cached.
 *
 * <p>Order: the fields of the topmost class below {@code Module} first, then each subclass's, and
 * within a class the order of {@link Class#getDeclaredFields()}. The Java specification leaves
 * that order open, but HotSpot (and every JVM Fluxion targets) returns declaration order, which is
 * what makes {@link Module#namedParameters()} match the source like PyTorch's registration order.
 */
final class ModuleFields {
    /** What a field may hold, decided from its declared type. */
    enum Kind {
        /** A {@code Parameter}, or a {@code Tensor} field that may hold one (checked on read). */
        TENSOR,
        /** A {@code Module}. */
        MODULE,
        /** An array whose elements may be parameters or modules. */
        ARRAY,
        /** An {@code Iterable} (a {@code List<Linear>}, say) whose elements may be parameters or modules. */
        ITERABLE
    }

    /** One field that takes part in the parameter walk. */
    record Slot(Field field, Kind kind) {
        String name() {
            return field.getName();
        }

        /** The field's value in {@code owner}; may be null. */
        @Nullable Object read(Module owner) {
            try {
                return field.get(owner);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("Module: cannot read field " + describe(field), e);
            }
        }
    }

    private static final ClassValue<List<Slot>> CACHE = new ClassValue<>() {
        @Override
        protected List<Slot> computeValue(Class<?> type) {
            return scan(type);
        }
    };

    private ModuleFields() {}

    /** The parameter-bearing fields of {@code type}, superclass fields first. */
    static List<Slot> of(Class<? extends Module> type) {
        return CACHE.get(type);
    }

    private static List<Slot> scan(Class<?> type) {
        Deque<Class<?>> hierarchy = new ArrayDeque<>();
        // A container's own list is walked by index (see Module), so its fields are not scanned.
        for (Class<?> c = type; c != null && c != Module.class && !ModuleContainer.class.isAssignableFrom(c)
                && c != Object.class; c = c.getSuperclass()) {
            hierarchy.push(c); // push: the topmost class ends up first
        }
        List<Slot> slots = new ArrayList<>();
        for (Class<?> c : hierarchy) {
            for (Field f : c.getDeclaredFields()) {
                // Synthetic fields include an inner class's this$0: following it would walk into the
                // enclosing object, which is not part of this module.
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
                    continue;
                }
                Kind kind = classify(f);
                if (kind == null) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                } catch (InaccessibleObjectException e) {
                    throw new IllegalStateException("Module: cannot read field " + describe(f)
                            + "; open its package to the Fluxion runtime (opens ... to dev.fluxion)", e);
                }
                slots.add(new Slot(f, kind));
            }
        }
        return List.copyOf(slots);
    }

    private static @Nullable Kind classify(Field f) {
        Class<?> type = f.getType();
        if (type.isAssignableFrom(Parameter.class) && Tensor.class.isAssignableFrom(type)) {
            return Kind.TENSOR; // Parameter or Tensor: a Tensor-typed field may still hold a Parameter
        }
        if (Module.class.isAssignableFrom(type)) {
            return Kind.MODULE;
        }
        if (type.isArray()) {
            return holdsParameters(type.getComponentType()) ? Kind.ARRAY : null;
        }
        if (Iterable.class.isAssignableFrom(type) && f.getGenericType() instanceof ParameterizedType p
                && p.getActualTypeArguments().length == 1) {
            Class<?> element = erasure(p.getActualTypeArguments()[0]);
            return element != null && holdsParameters(element) ? Kind.ITERABLE : null;
        }
        return null;
    }

    private static boolean holdsParameters(Class<?> element) {
        return Module.class.isAssignableFrom(element)
                || (element.isAssignableFrom(Parameter.class) && Tensor.class.isAssignableFrom(element));
    }

    private static @Nullable Class<?> erasure(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return erasure(p.getRawType());
        }
        if (t instanceof WildcardType w && w.getUpperBounds().length == 1) {
            return erasure(w.getUpperBounds()[0]);
        }
        return null;
    }

    private static String describe(Field f) {
        return f.getDeclaringClass().getName() + "." + f.getName();
    }
}
