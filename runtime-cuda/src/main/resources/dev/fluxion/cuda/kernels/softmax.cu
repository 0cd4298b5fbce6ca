// Softmax and log-softmax over the last dimension: one block (256 threads) per row.

#define SOFTMAX(T, SUFFIX) \
    extern "C" __global__ void softmax_rows_##SUFFIX(const T* __restrict__ x, T* __restrict__ y, long long cols, \
                                                     int logarithm) { \
        const T* row = x + blockIdx.x * cols; \
        T* out = y + blockIdx.x * cols; \
        T m = row[0]; \
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) m = fx_max(m, row[c]); \
        m = block_reduce<T, true>(m); \
        T s = T(0); \
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) s += fx_exp(row[c] - m); \
        s = block_reduce<T, false>(s); \
        if (logarithm) { \
            T lse = m + fx_log(s); \
            for (long long c = threadIdx.x; c < cols; c += blockDim.x) out[c] = row[c] - lse; \
        } else { \
            for (long long c = threadIdx.x; c < cols; c += blockDim.x) out[c] = fx_exp(row[c] - m) / s; \
        } \
    } \
    /* softmax: gx = y · (g − Σ g·y); log-softmax: gx = g − exp(y) · Σ g (y the forward output) */ \
    extern "C" __global__ void softmax_rows_backward_##SUFFIX(const T* __restrict__ g, const T* __restrict__ y, \
                                                              T* __restrict__ gx, long long cols, int logarithm) { \
        long long base = blockIdx.x * cols; \
        T s = T(0); \
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) \
            s += logarithm ? g[base + c] : g[base + c] * y[base + c]; \
        s = block_reduce<T, false>(s); \
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) { \
            long long i = base + c; \
            gx[i] = logarithm ? g[i] - fx_exp(y[i]) * s : y[i] * (g[i] - s); \
        } \
    }
SOFTMAX(float, f32)
SOFTMAX(double, f64)
