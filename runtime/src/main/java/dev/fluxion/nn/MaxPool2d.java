package dev.fluxion.nn;

import dev.fluxion.F;
import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;

/**
 * 2-D max pooling over NCHW input with a square window and no padding, as
 * {@code torch.nn.MaxPool2d(kernel, stride)}. It has no parameters. Forward is the known op
 * {@link F#maxPool2d}; derivative {@link dev.fluxion.ConvDerivatives#maxPool2dGrad}.
 */
public final class MaxPool2d extends Module implements Layer {
    private final int kernel;
    private final int stride;

    /**
     * Non-overlapping windows: the stride is the kernel size (PyTorch's default).
     *
     * @param kernel the window size
     */
    public MaxPool2d(int kernel) {
        this(kernel, kernel);
    }

    /**
     * @param kernel the window size, ≥ 1
     * @param stride the step between windows, ≥ 1
     */
    public MaxPool2d(int kernel, int stride) {
        if (kernel < 1 || stride < 1) {
            throw new FluxionException("MaxPool2d: kernel and stride must be >= 1, got " + kernel + " and " + stride);
        }
        this.kernel = kernel;
        this.stride = stride;
    }

    /** The window size. */
    public int kernel() {
        return kernel;
    }

    /** The stride. */
    public int stride() {
        return stride;
    }

    /**
     * {@code F.maxPool2d(x, kernel, stride)}.
     *
     * @param x input {@code [N, C, H, W]}
     * @return {@code [N, C, ⌊(H − k)/s⌋ + 1, ⌊(W − k)/s⌋ + 1]}
     */
    @Override
    public Tensor forward(Tensor x) {
        return F.maxPool2d(x, kernel, stride);
    }

    /** {@code MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)}, as PyTorch prints it. */
    @Override
    public String toString() {
        return "MaxPool2d(kernel_size=" + kernel + ", stride=" + stride + ", padding=0, dilation=1, ceil_mode=False)";
    }
}
