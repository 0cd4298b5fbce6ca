package dev.fluxion.nn;

import dev.fluxion.Tensor;

/**
 * Gaussian error linear unit x·Φ(x) (the exact erf form), as {@code torch.nn.GELU()}: applies {@code x.gelu()} elementwise. It has no parameters. Derivative:
 * {@link dev.fluxion.Derivatives#geluGrad}.
 */
public final class GELU extends Module implements Layer {
    /** The activation. */
    public GELU() {}

    /**
     * {@code x.gelu()}.
     *
     * @param x any shape
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.gelu();
    }

    /** {@code GELU()}, as PyTorch prints it. */
    @Override
    public String toString() {
        return "GELU()";
    }
}
