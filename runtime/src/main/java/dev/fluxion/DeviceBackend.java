package dev.fluxion;

import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.ReduceOp;
import dev.fluxion.kernel.UnaryOp;

/**
 * A provider of tensors on a non-CPU device, found with {@link java.util.ServiceLoader} (the
 * {@code fluxion-cuda} module registers one for CUDA), so that the CPU runtime carries no native
 * dependency. {@link Tensor} dispatches to it from the few primitives every op is built from:
 * elementwise ops (the {@link UnaryOp}/{@link BinaryOp} kernels that the composed derivative rules
 * also use), reductions, matmul, softmax, cross-entropy and the optimizers' in-place updates.
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

    /** {@code op(x)} elementwise, as the CPU's {@code Pointwise.unary}: integer x computes as the CPU does. */
    Tensor unary(String name, UnaryOp op, double p, double q, Tensor x);

    /** {@code a op b} elementwise, broadcast; comparisons give BOOL. */
    Tensor binary(String name, BinaryOp op, Tensor a, Tensor b);

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
