package dev.fluxion.nn;

import dev.fluxion.Tensor;

/**
 * Logistic sigmoid 1/(1 + e^(−x)), as {@code torch.nn.Sigmoid}: applies {@code x.sigmoid()} elementwise. It has no parameters. Derivative:
 * {@link dev.fluxion.Derivatives#sigmoidGrad}.
 */
public final class Sigmoid extends Module implements Layer {
    /** The activation. */
    public Sigmoid() {}

    /**
     * {@code x.sigmoid()}.
     *
     * @param x any shape
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }

    /** {@code Sigmoid()}, as PyTorch prints it. */
    @Override
    public String toString() {
        return "Sigmoid()";
    }
}
