package dev.fluxion.cuda.nativ;

import dev.fluxion.cuda.CudaException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * FFM bindings to NVRTC ({@code libnvrtc}), signatures from nvrtc.h:
 * {@code nvrtcCreateProgram(nvrtcProgram* prog, const char* src, const char* name, int numHeaders,
 * const char* const* headers, const char* const* includeNames)},
 * {@code nvrtcCompileProgram(prog, int numOptions, const char* const* options)},
 * {@code nvrtcGetPTXSize(prog, size_t*)}, {@code nvrtcGetPTX(prog, char*)}, the same pair for the log,
 * {@code nvrtcDestroyProgram(nvrtcProgram*)} and {@code const char* nvrtcGetErrorString(nvrtcResult)}.
 */
public final class Nvrtc {

    private final NativeLibrary lib;
    private final MethodHandle createProgram, compileProgram, getPtxSize, getPtx, getLogSize, getLog, destroyProgram,
            errorString;

    /** Binds NVRTC; throws {@link CudaLibraryNotFoundException} when it is not found. */
    public Nvrtc(LibraryLocator locator) {
        lib = NativeLibrary.load("nvrtc", "libnvrtc.so", locator, true);
        createProgram = lib.function("nvrtcCreateProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compileProgram = lib.function("nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        getPtxSize = lib.function("nvrtcGetPTXSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getPtx = lib.function("nvrtcGetPTX", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getLogSize = lib.function("nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getLog = lib.function("nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        destroyProgram = lib.function("nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        errorString = lib.function("nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** Where libnvrtc was loaded from. */
    public String origin() {
        return lib.origin();
    }

    /**
     * Compiles CUDA C {@code source} to PTX with {@code options} (e.g. {@code --gpu-architecture=compute_90});
     * a compile error throws {@link CudaException} carrying NVRTC's log.
     */
    public String compileToPtx(String source, String name, List<String> options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment progPtr = a.allocate(ADDRESS);
            MemorySegment src = a.allocateFrom(source);
            MemorySegment cname = a.allocateFrom(name);
            check(Driver.call(() -> (int) createProgram.invokeExact(progPtr, src, cname, 0, MemorySegment.NULL,
                    MemorySegment.NULL)), "nvrtcCreateProgram");
            MemorySegment prog = progPtr.get(ADDRESS, 0);
            try {
                MemorySegment opts = a.allocate(ADDRESS, Math.max(1, options.size()));
                for (int i = 0; i < options.size(); i++) {
                    opts.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i)));
                }
                int n = options.size();
                int rc = Driver.call(() -> (int) compileProgram.invokeExact(prog, n, opts));
                if (rc != 0) {
                    throw new CudaException("nvrtcCompileProgram(" + name + ") failed: " + errorName(rc) + "\n"
                            + log(a, prog), rc);
                }
                MemorySegment size = a.allocate(JAVA_LONG);
                check(Driver.call(() -> (int) getPtxSize.invokeExact(prog, size)), "nvrtcGetPTXSize");
                MemorySegment ptx = a.allocate(JAVA_BYTE, size.get(JAVA_LONG, 0) + 1); // zeroed: a NUL even if the size leaves it out
                check(Driver.call(() -> (int) getPtx.invokeExact(prog, ptx)), "nvrtcGetPTX");
                return ptx.getString(0);
            } finally {
                Driver.call(() -> (int) destroyProgram.invokeExact(progPtr));
            }
        }
    }

    private String log(Arena a, MemorySegment prog) {
        MemorySegment size = a.allocate(JAVA_LONG);
        if (Driver.call(() -> (int) getLogSize.invokeExact(prog, size)) != 0) {
            return "(no log)";
        }
        MemorySegment log = a.allocate(JAVA_BYTE, Math.max(1, size.get(JAVA_LONG, 0)));
        if (Driver.call(() -> (int) getLog.invokeExact(prog, log)) != 0) {
            return "(no log)";
        }
        return log.getString(0);
    }

    private void check(int rc, String call) {
        if (rc != 0) {
            throw new CudaException(call + " failed: " + errorName(rc), rc);
        }
    }

    private String errorName(int rc) {
        try {
            MemorySegment s = (MemorySegment) errorString.invokeExact(rc);
            return s.reinterpret(1024).getString(0) + " (" + rc + ")";
        } catch (Throwable t) {
            return "nvrtcResult " + rc;
        }
    }
}
