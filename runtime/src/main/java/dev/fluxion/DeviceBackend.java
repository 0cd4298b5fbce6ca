package dev.fluxion;

import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.ReduceOp;
import dev.fluxion.kernel.UnaryOp;
import org.jspecify.annotations.Nullable;

/**
 * A provider of tensors on a non-CPU device, found with {@link java.util.ServiceLoader} (the
 * {@code fluxion-cuda} module registers one for CUDA), so that the CPU runtime carries no native
 * dependency. {@link Tensor} dispatches to it from the few primitives every op is built from:
 * elementwise ops (the {@link UnaryOp}/{@link BinaryOp} kernels that the composed derivative rules
 * also use), fused elementwise groups, reductions, matmul, softmax, cross-entropy, gather and its
 * adjoint (behind index, embedding and NLL), copies into views (cat), the im2col/col2im of
 * convolution, max pooling and the optimizers' in-place updates.
 *
 * <p>Operands reach a backend already checked to be on one device, except a 0-dim CPU tensor,
 * which may appear beside a device tensor as a scalar (as in PyTorch). A primitive a backend
 * cannot run throws with {@link Devices#unsupported}, naming the op and the device. The
 * results are device tensors made with {@link Devices#wrap}.
 */
public interface DeviceBackend {

    /** The kind of device this backend runs. */
    Device.Kind kind();

    /** Why the backend cannot run here (no driver, no device), or {@code ""} when it can. */
    String unavailableReason();

    /** A copy of CPU tensor {@code host} on {@code device}. */
    Tensor toDevice(Tensor host, Device device);

    /** A CPU copy of device tensor {@code t}. */
    Tensor toHost(Tensor t);

    /** A contiguous tensor of {@code dtype} on {@code device} with every element {@code value}. */
    Tensor full(Device device, DType dtype, double value, int[] shape);

    /**
     * {@code op(x)} elementwise, computed and stored as {@code dtype} (the runtime decides it as for
     * the CPU: x's floating dtype; INT64 or FLOAT32 for integer x, by op).
     */
    Tensor unary(String name, UnaryOp op, double p, double q, Tensor x, DType dtype);

    /**
     * {@code a op b} elementwise, broadcast, computed as {@code compute} and stored as
     * {@code result} (the runtime decides both as for the CPU: promotion, FLOAT32 for an integer
     * division, comparisons in FLOAT64 giving BOOL).
     */
    Tensor binary(String name, BinaryOp op, Tensor a, Tensor b, DType compute, DType result);

    /** {@code mask ? a : b}, broadcast; {@code mask} is BOOL. */
    Tensor where(Tensor mask, Tensor a, Tensor b);

    /** A contiguous copy of {@code x} converted to {@code dtype}. */
    Tensor convert(Tensor x, DType dtype);

    /** {@code op} over {@code dims} (normalised, ascending, none repeated). */
    Tensor reduce(String name, ReduceOp op, Tensor x, int[] dims, boolean keepDim);

    /** The product, as {@code torch.matmul}. */
    Tensor matmul(Tensor a, Tensor b);

    /** Softmax (or log-softmax) along {@code dim} (normalised). */
    Tensor softmax(Tensor x, int dim, boolean log);

    /** INT64 index of the first maximum of {@code x} along {@code dim} (normalised), as the CPU's argmax. */
    Tensor argmax(Tensor x, int dim, boolean keepDim);

    /**
     * The gradient of max (or min) along {@code dim}: {@code g} (x's shape with {@code dim} of size
     * 1) at the first index of each maximum (minimum) of {@code x} along {@code dim}, 0 elsewhere.
     */
    Tensor extremumGrad(Tensor g, Tensor x, int dim, boolean min);

    /** Cross-entropy of logits {@code [N, C]} against class indices {@code [N]}. */
    Tensor crossEntropy(Tensor logits, Tensor target, Reduction reduction);

    /** The gradient of {@link #crossEntropy} with respect to the logits, for cotangent {@code g}. */
    Tensor crossEntropyGrad(Tensor g, Tensor logits, Tensor target, Reduction reduction);

    /**
     * A fused elementwise group of {@link Fused#map} in one pass: {@code body} (only
     * {@link FusedExpr.Input}, {@link FusedExpr.Scalar}, {@link FusedExpr.Unary},
     * {@link FusedExpr.Binary}, and {@link FusedExpr.Unbroadcast}s that change nothing, which the
     * runtime has checked) over {@code inputs}, all on this device and of one floating dtype, which
     * broadcast together; {@code scalars} are the values of its {@code s0, s1, ...}. Each op rounds
     * to the dtype as the ops one by one would. Null where this backend does not fuse the group (the
     * runtime then runs its ops one by one).
     */
    @Nullable Tensor fused(FusedExpr body, double[] scalars, Tensor[] inputs);

    /**
     * {@code x.gather(dim, index)}: {@code out[.., k, ..] = x[.., index[.., k, ..], ..]} along
     * {@code dim}, of index's shape (the runtime has checked the ranks, sizes and that every index is
     * an integer in {@code [-size, size)}; a negative one counts from the end).
     */
    Tensor gather(Tensor x, int dim, Tensor index);

    /**
     * The adjoint of {@link #gather}: zeros of {@code shape} and {@code dtype} with
     * {@code g[.., k, ..]} added at {@code [.., index[.., k, ..], ..]} along {@code dim}, in the
     * order of k (so sums round as on the CPU); {@code g} broadcasts to index's shape.
     */
    Tensor scatterAdd(Tensor g, int[] shape, DType dtype, int dim, Tensor index);

    /** Writes {@code src} into {@code dst} (a view of a device tensor, src's shape), converting to dst's dtype. */
    void copyInto(Tensor src, Tensor dst);

    /** A convolution or pooling window over {@code [N, C, H, W]} images: kernel, stride, zero padding, output size. */
    record Window(int kh, int kw, int stride, int pad, int oh, int ow) {}

    /** The patches of {@code x} {@code [N, C, H, W]} under the window at each output position: {@code [N, C·KH·KW, OH·OW]}. */
    Tensor im2col(Tensor x, Window w);

    /** The adjoint of {@link #im2col}: {@code cols} added back onto images of {@code imageShape}. */
    Tensor col2im(Tensor cols, int[] imageShape, Window w);

    /** Max pooling of {@code x} {@code [N, C, H, W]} (no padding; NaN is the maximum of a window holding one). */
    Tensor maxPool2d(Tensor x, Window w);

    /** The gradient of {@link #maxPool2d}: g at each window's first maximum, summed where windows overlap. */
    Tensor maxPool2dGrad(Tensor g, Tensor x, Window w);

    /** The in-place update {@code update} of {@code dst} (contiguous); operands broadcast to its shape. */
    void inPlace(String name, InPlaceUpdate update, Tensor dst, Tensor a, Tensor b, double alpha);

    /** The in-place updates optimizers use; {@code a}, {@code b} may be null where unused. */
    enum InPlaceUpdate {
        /** dst += alpha · a. */
        ADD,
        /** dst *= alpha. */
        SCALE,
        /** dst = a. */
        COPY,
        /** dst = alpha. */
        FILL,
        /** dst += alpha · a · b. */
        ADD_PRODUCT,
        /** dst += alpha · a / b. */
        ADD_QUOTIENT
    }
}
