package dev.fluxion.nn;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.Arrays;

/**
 * Flattens every dimension after the batch dimension, as {@code torch.nn.Flatten()}:
 * {@code [N, C, H, W]} becomes {@code [N, C·H·W]}, which is how a convolutional stack hands its
 * features to a {@link Linear} inside a {@link Sequential}. It has no parameters. Forward is
 * {@code x.reshape(N, -1)}; derivative {@link dev.fluxion.Derivatives#reshapeGrad}.
 */
public final class Flatten extends Module implements Layer {
    /** Flattens from dimension 1 on. */
    public Flatten() {}

    /**
     * {@code x.reshape(x.size(0), -1)}.
     *
     * @param x input of rank ≥ 1
     * @return {@code [N, product of the other dims]}
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() == 0) {
            throw new FluxionException("Flatten: expected an input with a batch dimension, got shape " + Arrays.toString(x.shape()));
        }
        return x.reshape(x.size(0), -1);
    }

    /** {@code Flatten(start_dim=1, end_dim=-1)}, as PyTorch prints it. */
    @Override
    public String toString() {
        return "Flatten(start_dim=1, end_dim=-1)";
    }
}
