package dev.fluxion.nn;

import dev.fluxion.Tensor;

/**
 * A module that maps one tensor to one tensor, so that it can be chained in a {@link Sequential}.
 * Every built-in layer ({@link Linear}, {@link Conv2d}, {@link ReLU}, ...) is one; a custom
 * {@link Module} becomes one by implementing {@code forward}.
 */
public interface Layer {
    /**
     * Applies the layer.
     *
     * @param x the input
     * @return the output
     */
    Tensor forward(Tensor x);
}
