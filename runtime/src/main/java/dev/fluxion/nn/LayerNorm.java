package dev.fluxion.nn;

import dev.fluxion.DType;
import dev.fluxion.F;
import dev.fluxion.FluxionException;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Layer normalisation over the trailing dims, as {@code torch.nn.LayerNorm(normalizedShape)}:
 * {@code (x − μ)/√(var + ε)·weight + bias}, μ and the biased var taken over the last
 * {@code normalizedShape.length} dims of each sample. {@link #weight} starts as ones and
 * {@link #bias} as zeros (PyTorch's initialisation). Forward is the known op
 * {@link F#layerNorm}; derivatives in {@link dev.fluxion.NnDerivatives}.
 */
public final class LayerNorm extends Module implements Layer {
    /** The scale, shape {@code normalizedShape}, initially ones; null without elementwise affine. */
    public final @Nullable Parameter weight;

    /** The shift, shape {@code normalizedShape}, initially zeros; null without elementwise affine. */
    public final @Nullable Parameter bias;

    private final int[] normalizedShape;
    private final double eps;

    /**
     * A float32 layer with ε = 1e-5 and a learned scale and shift.
     *
     * @param normalizedShape the trailing shape to normalise over
     */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true, DType.FLOAT32);
    }

    /**
     * @param normalizedShape the trailing shape to normalise over, non-empty
     * @param eps ε, added to the variance, {@code > 0}
     * @param elementwiseAffine whether to learn a scale and shift
     * @param dtype {@code FLOAT32} or {@code FLOAT64}
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, DType dtype) {
        if (normalizedShape.length == 0) {
            throw new FluxionException("LayerNorm: normalized shape must not be empty");
        }
        Init.checkFloating("LayerNorm", dtype);
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = elementwiseAffine ? param(Tensor.ones(dtype, normalizedShape)) : null;
        this.bias = elementwiseAffine ? param(Tensor.zeros(dtype, normalizedShape)) : null;
    }

    /** The trailing shape normalised over (a copy). */
    public int[] normalizedShape() {
        return normalizedShape.clone();
    }

    /** ε. */
    public double eps() {
        return eps;
    }

    /**
     * {@code F.layerNorm(x, normalizedShape, weight, bias, eps)}.
     *
     * @param x input whose trailing shape is {@code normalizedShape}
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return F.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    /** {@code LayerNorm((4,), eps=1e-05, elementwise_affine=True)}, as PyTorch prints it. */
    @Override
    public String toString() {
        String dims = Arrays.toString(normalizedShape);
        String shape = "(" + dims.substring(1, dims.length() - 1) + (normalizedShape.length == 1 ? ",)" : ")");
        return "LayerNorm(" + shape + ", eps=" + eps
                + ", elementwise_affine=" + (weight != null ? "True" : "False") + ")";
    }
}
