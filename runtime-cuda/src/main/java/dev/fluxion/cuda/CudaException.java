package dev.fluxion.cuda;

/** A CUDA driver, cuBLAS or NVRTC call failed: the message names the call and the error. */
public final class CudaException extends RuntimeException {

    private final int code;

    public CudaException(String message, int code) {
        super(message);
        this.code = code;
    }

    public CudaException(String message) {
        this(message, -1);
    }

    /** The library's status code ({@code CUresult}, {@code cublasStatus_t}, {@code nvrtcResult}), −1 if none. */
    public int code() {
        return code;
    }
}
