package dev.fluxion;

import org.jspecify.annotations.Nullable;

/**
 * The derivative rules of {@link F#layerNorm}, {@link F#batchNorm}, {@link F#embedding} and
 * dropout, in the convention of {@link Derivatives}: {@code g} is the cotangent of the op's result,
 * then the op's inputs, then its non-tensor arguments; each returns the cotangent of one input in
 * that input's shape and dtype. With {@code x̂ = (x − μ)/σ} normalised over some dims
 * ({@code σ = √(var + ε)}, var biased) and {@code ĝ = g·w}, both normalisations share
 * <pre>
 *   ∂L/∂x = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / σ          (means over the normalised dims)
 * </pre>
 */
public final class NnDerivatives {
    private NnDerivatives() {}

    /** The shared normalisation backward, over {@code dims}. */
    private static Tensor normalizeGrad(Tensor gHat, Tensor x, int[] dims, double eps) {
        Tensor centered = x.minus(x.mean(dims, true));
        Tensor sigma = centered.square().mean(dims, true).plus(eps).sqrt();
        Tensor xHat = centered.div(sigma);
        Tensor dx = gHat.minus(gHat.mean(dims, true)).minus(xHat.times(gHat.times(xHat).mean(dims, true)));
        return dx.div(sigma);
    }

    /**
     * out = layerNorm(x, normalizedShape, w, b, eps): returns ∂L/∂x, the formula of the class
     * documentation over the trailing {@code normalizedShape} dims, with {@code ĝ = g·w} (or g
     * without a weight).
     *
     * @param g cotangent of the output, shape of {@code x}
     * @param x the input
     * @param normalizedShape the trailing shape normalised over
     * @param weight the scale, or null
     * @param eps ε
     * @return the cotangent of {@code x}
     */
    public static Tensor layerNormGradInput(Tensor g, Tensor x, int[] normalizedShape, @Nullable Tensor weight, double eps) {
        int[] dims = Norms.layerNormDims("layerNormGradInput", x, normalizedShape);
        Tensor gHat = weight == null ? g : g.times(weight);
        return normalizeGrad(gHat, x, dims, eps).to(x.dtype);
    }

    /**
     * out = layerNorm(x, normalizedShape, w, b, eps): returns ∂L/∂w = Σ over the leading dims of g·x̂.
     *
     * @param g cotangent of the output
     * @param x the input
     * @param normalizedShape the trailing shape normalised over (the weight's shape)
     * @param eps ε
     * @return the cotangent of the weight, shape {@code normalizedShape}
     */
    public static Tensor layerNormGradWeight(Tensor g, Tensor x, int[] normalizedShape, double eps) {
        int[] dims = Norms.layerNormDims("layerNormGradWeight", x, normalizedShape);
        return Derivatives.sumToShape(g.times(Norms.normalize(x, dims, eps)), normalizedShape);
    }

    /**
     * out = layerNorm(x, normalizedShape, w, b, eps): returns ∂L/∂b = Σ over the leading dims of g.
     *
     * @param g cotangent of the output
     * @param normalizedShape the bias's shape
     * @return the cotangent of the bias
     */
    public static Tensor layerNormGradBias(Tensor g, int[] normalizedShape) {
        return Derivatives.sumToShape(g, normalizedShape);
    }

    /**
     * out = batchNorm(x, runningMean, runningVar, w, b, training, momentum, eps): returns ∂L/∂x.
     * Training: the formula of the class documentation over the batch dims (0, and 2 for 3-D
     * input), the batch statistics depending on x. Evaluation: {@code g·w/√(runningVar + ε)}, the
     * statistics being constants. Call it with the running statistics as they were in the forward
     * pass (in training they are not used).
     *
     * @param g cotangent of the output
     * @param x the input {@code [N, C]} or {@code [N, C, L]}
     * @param runningVar the running variance {@code [C]} (used in evaluation)
     * @param weight the per-channel scale {@code [C]}, or null
     * @param training whether the forward pass used batch statistics
     * @param eps ε
     * @return the cotangent of {@code x}
     */
    public static Tensor batchNormGradInput(Tensor g, Tensor x, Tensor runningVar, @Nullable Tensor weight,
            boolean training, double eps) {
        int[] dims = Norms.batchDims("batchNormGradInput", x, runningVar.numel());
        int rank = x.dim();
        Tensor gHat = weight == null ? g : g.times(Norms.perChannel(weight, rank));
        if (!training) {
            return gHat.div(Norms.perChannel(runningVar.plus(eps).sqrt(), rank)).to(x.dtype);
        }
        return normalizeGrad(gHat, x, dims, eps).to(x.dtype);
    }

    /**
     * out = batchNorm(...): returns ∂L/∂w = Σ over the batch dims of g·x̂, x̂ normalised by the
     * batch statistics (training) or the running ones (evaluation).
     *
     * @param g cotangent of the output
     * @param x the input
     * @param runningMean the running mean {@code [C]} as in the forward pass (used in evaluation)
     * @param runningVar the running variance {@code [C]} as in the forward pass (used in evaluation)
     * @param training whether the forward pass used batch statistics
     * @param eps ε
     * @return the cotangent of the weight, shape {@code [C]}
     */
    public static Tensor batchNormGradWeight(Tensor g, Tensor x, Tensor runningMean, Tensor runningVar,
            boolean training, double eps) {
        int[] dims = Norms.batchDims("batchNormGradWeight", x, runningVar.numel());
        int rank = x.dim();
        Tensor xHat = training ? Norms.normalize(x, dims, eps)
                : x.minus(Norms.perChannel(runningMean, rank)).div(Norms.perChannel(runningVar.plus(eps).sqrt(), rank));
        return g.times(xHat).sum(dims, false);
    }

    /**
     * out = batchNorm(...): returns ∂L/∂b = Σ over the batch dims of g.
     *
     * @param g cotangent of the output {@code [N, C]} or {@code [N, C, L]}
     * @return the cotangent of the bias, shape {@code [C]}
     */
    public static Tensor batchNormGradBias(Tensor g) {
        return g.sum(g.dim() == 2 ? new int[] {0} : new int[] {0, 2}, false);
    }

    /**
     * out = embedding(indices, weight): returns ∂L/∂weight, zeros with each {@code g[..., :]} added
     * to the row its index selected (rows selected twice get both).
     *
     * @param g cotangent of the output, shape {@code indices.shape + [dim]}
     * @param indices the indices used forward
     * @param weight the table {@code [rows, dim]}
     * @return the cotangent of the weight
     */
    public static Tensor embeddingGrad(Tensor g, Tensor indices, Tensor weight) {
        int[] flat = Norms.embeddingIndices("embeddingGrad", indices, weight.size(0));
        return Derivatives.indexGrad(g.reshape(flat.length, weight.size(1)), weight, 0, flat);
    }

    /**
     * out = x·mask (dropout, with the mask of {@code 0} and {@code 1/(1 − p)} values that the forward
     * pass drew): returns g·mask.
     *
     * @param g cotangent of the output
     * @param mask the scaled mask used forward
     * @return the cotangent of the input
     */
    public static Tensor dropoutGrad(Tensor g, Tensor mask) {
        return g.times(mask);
    }
}
