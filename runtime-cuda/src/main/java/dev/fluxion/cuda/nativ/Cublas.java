package dev.fluxion.cuda.nativ;

import dev.fluxion.cuda.CudaException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * FFM bindings to cuBLAS ({@code libcublas}), column-major as cuBLAS is: the callers do the
 * row-major transposition trick. {@code alpha}/{@code beta} are host pointers (the default pointer
 * mode). Signatures from cublas_api.h: {@code cublasSgemm_v2(handle, transa, transb, m, n, k,
 * const float* alpha, const float* A, int lda, const float* B, int ldb, const float* beta, float* C,
 * int ldc)}; the strided-batched forms add {@code long long} strides and an {@code int} batch count.
 */
public final class Cublas {

    /** {@code CUBLAS_OP_N}. */
    public static final int OP_N = 0;
    /** {@code CUBLAS_OP_T}. */
    public static final int OP_T = 1;
    /** {@code CUBLAS_DEFAULT_MATH}: full float32 (PyTorch's matmul default, TF32 off). */
    public static final int DEFAULT_MATH = 0;
    /** {@code CUBLAS_TF32_TENSOR_OP_MATH}: float32 GEMMs may round inputs to TF32 on tensor cores. */
    public static final int TF32_TENSOR_OP_MATH = 3;

    private final NativeLibrary lib;
    private final MethodHandle create, destroy, setStream, setMathMode, sgemm, dgemm, sgemmBatched, dgemmBatched;

    /** Binds cuBLAS; throws {@link CudaLibraryNotFoundException} when it is not found. */
    public Cublas(LibraryLocator locator) {
        lib = NativeLibrary.load("cublas", "libcublas.so", locator, true);
        create = lib.function("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = lib.function("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setStream = lib.function("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        setMathMode = lib.function("cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        FunctionDescriptor gemm = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
        sgemm = lib.function("cublasSgemm_v2", gemm);
        dgemm = lib.function("cublasDgemm_v2", gemm);
        FunctionDescriptor batched = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG,
                JAVA_INT, JAVA_LONG, JAVA_INT);
        sgemmBatched = lib.function("cublasSgemmStridedBatched", batched);
        dgemmBatched = lib.function("cublasDgemmStridedBatched", batched);
    }

    /** Where libcublas was loaded from. */
    public String origin() {
        return lib.origin();
    }

    public MemorySegment create() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(ADDRESS);
            check(Driver.call(() -> (int) create.invokeExact(h)), "cublasCreate_v2");
            return h.get(ADDRESS, 0);
        }
    }

    public void destroy(MemorySegment handle) {
        check(Driver.call(() -> (int) destroy.invokeExact(handle)), "cublasDestroy_v2");
    }

    public void setStream(MemorySegment handle, MemorySegment stream) {
        check(Driver.call(() -> (int) setStream.invokeExact(handle, stream)), "cublasSetStream_v2");
    }

    public void setMathMode(MemorySegment handle, int mode) {
        check(Driver.call(() -> (int) setMathMode.invokeExact(handle, mode)), "cublasSetMathMode");
    }

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C}, column-major; {@code alpha} and {@code beta} point to
     * host floats (or doubles when {@code doublePrecision}).
     */
    public void gemm(boolean doublePrecision, MemorySegment handle, int transA, int transB, int m, int n, int k,
                     MemorySegment alpha, long a, int lda, long b, int ldb, MemorySegment beta, long c, int ldc) {
        MethodHandle h = doublePrecision ? dgemm : sgemm;
        int rc = Driver.call(() -> (int) h.invokeExact(handle, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
        check(rc, doublePrecision ? "cublasDgemm_v2" : "cublasSgemm_v2");
    }

    /** The strided-batched form of {@link #gemm}. */
    public void gemmStridedBatched(boolean doublePrecision, MemorySegment handle, int transA, int transB,
                                   int m, int n, int k, MemorySegment alpha, long a, int lda, long strideA,
                                   long b, int ldb, long strideB, MemorySegment beta, long c, int ldc, long strideC,
                                   int batch) {
        MethodHandle h = doublePrecision ? dgemmBatched : sgemmBatched;
        int rc = Driver.call(() -> (int) h.invokeExact(handle, transA, transB, m, n, k, alpha, a, lda, strideA,
                b, ldb, strideB, beta, c, ldc, strideC, batch));
        check(rc, doublePrecision ? "cublasDgemmStridedBatched" : "cublasSgemmStridedBatched");
    }

    private static void check(int status, String call) {
        if (status != 0) {
            throw new CudaException(call + " failed: " + statusName(status) + " (" + status + ")", status);
        }
    }

    /** The name of a {@code cublasStatus_t}. */
    public static String statusName(int status) {
        return switch (status) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cublasStatus " + status;
        };
    }
}
