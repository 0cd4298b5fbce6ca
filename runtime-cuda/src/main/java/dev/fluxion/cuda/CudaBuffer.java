package dev.fluxion.cuda;

import dev.fluxion.DType;
import dev.fluxion.Device;
import dev.fluxion.DeviceBuffer;
import dev.fluxion.Devices;
import dev.fluxion.Tensor;

import java.util.Arrays;

/**
 * The device memory behind a runtime {@link Tensor} on CUDA: a flat {@link CudaTensor} that the
 * tensor views with its shape, strides and offset. Also the conversions between the two types.
 */
final class CudaBuffer implements DeviceBuffer {

    /** The memory, flat and contiguous (its dtype is the runtime tensor's). */
    final CudaTensor storage;

    private CudaBuffer(CudaTensor storage) {
        this.storage = storage;
    }

    @Override
    public Device device() {
        return storage.device();
    }

    @Override
    public String toString() {
        return "CudaBuffer(" + storage.numel() + " × " + storage.dtype().torchName() + " on " + device() + ")";
    }

    /** A runtime tensor of {@code c}'s shape over its memory (no copy). */
    static Tensor wrap(CudaTensor c) {
        return Devices.wrap(new CudaBuffer(c.reshape((int) c.numel())), c.dtype(), c.shape());
    }

    /** The memory of device tensor {@code t}; an error for a CPU tensor. */
    static CudaTensor storage(Tensor t) {
        if (!(Devices.buffer(t) instanceof CudaBuffer b)) {
            throw new IllegalArgumentException("expected a tensor on CUDA, got one on " + t.device() + " of shape "
                    + Arrays.toString(t.shape()));
        }
        return b.storage;
    }

    /** {@code t} as a contiguous CudaTensor: its own memory when it is contiguous, else a copy. */
    static CudaTensor contiguous(Tensor t) {
        Tensor c = t.isContiguous() ? t : FusedElementwise.copy(t, t.dtype());
        return storage(c).window(Devices.offset(c), c.shape());
    }

    /** {@code t} contiguous and of {@code dtype}. */
    static CudaTensor contiguous(Tensor t, DType dtype) {
        return contiguous(t.dtype() == dtype ? t : FusedElementwise.copy(t, dtype));
    }
}
