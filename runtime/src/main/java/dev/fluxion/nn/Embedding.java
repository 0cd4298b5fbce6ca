package dev.fluxion.nn;

import dev.fluxion.DType;
import dev.fluxion.F;
import dev.fluxion.FluxionException;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.Random;

/**
 * A lookup table of learned vectors, as {@code torch.nn.Embedding(num, dim)}: {@code forward(idx)}
 * replaces each index by row {@code idx} of {@link #weight}. The table starts as {@code N(0, 1)}
 * samples (PyTorch's initialisation). Forward is the known op {@link F#embedding}; derivative
 * {@link dev.fluxion.NnDerivatives#embeddingGrad}.
 */
public final class Embedding extends Module implements Layer {
    /** The table, shape {@code [num, dim]}. */
    public final Parameter weight;

    /**
     * A float32 table.
     *
     * @param num the number of rows (the index range)
     * @param dim the vector size
     * @param rng source of the initial values
     */
    public Embedding(int num, int dim, Random rng) {
        this(num, dim, DType.FLOAT32, rng);
    }

    /**
     * @param num the number of rows
     * @param dim the vector size
     * @param dtype {@code FLOAT32} or {@code FLOAT64}
     * @param rng source of the initial values
     */
    public Embedding(int num, int dim, DType dtype, Random rng) {
        if (num < 0 || dim < 0) {
            throw new FluxionException("Embedding: sizes must be >= 0, got num=" + num + ", dim=" + dim);
        }
        this.weight = param(Init.normal(rng, 0, 1, dtype, num, dim));
    }

    /**
     * The rows at {@code indices}.
     *
     * @param indices integer-valued indices of any shape, each in {@code [0, num)}
     * @return shape {@code indices.shape + [dim]}
     */
    @Override
    public Tensor forward(Tensor indices) {
        return F.embedding(indices, weight);
    }

    /** {@code Embedding(10, 3)}, as PyTorch prints it. */
    @Override
    public String toString() {
        return "Embedding(" + weight.size(0) + ", " + weight.size(1) + ")";
    }
}
