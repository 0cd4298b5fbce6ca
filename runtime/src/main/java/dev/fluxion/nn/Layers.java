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
