package dev.fluxion.cuda;

import dev.fluxion.Device;

import dev.fluxion.DType;
import dev.fluxion.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A dense tensor in CUDA device memory: float32 (a {@code float} per element) or float64, INT64
 * and BOOL (a {@code double} per element, as the runtime stores them), contiguous, row-major.
 *
 * <p>Memory comes from the device's {@link CachingAllocator} and goes back to it on {@link #close()}
 * or, failing that, when the tensor is garbage collected. Work is queued on the calling thread's
 * stream; only {@link #toHost()} and {@link #item()} wait for it. A tensor made on one thread and
 * used on another must be synchronised first ({@link Cuda#synchronize}).
 */
public final class CudaTensor implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();

    /**
     * Device memory shared by a tensor and its reshaped views: the Cleaner watches this object, which
     * every view references, so the memory goes back only when no view can reach it.
     */
    private static final class Storage {
        final CachingAllocator.Block block;
        final Releaser releaser;
        final Cleaner.Cleanable cleanable;

        Storage(CachingAllocator allocator, CachingAllocator.Block block) {
            this.block = block;
            this.releaser = new Releaser(allocator, block);
            this.cleanable = CLEANER.register(this, releaser);
        }
    }

    /** Returns a block to its allocator once (the cleaning action: it must not reference the Storage). */
    private static final class Releaser implements Runnable {
        final CachingAllocator allocator;
        final CachingAllocator.Block block;
        final AtomicBoolean released = new AtomicBoolean();

        Releaser(CachingAllocator allocator, CachingAllocator.Block block) {
            this.allocator = allocator;
            this.block = block;
        }

        @Override
        public void run() {
            if (released.compareAndSet(false, true)) {
                allocator.release(block);
            }
        }
    }

    private final DeviceContext ctx;
    private final DType dtype;
    private final int[] shape;
    private final long numel;
    private final Storage storage;
    /** Elements between the start of the storage and this tensor's first element (a window of a runtime view). */
    private final long elementOffset;

    private CudaTensor(DeviceContext ctx, DType dtype, int[] shape, Storage storage) {
        this(ctx, dtype, shape, storage, 0);
    }

    private CudaTensor(DeviceContext ctx, DType dtype, int[] shape, Storage storage, long elementOffset) {
        this.ctx = ctx;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.numel = numel(shape);
        this.storage = storage;
        this.elementOffset = elementOffset;
    }

    /** An uninitialised tensor on {@code device}. */
    public static CudaTensor empty(Device device, DType dtype, int... shape) {
        return empty(Cuda.context(device), dtype, shape);
    }

    static CudaTensor empty(DeviceContext ctx, DType dtype, int... shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative size in shape " + Arrays.toString(shape));
            }
        }
        long bytes = Math.max(1, numel(shape)) * elementSize(dtype);
        CachingAllocator.Block block = ctx.allocator().allocate(bytes, ctx.stream().address());
        return new CudaTensor(ctx, dtype, shape, new Storage(ctx.allocator(), block));
    }

    /** Zeros on {@code device}. */
    public static CudaTensor zeros(Device device, DType dtype, int... shape) {
        CudaTensor t = empty(device, dtype, shape);
        t.ctx.runtime().driver().memsetZeroAsync(t.pointer(), t.bytes(), t.ctx.stream());
        return t;
    }

    /** A copy of {@code t} on {@code device} (waits until the copy is done, as PyTorch's blocking {@code .to}). */
    public static CudaTensor toDevice(Tensor t, Device device) {
        if (!device.isCuda()) {
            throw new IllegalArgumentException("toDevice: " + device + " is not a CUDA device; use the Tensor itself");
        }
        DeviceContext ctx = Cuda.context(device);
        CudaTensor d = empty(ctx, t.dtype(), t.shape());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = t.dtype() == DType.FLOAT32
                    ? a.allocateFrom(ValueLayout.JAVA_FLOAT, t.contiguous().toFloatArray())
                    : a.allocateFrom(ValueLayout.JAVA_DOUBLE, t.contiguous().toDoubleArray());
            MemorySegment stream = ctx.stream();
            ctx.runtime().driver().copyHtoDAsync(d.pointer(), host, d.bytes(), stream);
            ctx.runtime().driver().streamSynchronize(stream); // the host buffer dies with the arena
        }
        return d;
    }

    /** A copy of this tensor in host memory; waits for the work queued on this thread's stream. */
    public Tensor toHost() {
        MemorySegment stream = ctx.stream();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(Math.max(1, bytes()), 8);
            ctx.runtime().driver().copyDtoHAsync(host, pointer(), bytes(), stream);
            ctx.runtime().driver().streamSynchronize(stream);
            if (dtype == DType.FLOAT32) {
                float[] data = numel == 0 ? new float[0] : host.asSlice(0, bytes()).toArray(ValueLayout.JAVA_FLOAT);
                return Tensor.fromArray(data, shape);
            }
            double[] data = numel == 0 ? new double[0] : host.asSlice(0, bytes()).toArray(ValueLayout.JAVA_DOUBLE);
            Tensor h = Tensor.fromArray(data, shape);
            return dtype == DType.FLOAT64 ? h : h.to(dtype);
        }
    }

    /** The single value of a one-element tensor (waits for the stream). */
    public double item() {
        if (numel != 1) {
            throw new IllegalArgumentException("item() needs one element; this tensor has shape " + Arrays.toString(shape));
        }
        return toHost().item();
    }

    /** A view with another shape of the same number of elements, sharing this tensor's memory. */
    public CudaTensor reshape(int... newShape) {
        if (numel(newShape) != numel) {
            throw new IllegalArgumentException("reshape: " + Arrays.toString(shape) + " (" + numel + " elements) to "
                    + Arrays.toString(newShape));
        }
        return new CudaTensor(ctx, dtype, newShape, storage, elementOffset);
    }

    /**
     * A contiguous window of this tensor's memory: {@code shape} starting {@code offset} elements
     * after this tensor's first element, sharing the memory (a contiguous runtime view on the device).
     */
    CudaTensor window(long offset, int... newShape) {
        if (offset < 0 || (numel(newShape) > 0 && offset + numel(newShape) > numel)) {
            throw new IllegalArgumentException("window: " + Arrays.toString(newShape) + " at " + offset
                    + " does not fit in " + Arrays.toString(shape));
        }
        return new CudaTensor(ctx, dtype, newShape, storage, elementOffset + offset);
    }

    /** The same memory seen as {@code dtype}, which must have this dtype's storage (BOOL as float64, say). */
    CudaTensor withDtype(DType newType) {
        if (elementSize(newType) != elementSize(dtype)) {
            throw new IllegalArgumentException("withDtype: " + dtype + " and " + newType + " are stored differently");
        }
        return new CudaTensor(ctx, newType, shape, storage, elementOffset);
    }

    /** A copy in new memory. */
    public CudaTensor copy() {
        CudaTensor c = empty(ctx, dtype, shape);
        ctx.runtime().driver().copyDtoDAsync(c.pointer(), pointer(), bytes(), ctx.stream());
        return c;
    }

    /** The device this tensor lives on. */
    public Device device() {
        return ctx.device();
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim() {
        return shape.length;
    }

    public int size(int d) {
        return shape[d < 0 ? d + shape.length : d];
    }

    public long numel() {
        return numel;
    }

    /** Bytes of data. */
    public long bytes() {
        return numel * elementSize(dtype);
    }

    /** The device address of the first element. */
    long pointer() {
        if (storage.releaser.released.get()) {
            throw new IllegalStateException("this CUDA tensor was closed");
        }
        return storage.block.pointer() + elementOffset * elementSize(dtype);
    }

    DeviceContext context() {
        return ctx;
    }

    /** Whether elements are {@code double}s on the device. */
    boolean isDoubleStorage() {
        return dtype != DType.FLOAT32;
    }

    /** Returns the memory to the allocator now (views of it die with it). */
    @Override
    public void close() {
        storage.cleanable.clean();
    }

    @Override
    public String toString() {
        return "CudaTensor(" + Arrays.toString(shape) + ", " + dtype.torchName() + ", device='" + device() + "')";
    }

    static long elementSize(DType dtype) {
        return dtype == DType.FLOAT32 ? 4 : 8;
    }

    static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }
}
