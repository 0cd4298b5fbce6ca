// Reductions: sum and max over all elements, over the last dimension (rows), and over any one
// dimension of a tensor viewed as [outer, d, inner]; max's derivatives.

#define REDUCTIONS(T, SUFFIX) \
    /* One block per row: y[r] = Σ or max of x[r, 0..cols). Launched with 256 threads. */ \
    extern "C" __global__ void sum_rows_##SUFFIX(const T* __restrict__ x, T* __restrict__ y, long long cols) { \
        const T* row = x + blockIdx.x * cols; \
        T acc = T(0); \
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) acc += row[c]; \
        acc = block_reduce<T, false>(acc); \
        if (threadIdx.x == 0) y[blockIdx.x] = acc; \
    } \
    extern "C" __global__ void max_rows_##SUFFIX(const T* __restrict__ x, T* __restrict__ y, long long cols) { \
        const T* row = x + blockIdx.x * cols; \
        T acc = row[0]; \
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) acc = fx_max(acc, row[c]); \
        acc = block_reduce<T, true>(acc); \
        if (threadIdx.x == 0) y[blockIdx.x] = acc; \
    } \
    /* First pass of a full reduction: one partial result per block (grid-stride), then sum_rows. */ \
    extern "C" __global__ void sum_partial_##SUFFIX(const T* __restrict__ x, T* __restrict__ partial, long long n) { \
        T acc = T(0); \
        GRID_LOOP(i, n) acc += x[i]; \
        acc = block_reduce<T, false>(acc); \
        if (threadIdx.x == 0) partial[blockIdx.x] = acc; \
    } \
    extern "C" __global__ void max_partial_##SUFFIX(const T* __restrict__ x, T* __restrict__ partial, long long n) { \
        T acc = x[0]; \
        GRID_LOOP(i, n) acc = fx_max(acc, x[i]); \
        acc = block_reduce<T, true>(acc); \
        if (threadIdx.x == 0) partial[blockIdx.x] = acc; \
    } \
    /* One thread per output of [outer, inner]: y[o, j] = Σ or max over k of x[o, k, j]. */ \
    extern "C" __global__ void sum_dim_##SUFFIX(const T* __restrict__ x, T* __restrict__ y, long long outer, \
                                                long long d, long long inner) { \
        GRID_LOOP(i, outer * inner) { \
            long long o = i / inner, j = i % inner; \
            const T* p = x + o * d * inner + j; \
            T acc = T(0); \
            for (long long k = 0; k < d; k++) acc += p[k * inner]; \
            y[i] = acc; \
        } \
    } \
    extern "C" __global__ void max_dim_##SUFFIX(const T* __restrict__ x, T* __restrict__ y, long long outer, \
                                                long long d, long long inner) { \
        GRID_LOOP(i, outer * inner) { \
            long long o = i / inner, j = i % inner; \
            const T* p = x + o * d * inner + j; \
            T acc = p[0]; \
            for (long long k = 1; k < d; k++) acc = fx_max(acc, p[k * inner]); \
            y[i] = acc; \
        } \
    } \
    /* mask[i] = 1 where x[i] equals the maximum m[0] (to count ties), else 0. */ \
    extern "C" __global__ void eq_scalar_mask_##SUFFIX(const T* __restrict__ x, const T* __restrict__ m, \
                                                       T* __restrict__ mask, long long n) { \
        T v = m[0]; \
        GRID_LOOP(i, n) mask[i] = x[i] == v ? T(1) : T(0); \
    } \
    /* d max(x) / dx: g / k at the k elements equal to the max (g, max and k are device scalars). */ \
    extern "C" __global__ void max_all_backward_##SUFFIX(const T* __restrict__ g, const T* __restrict__ x, \
            const T* __restrict__ m, const T* __restrict__ count, T* __restrict__ gx, long long n) { \
        T v = m[0], share = g[0] / count[0]; \
        GRID_LOOP(i, n) gx[i] = x[i] == v ? share : T(0); \
    } \
    /* The index of the first max along the dimension (the first NaN if any, as the CPU), as a double. */ \
    extern "C" __global__ void argmax_dim_##SUFFIX(const T* __restrict__ x, double* __restrict__ out, \
            long long outer, long long d, long long inner) { \
        GRID_LOOP(i, outer * inner) { \
            long long o = i / inner, j = i % inner; \
            const T* p = x + o * d * inner + j; \
            long long arg = 0; \
            T best = p[0]; \
            for (long long k = 1; k < d; k++) { \
                T v = p[k * inner]; \
                if (v > best || (v != v && best == best)) { best = v; arg = k; } \
            } \
            out[i] = (double) arg; \
        } \
    } \
    /* d max_dim(x) / dx: g at the first index of the max along the dimension, 0 elsewhere. */ \
    extern "C" __global__ void max_dim_backward_##SUFFIX(const T* __restrict__ g, const T* __restrict__ x, \
            T* __restrict__ gx, long long outer, long long d, long long inner) { \
        GRID_LOOP(i, outer * inner) { \
            long long o = i / inner, j = i % inner; \
            const T* p = x + o * d * inner + j; \
            T* q = gx + o * d * inner + j; \
            long long arg = 0; \
            T best = p[0]; \
            for (long long k = 1; k < d; k++) { \
                T v = p[k * inner]; \
                if (v > best || (v != v && best == best)) { best = v; arg = k; } \
            } \
            for (long long k = 0; k < d; k++) q[k * inner] = k == arg ? g[i] : T(0); \
        } \
    }
REDUCTIONS(float, f32)
REDUCTIONS(double, f64)
