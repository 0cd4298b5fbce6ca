package dev.fluxion;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Layer normalisation, batch normalisation and embedding lookup: the forward functions behind
 * {@link F#layerNorm}, {@link F#batchNorm} and {@link F#embedding}, composed from tensor ops.
 * Their derivative rules are in {@link NnDerivatives}.
 */
final class Norms {
    private Norms() {}

    /** The trailing {@code k} dims of a rank-{@code r} tensor. */
    static int[] trailing(int rank, int k) {
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) {
            dims[i] = rank - k + i;
        }
        return dims;
    }

    /** The dims of {@code normalizedShape} at the end of {@code x}, checked. */
    static int[] layerNormDims(String op, Tensor x, int[] normalizedShape) {
        int k = normalizedShape.length;
        int r = x.shape.length;
        if (k == 0 || k > r || !Arrays.equals(Arrays.copyOfRange(x.shape, r - k, r), normalizedShape)) {
            throw new FluxionException(op + ": normalized shape " + Shapes.str(normalizedShape)
                    + " is not the trailing shape of the input of shape " + Shapes.str(x.shape));
        }
        return trailing(r, k);
    }

    /** (x − μ)/√(σ² + ε) over {@code dims}, σ² the biased variance, as in both normalisations. */
    static Tensor normalize(Tensor x, int[] dims, double eps) {
        Tensor centered = x.minus(x.mean(dims, true));
        Tensor var = centered.square().mean(dims, true);
        return centered.div(var.plus(eps).sqrt());
    }

    static Tensor layerNorm(Tensor x, int[] normalizedShape, @Nullable Tensor weight, @Nullable Tensor bias, double eps) {
        int[] dims = layerNormDims("layerNorm", x, normalizedShape);
        checkAffine("layerNorm", weight, normalizedShape);
        checkAffine("layerNorm", bias, normalizedShape);
        Tensor y = normalize(x, dims, eps);
        if (weight != null) {
            y = y.times(weight);
        }
        if (bias != null) {
            y = y.plus(bias);
        }
        return Tensor.checked("layerNorm", y);
    }

    private static void checkAffine(String op, @Nullable Tensor t, int[] shape) {
        if (t != null && !Arrays.equals(t.shape, shape)) {
            throw new FluxionException(op + ": weight/bias of shape " + Shapes.str(t.shape) + " must have shape "
                    + Shapes.str(shape));
        }
    }

    /** The batch dims of a batch-norm input {@code [N, C]} or {@code [N, C, L]}: all but the channel dim 1. */
    static int[] batchDims(String op, Tensor x, int channels) {
        if ((x.shape.length != 2 && x.shape.length != 3) || x.shape[1] != channels) {
            throw new FluxionException(op + ": expected input of shape [N, " + channels + "] or [N, " + channels
                    + ", L], got " + Shapes.str(x.shape));
        }
        return x.shape.length == 2 ? new int[] {0} : new int[] {0, 2};
    }

    /** A per-channel vector {@code [C]} shaped to broadcast against the input. */
    static Tensor perChannel(Tensor v, int rank) {
        return rank == 2 ? v : v.reshape(v.numel(), 1);
    }

    static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, @Nullable Tensor weight,
            @Nullable Tensor bias, boolean training, double momentum, double eps) {
        int channels = runningMean.numel();
        int[] dims = batchDims("batchNorm", x, channels);
        int rank = x.shape.length;
        Tensor y;
        if (training) {
            int count = Reduce.count(x, dims);
            if (count < 2) {
                throw new FluxionException("batchNorm: expected more than 1 value per channel when training, got input of shape "
                        + Shapes.str(x.shape));
            }
            Tensor mean = x.mean(dims, false);
            Tensor var = x.minus(perChannel(mean, rank)).square().mean(dims, false);
            y = normalize(x, dims, eps);
            // Running statistics, as PyTorch: the variance recorded is the unbiased one.
            runningMean.mulInPlace(1 - momentum).addInPlace(mean, momentum);
            runningVar.mulInPlace(1 - momentum).addInPlace(var.times(count / (count - 1.0)), momentum);
        } else {
            y = x.minus(perChannel(runningMean, rank)).div(perChannel(runningVar.plus(eps).sqrt(), rank));
        }
        if (weight != null) {
            y = y.times(perChannel(weight, rank));
        }
        if (bias != null) {
            y = y.plus(perChannel(bias, rank));
        }
        return Tensor.checked("batchNorm", y);
    }

    /** The integer indices of an embedding lookup, flattened and checked against {@code rows}. */
    static int[] embeddingIndices(String op, Tensor indices, int rows) {
        double[] v = indices.toDoubleArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i]) || v[i] < 0 || v[i] >= rows) {
                throw new FluxionException(op + ": index " + v[i] + " is not a row of the " + rows + "-row weight");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    static Tensor embedding(Tensor indices, Tensor weight) {
        if (weight.shape.length != 2) {
            throw new FluxionException("embedding: weight must be 2-D [rows, dim], got " + Shapes.str(weight.shape));
        }
        Devices.common("embedding", indices, weight);
        int[] flat = embeddingIndices("embedding", indices, weight.shape[0]);
        int[] shape = Arrays.copyOf(indices.shape, indices.shape.length + 1);
        shape[indices.shape.length] = weight.shape[1];
        return weight.index(0, flat).reshape(shape);
    }
}
