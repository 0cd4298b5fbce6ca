package dev.fluxion.nn;

import dev.fluxion.Tensor;

/**
 * Rectified linear unit, max(x, 0), as {@code torch.nn.ReLU}: applies {@code x.relu()} elementwise. It has no parameters. Derivative:
 * {@link dev.fluxion.Derivatives#reluGrad}.
 */
public final class ReLU extends Module implements Layer {
    /** The activation. */
    public ReLU() {}

    /**
     * {@code x.relu()}.
     *
     * @param x any shape
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }

    /** {@code ReLU()}, as PyTorch prints it. */
    @Override
    public String toString() {
        return "ReLU()";
    }
}
