package dev.fluxion;

import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The functional API: every {@link Tensor} op as a static, for {@code import static dev.fluxion.F.*},
 * plus what exists only here: {@link #where}, {@link #cat}, {@link #stack}, {@link #linear} and the
 * losses. Each function's Javadoc gives its math; broadcasting and dtype promotion are as in
 * {@link Tensor}.
 */
public final class F {
    private F() {}

    /** {@code out = x + y} elementwise, broadcast. */
    public static Tensor plus(Tensor x, Tensor y) {
        return x.plus(y);
    }

    /** {@code out_i = x_i + c}. */
    public static Tensor plus(Tensor x, double c) {
        return x.plus(c);
    }

    /** {@code out = x − y} elementwise, broadcast. */
    public static Tensor minus(Tensor x, Tensor y) {
        return x.minus(y);
    }

    /** {@code out_i = x_i − c}. */
    public static Tensor minus(Tensor x, double c) {
        return x.minus(c);
    }

    /** {@code out = x · y} elementwise, broadcast. */
    public static Tensor times(Tensor x, Tensor y) {
        return x.times(y);
    }

    /** {@code out_i = x_i · c}. */
    public static Tensor times(Tensor x, double c) {
        return x.times(c);
    }

    /** {@code out = x / y} elementwise, broadcast. */
    public static Tensor div(Tensor x, Tensor y) {
        return x.div(y);
    }

    /** {@code out_i = x_i / c}. */
    public static Tensor div(Tensor x, double c) {
        return x.div(c);
    }

    /** {@code out = x ^ y} elementwise, broadcast. */
    public static Tensor pow(Tensor x, Tensor y) {
        return x.pow(y);
    }

    /** {@code out_i = x_i ^ c}. */
    public static Tensor pow(Tensor x, double c) {
        return x.pow(c);
    }

    /** {@code out_i = c − x_i}. */
    public static Tensor rsub(Tensor x, double c) {
        return x.rsub(c);
    }

    /** {@code out_i = c / x_i}. */
    public static Tensor rdiv(Tensor x, double c) {
        return x.rdiv(c);
    }

    /** {@code out_i = −x_i}. */
    public static Tensor neg(Tensor x) {
        return x.neg();
    }

    /** {@code out_i = |x_i|}. */
    public static Tensor abs(Tensor x) {
        return x.abs();
    }

    /** {@code out_i = exp(x_i)}. */
    public static Tensor exp(Tensor x) {
        return x.exp();
    }

    /** {@code out_i = ln(x_i)}. */
    public static Tensor log(Tensor x) {
        return x.log();
    }

    /** {@code out_i = ln(1 + x_i)}. */
    public static Tensor log1p(Tensor x) {
        return x.log1p();
    }

    /** {@code out_i = √x_i}. */
    public static Tensor sqrt(Tensor x) {
        return x.sqrt();
    }

    /** {@code out_i = x_i²}. */
    public static Tensor square(Tensor x) {
        return x.square();
    }

    /** {@code out_i = 1 / (1 + exp(−x_i))}. */
    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    /** {@code out_i = tanh(x_i)}. */
    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    /** {@code out_i = max(x_i, 0)}. */
    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** {@code out_i = x_i · Φ(x_i), Φ the standard normal CDF}. */
    public static Tensor gelu(Tensor x) {
        return x.gelu();
    }

    /** {@code out_i = ln(1 + exp(x_i))}. */
    public static Tensor softplus(Tensor x) {
        return x.softplus();
    }

    /** {@code out_i = sin(x_i)}. */
    public static Tensor sin(Tensor x) {
        return x.sin();
    }

    /** {@code out_i = cos(x_i)}. */
    public static Tensor cos(Tensor x) {
        return x.cos();
    }

    /** {@code out_i = x_i if x_i ≥ 0 else slope · x_i}. */
    public static Tensor leakyRelu(Tensor x, double slope) {
        return x.leakyRelu(slope);
    }

    /** {@code out_i = min(max(x_i, lo), hi)}. */
    public static Tensor clamp(Tensor x, double lo, double hi) {
        return x.clamp(lo, hi);
    }

    /** BOOL {@code out_i = x_i > y_i}, broadcast. */
    public static Tensor gt(Tensor x, Tensor y) {
        return x.gt(y);
    }

    /** BOOL {@code out_i = x_i > c}. */
    public static Tensor gt(Tensor x, double c) {
        return x.gt(c);
    }

    /** BOOL {@code out_i = x_i < y_i}, broadcast. */
    public static Tensor lt(Tensor x, Tensor y) {
        return x.lt(y);
    }

    /** BOOL {@code out_i = x_i < c}. */
    public static Tensor lt(Tensor x, double c) {
        return x.lt(c);
    }

    /** BOOL {@code out_i = x_i ≥ y_i}, broadcast. */
    public static Tensor ge(Tensor x, Tensor y) {
        return x.ge(y);
    }

    /** BOOL {@code out_i = x_i ≥ c}. */
    public static Tensor ge(Tensor x, double c) {
        return x.ge(c);
    }

    /** BOOL {@code out_i = x_i ≤ y_i}, broadcast. */
    public static Tensor le(Tensor x, Tensor y) {
        return x.le(y);
    }

    /** BOOL {@code out_i = x_i ≤ c}. */
    public static Tensor le(Tensor x, double c) {
        return x.le(c);
    }

    /** BOOL {@code out_i = x_i = y_i}, broadcast. */
    public static Tensor eq(Tensor x, Tensor y) {
        return x.eq(y);
    }

    /** BOOL {@code out_i = x_i = c}. */
    public static Tensor eq(Tensor x, double c) {
        return x.eq(c);
    }

    /** BOOL {@code out_i = x_i ≠ y_i}, broadcast. */
    public static Tensor ne(Tensor x, Tensor y) {
        return x.ne(y);
    }

    /** BOOL {@code out_i = x_i ≠ c}. */
    public static Tensor ne(Tensor x, double c) {
        return x.ne(c);
    }

    /** {@code out_i = mask_i ≠ 0 ? a_i : b_i}, the three broadcast together. */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        return Pointwise.where(mask, a, b);
    }

    /** 0-dim Σ over all elements. */
    public static Tensor sum(Tensor x) {
        return x.sum();
    }

    /** Σ over {@code dim}, which is removed. */
    public static Tensor sum(Tensor x, int dim) {
        return x.sum(dim);
    }

    /** Σ over {@code dim}, kept with size 1 when {@code keepDim}. */
    public static Tensor sum(Tensor x, int dim, boolean keepDim) {
        return x.sum(dim, keepDim);
    }

    /** Σ over {@code dims}, kept with size 1 when {@code keepDim}. */
    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        return x.sum(dims, keepDim);
    }

    /** 0-dim mean over all elements. */
    public static Tensor mean(Tensor x) {
        return x.mean();
    }

    /** mean over {@code dim}, which is removed. */
    public static Tensor mean(Tensor x, int dim) {
        return x.mean(dim);
    }

    /** mean over {@code dim}, kept with size 1 when {@code keepDim}. */
    public static Tensor mean(Tensor x, int dim, boolean keepDim) {
        return x.mean(dim, keepDim);
    }

    /** mean over {@code dims}, kept with size 1 when {@code keepDim}. */
    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        return x.mean(dims, keepDim);
    }

    /** 0-dim max over all elements. */
    public static Tensor max(Tensor x) {
        return x.max();
    }

    /** max over {@code dim}, which is removed. */
    public static Tensor max(Tensor x, int dim) {
        return x.max(dim);
    }

    /** max over {@code dim}, kept with size 1 when {@code keepDim}. */
    public static Tensor max(Tensor x, int dim, boolean keepDim) {
        return x.max(dim, keepDim);
    }

    /** max over {@code dims}, kept with size 1 when {@code keepDim}. */
    public static Tensor max(Tensor x, int[] dims, boolean keepDim) {
        return x.max(dims, keepDim);
    }

    /** 0-dim min over all elements. */
    public static Tensor min(Tensor x) {
        return x.min();
    }

    /** min over {@code dim}, which is removed. */
    public static Tensor min(Tensor x, int dim) {
        return x.min(dim);
    }

    /** min over {@code dim}, kept with size 1 when {@code keepDim}. */
    public static Tensor min(Tensor x, int dim, boolean keepDim) {
        return x.min(dim, keepDim);
    }

    /** min over {@code dims}, kept with size 1 when {@code keepDim}. */
    public static Tensor min(Tensor x, int[] dims, boolean keepDim) {
        return x.min(dims, keepDim);
    }

    /** 0-dim ln Σ exp over all elements. */
    public static Tensor logSumExp(Tensor x) {
        return x.logSumExp();
    }

    /** ln Σ exp over {@code dim}, which is removed. */
    public static Tensor logSumExp(Tensor x, int dim) {
        return x.logSumExp(dim);
    }

    /** ln Σ exp over {@code dim}, kept with size 1 when {@code keepDim}. */
    public static Tensor logSumExp(Tensor x, int dim, boolean keepDim) {
        return x.logSumExp(dim, keepDim);
    }

    /** ln Σ exp over {@code dims}, kept with size 1 when {@code keepDim}. */
    public static Tensor logSumExp(Tensor x, int[] dims, boolean keepDim) {
        return x.logSumExp(dims, keepDim);
    }

    /** 0-dim L2 norm {@code √(Σ x_i²)}. */
    public static Tensor norm(Tensor x) {
        return x.norm();
    }

    /** L2 norm over {@code dim}. */
    public static Tensor norm(Tensor x, int dim, boolean keepDim) {
        return x.norm(dim, keepDim);
    }

    /** INT64 0-dim row-major index of the first maximum. */
    public static Tensor argmax(Tensor x) {
        return x.argmax();
    }

    /** INT64 index of the first maximum along {@code dim}. */
    public static Tensor argmax(Tensor x, int dim) {
        return x.argmax(dim);
    }

    /** The matrix product as {@code torch.matmul} (see {@link Tensor#matmul}). */
    public static Tensor matmul(Tensor a, Tensor b) {
        return a.matmul(b);
    }

    /** {@code out = x · Wᵀ} for x [..., in] and weight [out, in], as {@code torch.nn.functional.linear}. */
    public static Tensor linear(Tensor x, Tensor weight) {
        return x.matmul(weight.t());
    }

    /**
     * {@code out = x · Wᵀ + b} for x [..., in], weight [out, in] and bias [out] (nullable); the bias
     * is added to the product in place ({@link Epilogues#linear}), the same bits as
     * {@code x.matmul(weight.t()).plus(bias)}.
     */
    public static Tensor linear(Tensor x, Tensor weight, @Nullable Tensor bias) {
        return Epilogues.linear(x, weight, bias);
    }

    /**
     * 2-D convolution over NCHW input, as {@code torch.nn.functional.conv2d} (dilation 1, one
     * group): {@code out[n, o, i, j] = b[o] + Σ_{c,u,v} w[o, c, u, v] · xpad[n, c, i·s + u, j·s + v]},
     * where {@code xpad} is {@code x} with {@code padding} zeros on every side. Output size
     * {@code ⌊(H + 2p − KH)/s⌋ + 1} by {@code ⌊(W + 2p − KW)/s⌋ + 1}. Derivatives in {@link ConvDerivatives}.
     *
     * @param x input {@code [N, C, H, W]}
     * @param weight kernels {@code [OC, C, KH, KW]}
     * @param bias {@code [OC]}, or null
     * @param stride step between output positions, ≥ 1
     * @param padding zeros added on each side, ≥ 0
     * @return {@code [N, OC, OH, OW]}
     */
    public static Tensor conv2d(Tensor x, Tensor weight, @Nullable Tensor bias, int stride, int padding) {
        return Conv.conv2d(x, weight, bias, stride, padding);
    }

    /**
     * 2-D max pooling over NCHW input with a square window and no padding, as
     * {@code torch.nn.functional.max_pool2d(x, kernel, stride)}: each output is the maximum of its
     * window (NaN if the window holds one). Output size {@code ⌊(H − k)/s⌋ + 1}. Derivative:
     * {@link ConvDerivatives#maxPool2dGrad}.
     *
     * @param x input {@code [N, C, H, W]}
     * @param kernel window size
     * @param stride step between windows (PyTorch's default is the kernel size)
     * @return {@code [N, C, OH, OW]}
     */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride) {
        return Conv.maxPool2d(x, kernel, stride, null);
    }

    /**
     * Layer normalisation, as {@code torch.nn.functional.layer_norm}: over the trailing
     * {@code normalizedShape} dims, {@code (x − μ)/√(var + ε)·w + b} with the biased variance.
     * Derivatives in {@link NnDerivatives}.
     *
     * @param x input whose trailing shape is {@code normalizedShape}
     * @param normalizedShape the trailing shape to normalise over
     * @param weight scale of shape {@code normalizedShape}, or null
     * @param bias shift of shape {@code normalizedShape}, or null
     * @param eps ε, added to the variance
     * @return the normalised tensor, shape of {@code x}
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, @Nullable Tensor weight, @Nullable Tensor bias,
            double eps) {
        return Norms.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    /**
     * Batch normalisation over input {@code [N, C]} or {@code [N, C, L]}, as
     * {@code torch.nn.functional.batch_norm}. Training: normalises with the batch's mean and biased
     * variance per channel, and updates the running statistics in place,
     * {@code running = (1 − momentum)·running + momentum·batch} (the unbiased variance).
     * Evaluation: normalises with the running statistics. Then {@code ·w + b} per channel.
     * Derivatives in {@link NnDerivatives}.
     *
     * @param x input
     * @param runningMean per-channel running mean {@code [C]}, updated in training
     * @param runningVar per-channel running variance {@code [C]}, updated in training
     * @param weight per-channel scale {@code [C]}, or null
     * @param bias per-channel shift {@code [C]}, or null
     * @param training whether to use (and record) batch statistics
     * @param momentum weight of the new batch in the running statistics
     * @param eps ε, added to the variance
     * @return the normalised tensor, shape of {@code x}
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, @Nullable Tensor weight,
            @Nullable Tensor bias, boolean training, double momentum, double eps) {
        return Norms.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /**
     * Rows of {@code weight} selected by {@code indices}, as {@code torch.nn.functional.embedding}:
     * {@code out[i..., :] = weight[indices[i...], :]}. Derivative:
     * {@link NnDerivatives#embeddingGrad}.
     *
     * @param indices integer-valued indices (INT64 or a float dtype), each in {@code [0, rows)}
     * @param weight the table {@code [rows, dim]}
     * @return shape {@code indices.shape + [dim]}
     */
    public static Tensor embedding(Tensor indices, Tensor weight) {
        return Norms.embedding(indices, weight);
    }

    /** A view with dims {@code d0} and {@code d1} swapped. */
    public static Tensor transpose(Tensor x, int d0, int d1) {
        return x.transpose(d0, d1);
    }

    /** The transpose of a matrix. */
    public static Tensor t(Tensor x) {
        return x.t();
    }

    /** {@code x} with {@code shape} (one −1 allowed); a view when possible. */
    public static Tensor reshape(Tensor x, int... shape) {
        return x.reshape(shape);
    }

    /** {@code x} without its size-1 dims. */
    public static Tensor squeeze(Tensor x) {
        return x.squeeze();
    }

    /** {@code x} without dim {@code dim} if it has size 1. */
    public static Tensor squeeze(Tensor x, int dim) {
        return x.squeeze(dim);
    }

    /** {@code x} with a new size-1 dim at {@code dim}. */
    public static Tensor unsqueeze(Tensor x, int dim) {
        return x.unsqueeze(dim);
    }

    /** {@code x} broadcast to {@code shape} (a view). */
    public static Tensor expand(Tensor x, int... shape) {
        return x.expand(shape);
    }

    /** Indices {@code [start, end)} of {@code x} along {@code dim}. */
    public static Tensor slice(Tensor x, int dim, int start, int end) {
        return x.slice(dim, start, end);
    }

    /** Indices {@code start, start + step, ...} below {@code end} along {@code dim}. */
    public static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        return x.slice(dim, start, end, step);
    }

    /** The slices {@code indices} of {@code x} along {@code dim} (index_select). */
    public static Tensor index(Tensor x, int dim, int[] indices) {
        return x.index(dim, indices);
    }

    /** {@code torch.gather(x, dim, index)}. */
    public static Tensor gather(Tensor x, int dim, Tensor index) {
        return x.gather(dim, index);
    }

    /** The tensors joined along existing dim {@code dim}; other dims must agree. */
    public static Tensor cat(int dim, Tensor... tensors) {
        return Gather.cat(dim, Arrays.asList(tensors));
    }

    /** The tensors joined along existing dim {@code dim}; other dims must agree. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Gather.cat(dim, tensors);
    }

    /** Equal-shaped tensors stacked along a new dim {@code dim}. */
    public static Tensor stack(int dim, Tensor... tensors) {
        return Gather.stack(dim, Arrays.asList(tensors));
    }

    /** Equal-shaped tensors stacked along a new dim {@code dim}. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return Gather.stack(dim, tensors);
    }

    /** {@code out_i = exp(x_i) / Σ_j exp(x_j)} along {@code dim}. */
    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    /** {@code out_i = x_i − ln Σ_j exp(x_j)} along {@code dim}. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    /** The same values with the gradient stopped. */
    public static Tensor detach(Tensor x) {
        return x.detach();
    }

    /** Mean squared error {@code mean_i (pred_i − target_i)²}. */
    public static Tensor mse(Tensor pred, Tensor target) {
        return Losses.mse(pred, target, Reduction.MEAN);
    }

    /** Squared error {@code (pred_i − target_i)²}, reduced by {@code reduction}. */
    public static Tensor mse(Tensor pred, Tensor target, Reduction reduction) {
        return Losses.mse(pred, target, reduction);
    }

    /** Binary cross-entropy {@code mean −[y ln p + (1 − y) ln(1 − p)]}, logs clamped to ≥ −100. */
    public static Tensor bce(Tensor p, Tensor y) {
        return Losses.bce(p, y, Reduction.MEAN);
    }

    /** Binary cross-entropy {@code −[y ln p + (1 − y) ln(1 − p)]}, reduced by {@code reduction}. */
    public static Tensor bce(Tensor p, Tensor y, Reduction reduction) {
        return Losses.bce(p, y, reduction);
    }

    /** {@code mean [max(z, 0) − z·y + ln(1 + e^(−|z|))]}: BCE of sigmoid(z), computed stably. */
    public static Tensor bceWithLogits(Tensor z, Tensor y) {
        return Losses.bceWithLogits(z, y, Reduction.MEAN);
    }

    /** {@code max(z, 0) − z·y + ln(1 + e^(−|z|))}, reduced by {@code reduction}. */
    public static Tensor bceWithLogits(Tensor z, Tensor y, Reduction reduction) {
        return Losses.bceWithLogits(z, y, reduction);
    }

    /**
     * Cross-entropy of logits [N, C] (or [C]) against class indices [N] (or []; any dtype with
     * integral values): {@code mean_n −log softmax(logits_n)[target_n]}. A float target with the
     * logits' shape is read as class probabilities: {@code −Σ_c target_nc log softmax_nc}.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return Losses.crossEntropy(logits, target, Reduction.MEAN);
    }

    /** Cross-entropy as {@link #crossEntropy(Tensor, Tensor)}, reduced by {@code reduction}. */
    public static Tensor crossEntropy(Tensor logits, Tensor target, Reduction reduction) {
        return Losses.crossEntropy(logits, target, reduction);
    }

    /** Negative log-likelihood {@code mean_n −logProbs[n, target_n]}. */
    public static Tensor nllLoss(Tensor logProbs, Tensor target) {
        return Losses.nllLoss("nllLoss", logProbs, target, Reduction.MEAN);
    }

    /** {@code −logProbs[n, target_n]}, reduced by {@code reduction}. */
    public static Tensor nllLoss(Tensor logProbs, Tensor target, Reduction reduction) {
        return Losses.nllLoss("nllLoss", logProbs, target, reduction);
    }
}
