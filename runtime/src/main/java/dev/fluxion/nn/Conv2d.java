package dev.fluxion.nn;

import dev.fluxion.DType;
import dev.fluxion.F;
import dev.fluxion.FluxionException;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * A 2-D convolution over NCHW input, as {@code torch.nn.Conv2d(in, out, kernel, stride, padding)}
 * (square kernel, dilation 1, one group). {@link #weight} has shape {@code [out, in, k, k]},
 * {@link #bias} shape {@code [out]}; both start as PyTorch initialises them, from
 * {@code U(−1/√fanIn, 1/√fanIn)} with {@code fanIn = in·k·k} (kaiming-uniform with {@code a = √5}
 * for the weight). Forward is the known op {@link F#conv2d} (im2col + GEMM); derivatives in
 * {@link dev.fluxion.ConvDerivatives}.
 */
public final class Conv2d extends Module implements Layer {
    /** The kernels, shape {@code [out, in, k, k]}. */
    public final Parameter weight;

    /** The bias, shape {@code [out]}; null for a layer built with {@code bias = false}. */
    public final @Nullable Parameter bias;

    private final int stride;
    private final int padding;

    /**
     * A float32 layer with bias, stride 1 and no padding.
     *
     * @param in input channels
     * @param out output channels
     * @param kernel kernel size
     * @param rng source of the initial values
     */
    public Conv2d(int in, int out, int kernel, Random rng) {
        this(in, out, kernel, 1, 0, true, DType.FLOAT32, rng);
    }

    /**
     * A float32 layer with bias.
     *
     * @param in input channels
     * @param out output channels
     * @param kernel kernel size
     * @param stride step between output positions, ≥ 1
     * @param padding zeros added on each side, ≥ 0
     * @param rng source of the initial values
     */
    public Conv2d(int in, int out, int kernel, int stride, int padding, Random rng) {
        this(in, out, kernel, stride, padding, true, DType.FLOAT32, rng);
    }

    /**
     * @param in input channels, ≥ 1
     * @param out output channels, ≥ 1
     * @param kernel kernel size, ≥ 1
     * @param stride step between output positions, ≥ 1
     * @param padding zeros added on each side, ≥ 0
     * @param bias whether to add a learned bias
     * @param dtype {@code FLOAT32} or {@code FLOAT64}
     * @param rng source of the initial values (weight first, then bias)
     */
    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, DType dtype, Random rng) {
        if (in < 1 || out < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new FluxionException("Conv2d: invalid sizes in=" + in + ", out=" + out + ", kernel=" + kernel
                    + ", stride=" + stride + ", padding=" + padding);
        }
        Init.checkFloating("Conv2d", dtype);
        this.stride = stride;
        this.padding = padding;
        int fanIn = in * kernel * kernel;
        double bound = 1 / Math.sqrt(fanIn); // = kaiming-uniform's bound with a = √5
        this.weight = param(Init.uniform(rng, -bound, bound, dtype, out, in, kernel, kernel));
        this.bias = bias ? param(Init.uniform(rng, -bound, bound, dtype, out)) : null;
    }

    /** The stride. */
    public int stride() {
        return stride;
    }

    /** The zero padding on each side. */
    public int padding() {
        return padding;
    }

    /**
     * {@code F.conv2d(x, weight, bias, stride, padding)}.
     *
     * @param x input {@code [N, in, H, W]}
     * @return {@code [N, out, OH, OW]}
     */
    @Override
    public Tensor forward(Tensor x) {
        return F.conv2d(x, weight, bias, stride, padding);
    }

    /** {@code Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))}, as PyTorch prints it. */
    @Override
    public String toString() {
        int k = weight.size(2);
        return "Conv2d(" + weight.size(1) + ", " + weight.size(0) + ", kernel_size=(" + k + ", " + k + "), stride=("
                + stride + ", " + stride + ")" + (padding != 0 ? ", padding=(" + padding + ", " + padding + ")" : "")
                + (bias == null ? ", bias=False" : "") + ")";
    }
}
