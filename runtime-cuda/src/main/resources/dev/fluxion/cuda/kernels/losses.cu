// Losses (forward partial sums and derivatives). Targets of cross entropy are class indices held
// in doubles (the runtime's INT64 storage). The upstream gradient g is a device scalar, so a
// backward step never waits for the host; scale is 1/n for MEAN and 1 for SUM.

#define LOSSES(T, SUFFIX) \
    /* One partial Σ (p − t)² per block; finished by sum_rows. */ \
    extern "C" __global__ void mse_partial_##SUFFIX(const T* __restrict__ p, const T* __restrict__ t, \
                                                    T* __restrict__ partial, long long n) { \
        T acc = T(0); \
        GRID_LOOP(i, n) { T d = p[i] - t[i]; acc += d * d; } \
        acc = block_reduce<T, false>(acc); \
        if (threadIdx.x == 0) partial[blockIdx.x] = acc; \
    } \
    extern "C" __global__ void mse_backward_##SUFFIX(const T* __restrict__ g, const T* __restrict__ p, \
            const T* __restrict__ t, T* __restrict__ gp, long long n, double scale) { \
        T s = T(2) * (T)scale * g[0]; \
        GRID_LOOP(i, n) gp[i] = s * (p[i] - t[i]); \
    } \
    /* One partial Σ −[y ln p + (1 − y) ln(1 − p)] per block, each log clamped to ≥ −100 (PyTorch). */ \
    extern "C" __global__ void bce_partial_##SUFFIX(const T* __restrict__ p, const T* __restrict__ y, \
                                                    T* __restrict__ partial, long long n) { \
        T acc = T(0); \
        GRID_LOOP(i, n) { \
            T lp = fx_max(fx_log(p[i]), T(-100)); \
            T lq = fx_max(fx_log(T(1) - p[i]), T(-100)); \
            acc -= y[i] * lp + (T(1) - y[i]) * lq; \
        } \
        acc = block_reduce<T, false>(acc); \
        if (threadIdx.x == 0) partial[blockIdx.x] = acc; \
    } \
    /* gp = g · scale · (p − y) / max(p (1 − p), 1e-12) */ \
    extern "C" __global__ void bce_backward_##SUFFIX(const T* __restrict__ g, const T* __restrict__ p, \
            const T* __restrict__ y, T* __restrict__ gp, long long n, double scale) { \
        T s = (T)scale * g[0]; \
        GRID_LOOP(i, n) { \
            T den = p[i] * (T(1) - p[i]); \
            den = den > T(1e-12) ? den : T(1e-12); \
            gp[i] = s * (p[i] - y[i]) / den; \
        } \
    } \
    /* One block per row: loss[r] = logsumexp(x[r]) − x[r, target[r]]. */ \
    extern "C" __global__ void cross_entropy_rows_##SUFFIX(const T* __restrict__ x, const double* __restrict__ target, \
                                                           T* __restrict__ loss, long long cols) { \
        const T* row = x + blockIdx.x * cols; \
        T m = row[0]; \
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) m = fx_max(m, row[c]); \
        m = block_reduce<T, true>(m); \
        T s = T(0); \
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) s += fx_exp(row[c] - m); \
        s = block_reduce<T, false>(s); \
        if (threadIdx.x == 0) loss[blockIdx.x] = m + fx_log(s) - row[(long long)target[blockIdx.x]]; \
    } \
    /* One block per row: gx = g · scale · (softmax(x) − onehot(target)). */ \
    extern "C" __global__ void cross_entropy_backward_##SUFFIX(const T* __restrict__ g, const T* __restrict__ x, \
            const double* __restrict__ target, T* __restrict__ gx, long long cols, double scale) { \
        const T* row = x + blockIdx.x * cols; \
        T* out = gx + blockIdx.x * cols; \
        long long t = (long long)target[blockIdx.x]; \
        T m = row[0]; \
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) m = fx_max(m, row[c]); \
        m = block_reduce<T, true>(m); \
        T s = T(0); \
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) s += fx_exp(row[c] - m); \
        s = block_reduce<T, false>(s); \
        T k = (T)scale * g[0]; \
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) \
            out[c] = k * (fx_exp(row[c] - m) / s - (c == t ? T(1) : T(0))); \
    }
LOSSES(float, f32)
LOSSES(double, f64)
