package dev.fluxion.nn;

import dev.fluxion.Tensor;

/**
 * Hyperbolic tangent, as {@code torch.nn.Tanh}: applies {@code x.tanh()} elementwise. It has no parameters. Derivative:
 * {@link dev.fluxion.Derivatives#tanhGrad}.
 */
public final class Tanh extends Module implements Layer {
    /** The activation. */
    public Tanh() {}

    /**
     * {@code x.tanh()}.
     *
     * @param x any shape
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }

    /** {@code Tanh()}, as PyTorch prints it. */
    @Override
    public String toString() {
        return "Tanh()";
    }
}
