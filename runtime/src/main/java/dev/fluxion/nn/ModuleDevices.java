package dev.fluxion.nn;

import dev.fluxion.DType;
import dev.fluxion.Device;
import dev.fluxion.FluxionException;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.lang.reflect.Field;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * {@link Module#to(Device)} and {@link Module#to(DType)}: puts a copy of every parameter and tensor
 * buffer, on the device or of the dtype, into the field (array slot, list element) that held the
 * original, walking the same fields as {@link Module#namedParameters()}. A tensor reached twice (a
 * shared weight) is converted once, so it stays shared.
 */
final class ModuleDevices {
    private ModuleDevices() {}

    /** What {@link #walk} does to each tensor: {@code to(...)} as {@code what} names it in messages. */
    private record Conversion(String what, UnaryOperator<Tensor> tensor, UnaryOperator<Parameter> parameter) {}

    static void move(Module root, Device device) {
        convert(root, new Conversion("Module.to(" + device + ")", t -> t.to(device), p -> p.to(device)));
    }

    /** Floating-point parameters and buffers converted to {@code dtype}; integer buffers stay as they are. */
    static void cast(Module root, DType dtype) {
        convert(root, new Conversion("Module.to(" + dtype + ")",
                t -> t.dtype().isFloatingPoint() ? t.to(dtype) : t, p -> p.to(dtype)));
    }

    private static void convert(Module root, Conversion c) {
        walk(root, c, new IdentityHashMap<>(), Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static void walk(Module module, Conversion conversion, Map<Tensor, Tensor> moved, Set<Module> seen) {
        if (!seen.add(module)) {
            return;
        }
        if (module instanceof ModuleContainer container) {
            for (Module child : container.children()) {
                walk(child, conversion, moved, seen);
            }
        }
        for (ModuleFields.Slot slot : ModuleFields.of(module.getClass())) {
            Object value = slot.read(module);
            switch (slot.kind()) {
                case TENSOR -> {
                    if (value instanceof Tensor t) {
                        set(slot.field(), module, moveTensor(t, conversion, moved));
                    }
                }
                case MODULE -> {
                    if (value instanceof Module m) {
                        walk(m, conversion, moved, seen);
                    }
                }
                case ARRAY -> {
                    if (value instanceof Object[] array) {
                        for (int i = 0; i < array.length; i++) {
                            array[i] = moveElement(array[i], conversion, moved, seen);
                        }
                    }
                }
                case ITERABLE -> {
                    if (value instanceof List<?> list) {
                        moveList(list, slot.field(), conversion, moved, seen);
                    } else if (value instanceof Iterable<?> items) {
                        for (Object item : items) {
                            if (item instanceof Tensor) {
                                throw new FluxionException(conversion.what() + ": field " + slot.name() + " of "
                                        + module.getClass().getSimpleName() + " holds tensors in a collection that is"
                                        + " not a List; keep parameters in a List, an array or fields");
                            }
                            if (item instanceof Module m) {
                                walk(m, conversion, moved, seen);
                            }
                        }
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void moveList(List<?> list, Field field, Conversion conversion, Map<Tensor, Tensor> moved, Set<Module> seen) {
        List<Object> items = (List<Object>) list;
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            Object next = moveElement(item, conversion, moved, seen);
            if (next != item) {
                try {
                    items.set(i, next);
                } catch (UnsupportedOperationException e) {
                    throw new FluxionException(conversion.what() + ": the list in field " + field.getName()
                            + " cannot be changed (List.of?); hold parameters in a mutable list such as ArrayList");
                }
            }
        }
    }

    private static @Nullable Object moveElement(@Nullable Object item, Conversion conversion, Map<Tensor, Tensor> moved,
            Set<Module> seen) {
        if (item instanceof Tensor t) {
            return moveTensor(t, conversion, moved);
        }
        if (item instanceof Module m) {
            walk(m, conversion, moved, seen);
        }
        return item;
    }

    private static Tensor moveTensor(Tensor t, Conversion conversion, Map<Tensor, Tensor> moved) {
        return moved.computeIfAbsent(t, x -> x instanceof Parameter p ? conversion.parameter().apply(p)
                : conversion.tensor().apply(x));
    }

    private static void set(Field field, Object owner, Object value) {
        try {
            if (field.get(owner) != value) {
                field.set(owner, value);
            }
        } catch (IllegalAccessException e) {
            throw new FluxionException("Module.to: cannot replace field " + field.getDeclaringClass().getName() + "."
                    + field.getName() + " (" + e.getMessage() + ")");
        }
    }
}
