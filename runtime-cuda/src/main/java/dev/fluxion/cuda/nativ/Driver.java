package dev.fluxion.cuda.nativ;

import dev.fluxion.cuda.CudaException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * FFM bindings to the CUDA driver API ({@code libcuda.so.1}), the entry points cuda.h
 * {@code #define}s: {@code cuMemAlloc} is {@code cuMemAlloc_v2}, and so on. Signatures as in the
 * CUDA 13 cuda.h; {@code CUdeviceptr} is a 64-bit integer, handles are pointers.
 *
 * <p>Every method checks its {@code CUresult} and throws {@link CudaException} with the call and
 * the error's name and description.
 */
public final class Driver {

    /** {@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR}. */
    public static final int ATTR_CC_MAJOR = 75;
    /** {@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR}. */
    public static final int ATTR_CC_MINOR = 76;
    /** {@code CU_STREAM_NON_BLOCKING}: no implicit synchronisation with the legacy stream. */
    public static final int STREAM_NON_BLOCKING = 1;

    private final NativeLibrary lib;
    private final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName,
            cuDeviceGetAttribute, cuDevicePrimaryCtxRetain, cuCtxSetCurrent, cuMemAlloc, cuMemFree,
            cuMemcpyHtoDAsync, cuMemcpyDtoHAsync, cuMemcpyDtoDAsync, cuMemsetD8Async, cuStreamCreate,
            cuStreamSynchronize, cuStreamDestroy, cuModuleLoadData, cuModuleGetFunction, cuLaunchKernel,
            cuGetErrorName, cuGetErrorString, cuCtxSynchronize;

    /** Binds the driver library; throws {@link CudaLibraryNotFoundException} when there is none. */
    public Driver(LibraryLocator locator) {
        this(locator, true);
    }

    /** Binds the driver found by {@code locator}, asking the system loader too when {@code trySystemLoader}. */
    public Driver(LibraryLocator locator, boolean trySystemLoader) {
        lib = NativeLibrary.load("cuda", "libcuda.so.1", locator, trySystemLoader);
        cuInit = lib.function("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuDriverGetVersion = lib.function("cuDriverGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuDeviceGetCount = lib.function("cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuDeviceGet = lib.function("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDeviceGetName = lib.function("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceGetAttribute = lib.function("cuDeviceGetAttribute",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDevicePrimaryCtxRetain = lib.function("cuDevicePrimaryCtxRetain",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuCtxSetCurrent = lib.function("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuCtxSynchronize = lib.function("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        cuMemAlloc = lib.function("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFree = lib.function("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        cuMemcpyHtoDAsync = lib.function("cuMemcpyHtoDAsync_v2",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
        cuMemcpyDtoHAsync = lib.function("cuMemcpyDtoHAsync_v2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        cuMemcpyDtoDAsync = lib.function("cuMemcpyDtoDAsync_v2",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        cuMemsetD8Async = lib.function("cuMemsetD8Async",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ValueLayout.JAVA_BYTE, JAVA_LONG, ADDRESS));
        cuStreamCreate = lib.function("cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuStreamSynchronize = lib.function("cuStreamSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuStreamDestroy = lib.function("cuStreamDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuModuleLoadData = lib.function("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuModuleGetFunction = lib.function("cuModuleGetFunction",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuLaunchKernel = lib.function("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuGetErrorName = lib.function("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        cuGetErrorString = lib.function("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** Where libcuda was loaded from. */
    public String origin() {
        return lib.origin();
    }

    public void init() {
        check(call(() -> (int) cuInit.invokeExact(0)), "cuInit");
    }

    public int driverVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check(call(() -> (int) cuDriverGetVersion.invokeExact(v)), "cuDriverGetVersion");
            return v.get(JAVA_INT, 0);
        }
    }

    public int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check(call(() -> (int) cuDeviceGetCount.invokeExact(v)), "cuDeviceGetCount");
            return v.get(JAVA_INT, 0);
        }
    }

    /** The {@code CUdevice} of ordinal {@code ordinal}. */
    public int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check(call(() -> (int) cuDeviceGet.invokeExact(v, ordinal)), "cuDeviceGet(" + ordinal + ")");
            return v.get(JAVA_INT, 0);
        }
    }

    public String deviceName(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            check(call(() -> (int) cuDeviceGetName.invokeExact(buf, 256, device)), "cuDeviceGetName");
            return buf.getString(0);
        }
    }

    public int attribute(int attribute, int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check(call(() -> (int) cuDeviceGetAttribute.invokeExact(v, attribute, device)), "cuDeviceGetAttribute");
            return v.get(JAVA_INT, 0);
        }
    }

    /** The device's primary context (the one the CUDA runtime and PyTorch share). */
    public MemorySegment primaryContext(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check(call(() -> (int) cuDevicePrimaryCtxRetain.invokeExact(v, device)), "cuDevicePrimaryCtxRetain");
            return v.get(ADDRESS, 0);
        }
    }

    public void setCurrent(MemorySegment context) {
        check(call(() -> (int) cuCtxSetCurrent.invokeExact(context)), "cuCtxSetCurrent");
    }

    public void contextSynchronize() {
        check(call(() -> (int) cuCtxSynchronize.invokeExact()), "cuCtxSynchronize");
    }

    /** {@code cuMemAlloc}: a device pointer to {@code bytes} bytes; the status is returned, not thrown. */
    public int tryMalloc(long bytes, MemorySegment out) {
        return call(() -> (int) cuMemAlloc.invokeExact(out, bytes));
    }

    public void free(long devicePointer) {
        check(call(() -> (int) cuMemFree.invokeExact(devicePointer)), "cuMemFree");
    }

    public void copyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        check(call(() -> (int) cuMemcpyHtoDAsync.invokeExact(dst, src, bytes, stream)), "cuMemcpyHtoDAsync");
    }

    public void copyDtoHAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        check(call(() -> (int) cuMemcpyDtoHAsync.invokeExact(dst, src, bytes, stream)), "cuMemcpyDtoHAsync");
    }

    public void copyDtoDAsync(long dst, long src, long bytes, MemorySegment stream) {
        check(call(() -> (int) cuMemcpyDtoDAsync.invokeExact(dst, src, bytes, stream)), "cuMemcpyDtoDAsync");
    }

    public void memsetZeroAsync(long dst, long bytes, MemorySegment stream) {
        check(call(() -> (int) cuMemsetD8Async.invokeExact(dst, (byte) 0, bytes, stream)), "cuMemsetD8Async");
    }

    public MemorySegment streamCreate(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check(call(() -> (int) cuStreamCreate.invokeExact(v, flags)), "cuStreamCreate");
            return v.get(ADDRESS, 0);
        }
    }

    public void streamSynchronize(MemorySegment stream) {
        check(call(() -> (int) cuStreamSynchronize.invokeExact(stream)), "cuStreamSynchronize");
    }

    public void streamDestroy(MemorySegment stream) {
        check(call(() -> (int) cuStreamDestroy.invokeExact(stream)), "cuStreamDestroy");
    }

    /** Loads a module from a NUL-terminated PTX image. */
    public MemorySegment moduleLoadData(MemorySegment image) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check(call(() -> (int) cuModuleLoadData.invokeExact(v, image)), "cuModuleLoadData");
            return v.get(ADDRESS, 0);
        }
    }

    public MemorySegment moduleFunction(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            MemorySegment cname = a.allocateFrom(name);
            check(call(() -> (int) cuModuleGetFunction.invokeExact(v, module, cname)), "cuModuleGetFunction(" + name + ")");
            return v.get(ADDRESS, 0);
        }
    }

    /** {@code cuLaunchKernel}: {@code params} is the {@code void**} array of pointers to each argument. */
    public void launch(MemorySegment function, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes,
                       MemorySegment stream, MemorySegment params, String kernelName) {
        int rc;
        try {
            rc = (int) cuLaunchKernel.invokeExact(function, gx, gy, gz, bx, by, bz, sharedBytes, stream, params,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != 0) {
            check(rc, "cuLaunchKernel(" + kernelName + ")");
        }
    }

    /** Throws {@link CudaException} when {@code rc} is not {@code CUDA_SUCCESS}. */
    public void check(int rc, String what) {
        if (rc != 0) {
            throw new CudaException(what + " failed: " + errorName(rc) + " (" + rc + "): " + errorString(rc), rc);
        }
    }

    public String errorName(int rc) {
        return errorText(cuGetErrorName, rc);
    }

    public String errorString(int rc) {
        return errorText(cuGetErrorString, rc);
    }

    private static String errorText(MethodHandle h, int rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            int r = (int) h.invokeExact(rc, p);
            MemorySegment s = p.get(ADDRESS, 0);
            return r == 0 && !s.equals(MemorySegment.NULL) ? s.reinterpret(4096).getString(0) : "unknown error";
        } catch (Throwable t) {
            return "unknown error";
        }
    }

    /** A native call that returns a status. */
    @FunctionalInterface
    interface StatusCall {
        int call() throws Throwable;
    }

    static int call(StatusCall c) {
        try {
            return c.call();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
