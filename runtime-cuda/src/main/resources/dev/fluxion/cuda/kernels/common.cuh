// Fluxion CUDA kernels: shared definitions, prepended to every kernel file before compiling.
// NVRTC compiles these with no include directive at all: only built-in math functions are used.
// Every kernel exists for float (_f32) and double (_f64); element counts are long long.

#define GRID_LOOP(i, n) \
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < (n); \
         i += (long long)blockDim.x * gridDim.x)

// Type-generic names for the math functions (float → expf, double → exp, ...).
#define MATH1(name, f32, f64) \
    __device__ __forceinline__ float name(float v) { return f32(v); } \
    __device__ __forceinline__ double name(double v) { return f64(v); }
MATH1(fx_exp, expf, exp)
MATH1(fx_log, logf, log)
MATH1(fx_log1p, log1pf, log1p)
MATH1(fx_sqrt, sqrtf, sqrt)
MATH1(fx_tanh, tanhf, tanh)
MATH1(fx_sin, sinf, sin)
MATH1(fx_cos, cosf, cos)
MATH1(fx_abs, fabsf, fabs)
MATH1(fx_normcdf, normcdff, normcdf)
// Java's Math.pow, as the CPU kernels: NaN for a NaN exponent and for (±1)^±∞ (C's pow gives 1).
__device__ __forceinline__ float fx_pow(float a, float b) { return b - b != b - b && (b != b || fabsf(a) == 1.0f) ? b - b : powf(a, b); }
__device__ __forceinline__ double fx_pow(double a, double b) { return b - b != b - b && (b != b || fabs(a) == 1.0) ? b - b : pow(a, b); }

template <typename T> __device__ __forceinline__ T fx_max(T a, T b) { return a > b || a != a ? a : b; }

// 1 / (1 + e^(−v)), written so that neither branch overflows.
template <typename T> __device__ __forceinline__ T fx_sigmoid(T v) {
    if (v >= T(0)) {
        return T(1) / (T(1) + fx_exp(-v));
    }
    T e = fx_exp(v);
    return e / (T(1) + e);
}

// The standard normal density φ(v).
template <typename T> __device__ __forceinline__ T fx_normpdf(T v) {
    return fx_exp(T(-0.5) * v * v) * T(0.3989422804014327);
}

// A block-wide reduction in shared memory (blockDim.x a power of two, at most 1024).
// Every thread passes its partial value; every thread gets the block's result.
template <typename T, bool IS_MAX> __device__ T block_reduce(T v) {
    __shared__ T scratch[1024];
    scratch[threadIdx.x] = v;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) {
            T o = scratch[threadIdx.x + s];
            scratch[threadIdx.x] = IS_MAX ? fx_max(scratch[threadIdx.x], o) : scratch[threadIdx.x] + o;
        }
        __syncthreads();
    }
    T r = scratch[0];
    __syncthreads();
    return r;
}
