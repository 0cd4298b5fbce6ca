package dev.fluxion.nn;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Layers applied one after the other, as {@code torch.nn.Sequential}: {@code forward(x)} is
 * {@code layers[n−1].forward(... layers[0].forward(x))}. Parameters are numbered like PyTorch's:
 * {@code 0.weight}, {@code 2.bias}, ...
 *
 * <pre>{@code
 * Sequential mlp = new Sequential(new Linear(2, 16, rng), new ReLU(), new Linear(16, 1, rng));
 * }</pre>
 */
public final class Sequential extends ModuleContainer implements Layer {
    private final List<Module> layers;

    /**
     * @param layers the layers in order; each must be a {@link Module} implementing {@link Layer}
     * @throws FluxionException for a null layer or a layer that is not a Module
     */
    public Sequential(Layer... layers) {
        this(List.of(layers));
    }

    /**
     * @param layers the layers in order; each must be a {@link Module} implementing {@link Layer}
     * @throws FluxionException for a null layer or a layer that is not a Module
     */
    public Sequential(List<? extends Layer> layers) {
        List<Module> modules = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (!(layer instanceof Module m)) {
                throw new FluxionException("Sequential: layer " + i + " (" + layer + ") is not a Module");
            }
            modules.add(m);
        }
        this.layers = List.copyOf(modules);
    }

    @Override
    List<Module> children() {
        return layers;
    }

    /**
     * Layer {@code i}.
     *
     * @param i in {@code [0, size())}
     * @return the layer
     */
    public Layer get(int i) {
        if (i < 0 || i >= layers.size()) {
            throw new FluxionException("Sequential.get: index " + i + " out of range for " + layers.size() + " layers");
        }
        return (Layer) layers.get(i);
    }

    /** The layers, in order (unmodifiable). */
    public List<Layer> layers() {
        List<Layer> out = new ArrayList<>();
        for (Module m : layers) {
            out.add((Layer) m);
        }
        return List.copyOf(out);
    }

    /**
     * Applies every layer in order.
     *
     * @param x the first layer's input
     * @return the last layer's output ({@code x} itself for an empty Sequential)
     */
    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (Module m : layers) {
            y = ((Layer) m).forward(y);
        }
        return y;
    }

    /** PyTorch's layout: {@code Sequential(\n  (0): Linear(...)\n  (1): ReLU()\n)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(");
        for (int i = 0; i < layers.size(); i++) {
            sb.append("\n  (").append(i).append("): ").append(layers.get(i).toString().replace("\n", "\n  "));
        }
        return sb.append(layers.isEmpty() ? ")" : "\n)").toString();
    }
}
