package dev.fluxion.nn;

import dev.fluxion.Tensor;

/**
 * Softmax along one dimension, {@code e^(x_i) / Σ_j e^(x_j)}, as {@code torch.nn.Softmax(dim)}.
 * It has no parameters. Derivative: {@link dev.fluxion.Derivatives#softmaxGrad}.
 */
public final class Softmax extends Module implements Layer {
    private final int dim;

    /**
     * @param dim the dimension the outputs sum to 1 along (negative counts from the end)
     */
    public Softmax(int dim) {
        this.dim = dim;
    }

    /** The dimension normalised over. */
    public int dim() {
        return dim;
    }

    /**
     * {@code x.softmax(dim)}.
     *
     * @param x any shape with the dimension {@code dim}
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.softmax(dim);
    }

    /** {@code Softmax(dim=1)}, as PyTorch prints it. */
    @Override
    public String toString() {
        return "Softmax(dim=" + dim + ")";
    }
}
