package dev.fluxion.cuda;

import dev.fluxion.Device;

import dev.fluxion.cuda.nativ.Cublas;
import dev.fluxion.cuda.nativ.Driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One CUDA device: its primary context, its allocator, its loaded kernel modules, and per thread a
 * stream and a cuBLAS handle (one stream per thread, as PyTorch's current stream: work a thread
 * queues runs in order, without synchronising with other threads).
 */
final class DeviceContext {

    /** Per thread and device: the stream, the cuBLAS handle and its math mode. */
    private static final class PerThread {
        MemorySegment stream;
        MemorySegment cublas;
        int cublasMathMode = -1;
    }

    /** The context made current on this thread last (none yet: null). */
    private static final ThreadLocal<DeviceContext[]> CURRENT = ThreadLocal.withInitial(() -> new DeviceContext[1]);

    private final CudaRuntime runtime;
    private final Device device;
    private final MemorySegment context;
    private final String name;
    private final int computeCapability;
    private final CachingAllocator allocator;
    private final ThreadLocal<PerThread> perThread = ThreadLocal.withInitial(PerThread::new);
    private final Map<KernelSources, MemorySegment> modules = new ConcurrentHashMap<>();
    private final Map<String, MemorySegment> functions = new ConcurrentHashMap<>();
    private final KernelCache cache = KernelCache.system();
    /** Generated kernels by their complete source (the name alone may be reused with another body). */
    private final Map<String, MemorySegment> generated = new ConcurrentHashMap<>();
    /** The same, by description: a launch looks its kernel up without generating the source again. */
    private final Map<dev.fluxion.cuda.codegen.ElementwiseKernel, MemorySegment> byKernel = new ConcurrentHashMap<>();

    DeviceContext(CudaRuntime runtime, int ordinal) {
        this.runtime = runtime;
        this.device = Device.cuda(ordinal);
        Driver d = runtime.driver();
        int cuDevice = d.device(ordinal);
        this.name = d.deviceName(cuDevice);
        this.computeCapability = 10 * d.attribute(Driver.ATTR_CC_MAJOR, cuDevice) + d.attribute(Driver.ATTR_CC_MINOR, cuDevice);
        this.context = d.primaryContext(cuDevice);
        this.allocator = new CachingAllocator(new DriverMemory());
    }

    CudaRuntime runtime() {
        return runtime;
    }

    Device device() {
        return device;
    }

    String name() {
        return name;
    }

    int computeCapability() {
        return computeCapability;
    }

    CachingAllocator allocator() {
        return allocator;
    }

    /** Makes this device's context current on the calling thread (a no-op when it already is). */
    void makeCurrent() {
        DeviceContext[] current = CURRENT.get();
        if (current[0] != this) {
            runtime.driver().setCurrent(context);
            current[0] = this;
        }
    }

    /** The calling thread's stream on this device (created on first use, non-blocking). */
    MemorySegment stream() {
        makeCurrent();
        PerThread t = perThread.get();
        if (t.stream == null) {
            t.stream = runtime.driver().streamCreate(Driver.STREAM_NON_BLOCKING);
        }
        return t.stream;
    }

    /** The calling thread's cuBLAS handle on this device, bound to its stream, in the current math mode. */
    MemorySegment cublasHandle() {
        MemorySegment stream = stream();
        PerThread t = perThread.get();
        Cublas cublas = runtime.cublas();
        if (t.cublas == null) {
            t.cublas = cublas.create();
            cublas.setStream(t.cublas, stream);
        }
        int mode = CudaRuntime.mathMode();
        if (t.cublasMathMode != mode) {
            cublas.setMathMode(t.cublas, mode);
            t.cublasMathMode = mode;
        }
        return t.cublas;
    }

    /** The kernel {@code name} of {@code file}, compiling (or reading from the disk cache) the module at first use. */
    MemorySegment function(KernelSources file, String name) {
        MemorySegment f = functions.get(name);
        if (f == null) {
            makeCurrent();
            MemorySegment module = modules.computeIfAbsent(file, this::loadModule);
            f = runtime.driver().moduleFunction(module, name);
            functions.put(name, f);
        }
        return f;
    }

    /**
     * The generated kernel {@code name} defined by {@code source}: compiled by NVRTC at first use
     * and cached on disk (keyed by this device's compute capability and the source's hash), then
     * kept loaded for this context.
     */
    MemorySegment generatedFunction(String name, String source) {
        MemorySegment f = generated.get(source);
        if (f == null) {
            makeCurrent();
            // No a·b + c contracted into one FMA: a fused group rounds each op as the op alone does.
            MemorySegment module = loadModule(name, source, "--fmad=false");
            f = runtime.driver().moduleFunction(module, name);
            generated.put(source, f);
        }
        return f;
    }

    /** The loaded function of generated kernel {@code k} (its source generated and compiled at first use). */
    MemorySegment generatedFunction(dev.fluxion.cuda.codegen.ElementwiseKernel k) {
        MemorySegment f = byKernel.get(k);
        if (f == null) {
            f = generatedFunction(k.name(), dev.fluxion.cuda.codegen.CudaSourceGenerator.source(k));
            byKernel.put(k, f);
        }
        return f;
    }

    private MemorySegment loadModule(KernelSources file) {
        return loadModule(file.moduleName(), file.source());
    }

    private MemorySegment loadModule(String moduleName, String source, String... extraOptions) {
        List<String> options = new java.util.ArrayList<>(List.of("--gpu-architecture=compute_" + computeCapability,
                "--std=c++17"));
        options.addAll(List.of(extraOptions));
        String compilerKey = String.join(" ", options) + " " + runtime.nvrtc().origin();
        String ptx = cache.ptx(moduleName, source, compilerKey, computeCapability,
                () -> runtime.nvrtc().compileToPtx(source, moduleName + ".cu", options));
        try (Arena a = Arena.ofConfined()) {
            return runtime.driver().moduleLoadData(a.allocateFrom(ptx));
        }
    }

    /** {@code cuMemAlloc}/{@code cuMemFree} in this context. */
    private final class DriverMemory implements DeviceMemory {
        @Override
        public long allocate(long bytes) {
            makeCurrent();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment out = a.allocate(JAVA_LONG);
                int rc = runtime.driver().tryMalloc(bytes, out);
                if (rc == 2) { // CUDA_ERROR_OUT_OF_MEMORY
                    return 0;
                }
                runtime.driver().check(rc, "cuMemAlloc(" + bytes + ")");
                return out.get(JAVA_LONG, 0);
            }
        }

        @Override
        public void free(long pointer) {
            makeCurrent();
            runtime.driver().free(pointer);
        }
    }
}
