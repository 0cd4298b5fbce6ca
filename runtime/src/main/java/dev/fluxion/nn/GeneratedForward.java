package dev.fluxion.nn;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import org.jspecify.annotations.Nullable;

/**
 * The derivative of a {@link Layer} of the user's own inside a {@link Sequential}: a {@link Module}
 * whose {@code forward} is {@code @Differentiable}, so that the annotation processor generated
 * {@code BlockGrad.forwardVjp(block, x)} for it. The runtime cannot see that class at compile time;
 * it finds it by the name the processor gives it (the module's class name, nested names joined by
 * {@code _}, then {@code Grad}, in the same package), for the module's class or the nearest
 * superclass that declares the method.
 */
final class GeneratedForward {
    private static final ClassValue<Method> VJP = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            return find(type);
        }
    };

    private GeneratedForward() {}

    /** The value of {@code layer.forward(x)} and its generated pullback. */
    static Pullback vjp(Module layer, Tensor x) {
        Method vjp = VJP.get(layer.getClass());
        if (vjp == null) {
            throw new FluxionException("forward of " + layer.getClass().getName()
                    + " has no derivative: in @Differentiable code use the runtime's layers, a Sequential of them,"
                    + " or a Module whose forward(Tensor) is @Differentiable (its generated "
                    + gradClassName(layer.getClass()) + ".forwardVjp was not found)");
        }
        return new Pullback(layer.getClass().getSimpleName(), invoke(vjp, null, layer, x));
    }

    /** A generated pullback, seen through the methods every generated pullback has. */
    static final class Pullback {
        private final String name;
        private final Object pullback;

        private Pullback(String name, Object pullback) {
            this.name = name;
            this.pullback = pullback;
        }

        String name() {
            return name;
        }

        Tensor value() {
            return (Tensor) invoke(method(pullback.getClass(), "value"), pullback);
        }

        /**
         * Runs the generated backward pass (which accumulates into the module's Parameters) and
         * returns the cotangent of the input: null where the input has none ({@code @NoGrad}).
         */
        @Nullable Tensor backward(Tensor g) {
            Object gradient = invoke(method(pullback.getClass(), "backward", Tensor.class), pullback, g);
            RecordComponent[] parts = gradient.getClass().getRecordComponents();
            if (parts == null || parts.length < 2) {
                return null;
            }
            return (Tensor) invoke(parts[1].getAccessor(), gradient);
        }
    }

    private static @Nullable Method find(Class<?> type) {
        for (Class<?> c = type; c != null && c != Module.class; c = c.getSuperclass()) {
            try {
                Class<?> grad = Class.forName(gradClassName(c), true, c.getClassLoader());
                for (Method m : grad.getMethods()) {
                    if (m.getName().equals("forwardVjp") && Modifier.isStatic(m.getModifiers())
                            && m.getParameterCount() == 2 && m.getParameterTypes()[0].isAssignableFrom(type)
                            && m.getParameterTypes()[1] == Tensor.class) {
                        return m;
                    }
                }
            } catch (ClassNotFoundException | LinkageError notGenerated) {
                // a superclass may hold the method
            }
        }
        return null;
    }

    /** {@code demo.Net$Block} → {@code demo.Net_BlockGrad}, as the processor names it. */
    private static String gradClassName(Class<?> c) {
        String pkg = c.getPackageName();
        String simple = pkg.isEmpty() ? c.getName() : c.getName().substring(pkg.length() + 1);
        return (pkg.isEmpty() ? "" : pkg + ".") + simple.replace('$', '_') + "Grad";
    }

    private static Method method(Class<?> c, String name, Class<?>... params) {
        try {
            Method m = c.getMethod(name, params);
            if (!Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
                m.setAccessible(true);
            }
            return m;
        } catch (NoSuchMethodException e) {
            throw new FluxionException("generated pullback " + c.getName() + " has no " + name + " method");
        }
    }

    private static Object invoke(Method m, @Nullable Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new FluxionException(m.getName() + ": " + e.getCause());
        } catch (IllegalAccessException e) {
            throw new FluxionException("cannot call generated " + m.getDeclaringClass().getName() + "." + m.getName()
                    + ": " + e.getMessage());
        }
    }
}
