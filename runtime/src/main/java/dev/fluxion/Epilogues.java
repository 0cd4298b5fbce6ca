package dev.fluxion;

import dev.fluxion.kernel.Elementwise;
import dev.fluxion.kernel.UnaryOp;
import org.jspecify.annotations.Nullable;

/**
 * A linear layer with its bias and activation applied to the product's output in place:
 * {@code act(x·Wᵀ + b)} for x [..., in], W [out, in] and b [out], with one result tensor and no
 * intermediate (the unfused {@code F.linear(x, w, b).sigmoid()} allocates three). The processor's
 * {@code MatmulEpilogues} pass calls these for a {@code linear} whose only reader is its activation.
 *
 * <p>Same bits as the unfused calls: the product is the same GEMM, the bias is one float (or
 * double) addition per element as {@code plus} does, and the activation is the same elementwise
 * kernel as {@code sigmoid()}/{@code tanh()}/{@code relu()}, run over the output in place; each
 * of those kernels gives the same bits for an element wherever it lies (vector body or last
 * partial vector, see {@code FloatVectorMath}). Operands the in-place path does not take (a device
 * tensor, a bias of another dtype or shape) go through the unfused calls.
 */
public final class Epilogues {
    private Epilogues() {}

    /** {@code x·Wᵀ + b}: {@link F#linear(Tensor, Tensor, Tensor)} with the bias added in place. */
    public static Tensor linear(Tensor x, Tensor weight, @Nullable Tensor bias) {
        return linear(x, weight, bias, UnaryOp.IDENTITY);
    }

    /** {@code σ(x·Wᵀ + b)}, the same bits as {@code F.linear(x, weight, bias).sigmoid()}. */
    public static Tensor linearSigmoid(Tensor x, Tensor weight, @Nullable Tensor bias) {
        return linear(x, weight, bias, UnaryOp.SIGMOID);
    }

    /** {@code tanh(x·Wᵀ + b)}, the same bits as {@code F.linear(x, weight, bias).tanh()}. */
    public static Tensor linearTanh(Tensor x, Tensor weight, @Nullable Tensor bias) {
        return linear(x, weight, bias, UnaryOp.TANH);
    }

    /** {@code max(x·Wᵀ + b, 0)}, the same bits as {@code F.linear(x, weight, bias).relu()}. */
    public static Tensor linearRelu(Tensor x, Tensor weight, @Nullable Tensor bias) {
        return linear(x, weight, bias, UnaryOp.RELU);
    }

    private static Tensor linear(Tensor x, Tensor weight, @Nullable Tensor bias, UnaryOp act) {
        return linear(x, weight, bias, act, null);
    }

    /**
     * {@link #linear(Tensor, Tensor, Tensor, UnaryOp)} with the product written into {@code into}
     * where it is not null (dense [rows of x, rows of weight] of their one dtype; x and weight 2-D
     * on the CPU with at least one column: the caller checks), else into a new tensor.
     */
    static Tensor linear(Tensor x, Tensor weight, @Nullable Tensor bias, UnaryOp act, @Nullable Tensor into) {
        Tensor y;
        if (into != null) {
            MatMul.product2d(x.shape[1], x, x.strides[0], x.strides[1], weight, weight.strides[1], weight.strides[0], into);
            y = into;
        } else {
            y = x.matmul(weight.t());
        }
        boolean inPlace = y.buffer == null && y.dtype.isFloatingPoint() && y.isContiguous() && y.numel() > 0
                && (bias == null || (bias.buffer == null && bias.dtype == y.dtype && bias.dim() == 1 && y.dim() >= 1
                && bias.shape[0] == y.shape[y.dim() - 1]));
        if (!inPlace) {
            return activate(bias == null ? y : y.plus(bias), act);
        }
        int n = y.numel();
        if (bias != null) {
            addRows(y, bias);
        }
        if (act != UnaryOp.IDENTITY) {
            if (y.f != null) {
                Elementwise.unary(act, 0, 0, y.f, y.offset, 1, y.f, y.offset, 1, n);
            } else {
                Elementwise.unary(act, 0, 0, y.d, y.offset, 1, y.d, y.offset, 1, n);
            }
        }
        return Tensor.checked("linear", y);
    }

    /** {@code y[r, j] += b[j]} over every row of contiguous y (a fresh product nothing else holds). Modified: {@code y}. */
    private static void addRows(Tensor y, Tensor b) {
        int cols = b.shape[0], rows = y.numel() / cols, bs = b.strides[0];
        if (y.f != null) {
            float[] o = y.f, v = b.f;
            for (int r = 0, at = y.offset; r < rows; r++, at += cols) {
                for (int j = 0, bj = b.offset; j < cols; j++, bj += bs) {
                    o[at + j] += v[bj];
                }
            }
        } else {
            double[] o = y.d, v = b.d;
            for (int r = 0, at = y.offset; r < rows; r++, at += cols) {
                for (int j = 0, bj = b.offset; j < cols; j++, bj += bs) {
                    o[at + j] += v[bj];
                }
            }
        }
    }

    private static Tensor activate(Tensor z, UnaryOp act) {
        return switch (act) {
            case SIGMOID -> z.sigmoid();
            case TANH -> z.tanh();
            case RELU -> z.relu();
            default -> z;
        };
    }
}
