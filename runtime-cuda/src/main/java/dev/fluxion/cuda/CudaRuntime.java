package dev.fluxion.cuda;

import dev.fluxion.cuda.nativ.Cublas;
import dev.fluxion.cuda.nativ.Driver;
import dev.fluxion.cuda.nativ.LibraryLocator;
import dev.fluxion.cuda.nativ.Nvrtc;

import java.lang.foreign.MemorySegment;

/**
 * The bound libraries and one {@link DeviceContext} per device. cuBLAS and NVRTC are bound at
 * their first use, so a missing one fails that use with the places searched, not the whole backend.
 */
final class CudaRuntime {

    private static volatile boolean tf32;

    private final Driver driver;
    private final LibraryLocator locator;
    private final DeviceContext[] contexts;
    private volatile Cublas cublas;
    private volatile Nvrtc nvrtc;

    CudaRuntime(Driver driver, LibraryLocator locator, int deviceCount) {
        this.driver = driver;
        this.locator = locator;
        this.contexts = new DeviceContext[deviceCount];
    }

    Driver driver() {
        return driver;
    }

    int deviceCount() {
        return contexts.length;
    }

    synchronized DeviceContext context(int ordinal) {
        if (ordinal >= contexts.length) {
            throw new IllegalArgumentException("no device cuda:" + ordinal + ": this machine has " + contexts.length);
        }
        DeviceContext c = contexts[ordinal];
        if (c == null) {
            c = new DeviceContext(this, ordinal);
            contexts[ordinal] = c;
        }
        return c;
    }

    Cublas cublas() {
        Cublas c = cublas;
        if (c == null) {
            synchronized (this) {
                if (cublas == null) {
                    cublas = new Cublas(locator);
                }
                c = cublas;
            }
        }
        return c;
    }

    Nvrtc nvrtc() {
        Nvrtc n = nvrtc;
        if (n == null) {
            synchronized (this) {
                if (nvrtc == null) {
                    nvrtc = new Nvrtc(locator);
                }
                n = nvrtc;
            }
        }
        return n;
    }

    static void allowTf32(boolean allow) {
        tf32 = allow;
    }

    static int mathMode() {
        return tf32 ? Cublas.TF32_TENSOR_OP_MATH : Cublas.DEFAULT_MATH;
    }

    /** Whether {@code segment} is a real handle. */
    static boolean isNull(MemorySegment segment) {
        return segment == null || segment.equals(MemorySegment.NULL);
    }
}
