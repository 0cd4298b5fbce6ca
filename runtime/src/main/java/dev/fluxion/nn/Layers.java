package dev.fluxion.nn;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.List;

/**
 * What {@code @Differentiable} code that uses collections of layers compiles to: element
 * {@code i} of a {@code List}, array or {@link ModuleList} of modules, the number of elements, and
 * a layer's forward pass. The annotation processor writes {@code layers.get(i)}, {@code layers[i]}
 * and the loop variable of {@code for (Linear l : layers)} as {@code Layers.at(layers, i)}, so an
 * index out of range names the collection's size instead of failing inside generated code.
 */
public final class Layers {
    private Layers() {}

    /** Whether a class overrides a method below its declaring class, by (class, declaring class, name, parameter types). */
    private static final java.util.concurrent.ConcurrentHashMap<java.util.List<Object>, Boolean> OVERRIDES =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Refuses a model whose class overrides the method a generated derivative was derived from:
     * {@code NetGrad.lossBackward(model, …)} differentiates {@code Net.loss}, so a {@code SubNet}
     * whose {@code loss} overrides it would get the gradient of the wrong function. Generated code
     * calls it only for a model of another class than {@code declaring}; each subclass is looked up once.
     *
     * @param model the model the generated method was given (not null)
     * @param declaring the class whose method was differentiated
     * @param method that method's name
     * @param parameterTypes its parameter types (erased)
     * @param generatedMethod the generated method, for the message
     * @throws FluxionException if {@code model}'s class overrides the method
     */
    public static void requireDerivedMethod(Object model, Class<?> declaring, String method, Class<?>[] parameterTypes,
                                            String generatedMethod) {
        Class<?> actual = model.getClass();
        if (actual == declaring) {
            return;
        }
        boolean overrides = OVERRIDES.computeIfAbsent(java.util.List.of(actual, declaring, method,
                java.util.List.of(parameterTypes)), k -> overrides(actual, declaring, method, parameterTypes));
        if (overrides) {
            throw new FluxionException(generatedMethod + ": the model is a " + actual.getSimpleName() + ", whose "
                    + method + " overrides " + declaring.getSimpleName() + "." + method + ", and this is the derivative of "
                    + declaring.getSimpleName() + "." + method + "; call " + actual.getSimpleName() + "Grad's (annotate "
                    + actual.getSimpleName() + "." + method + " with @Differentiable)");
        }
    }

    private static boolean overrides(Class<?> actual, Class<?> declaring, String method, Class<?>[] parameterTypes) {
        for (Class<?> c = actual; c != null && c != declaring; c = c.getSuperclass()) {
            try {
                c.getDeclaredMethod(method, parameterTypes);
                return true;
            } catch (NoSuchMethodException e) {
                // not declared here: look further up
            }
        }
        return false;
    }

    /** Element {@code i} of a list of modules. */
    public static <M> M at(List<M> list, int i) {
        if (list == null) {
            throw new FluxionException("a list of layers is null");
        }
        if (i < 0 || i >= list.size()) {
            throw new FluxionException("layer index " + i + " out of range for a list of " + list.size() + " layers");
        }
        return element(list.get(i), i);
    }

    /** Element {@code i} of an array of modules. */
    public static <M> M at(M[] array, int i) {
        if (array == null) {
            throw new FluxionException("an array of layers is null");
        }
        if (i < 0 || i >= array.length) {
            throw new FluxionException("layer index " + i + " out of range for an array of " + array.length + " layers");
        }
        return element(array[i], i);
    }

    /** Element {@code i} of a {@link ModuleList}. */
    public static <M extends Module> M at(ModuleList<M> list, int i) {
        if (list == null) {
            throw new FluxionException("a ModuleList is null");
        }
        return list.get(i);
    }

    private static <M> M element(M m, int i) {
        if (m == null) {
            throw new FluxionException("layer " + i + " is null");
        }
        return m;
    }

    /** The number of modules in a list. */
    public static int size(List<?> list) {
        return list.size();
    }

    /** The number of modules in an array. */
    public static int size(Object[] array) {
        return array.length;
    }

    /** The number of modules in a {@link ModuleList}. */
    public static int size(ModuleList<?> list) {
        return list.size();
    }

    /**
     * {@code layer.forward(x)}: the forward pass of a run-time layer, whose derivative is
     * {@link LayersGrad#forwardVjp}.
     *
     * @param layer the layer
     * @param x its input
     * @return its output
     */
    public static Tensor forward(Layer layer, Tensor x) {
        return LayersGrad.forward(layer, x);
    }
}
