// Elementwise ops and their derivatives.

// ---- unary: y = f(x); p, q are op parameters (slope, bounds, exponent, scale), unused by most.
#define UNARY(NAME, EXPR) \
    template <typename T> __device__ __forceinline__ T NAME##_op(T v, T p, T q) { return (EXPR); } \
    extern "C" __global__ void NAME##_f32(const float* __restrict__ x, float* __restrict__ y, long long n, \
                                          double p, double q) { \
        GRID_LOOP(i, n) y[i] = NAME##_op<float>(x[i], (float)p, (float)q); \
    } \
    extern "C" __global__ void NAME##_f64(const double* __restrict__ x, double* __restrict__ y, long long n, \
                                          double p, double q) { \
        GRID_LOOP(i, n) y[i] = NAME##_op<double>(x[i], p, q); \
    }

UNARY(neg, -v)
UNARY(abs, fx_abs(v))
UNARY(exp, fx_exp(v))
UNARY(log, fx_log(v))
UNARY(log1p, fx_log1p(v))
UNARY(sqrt, fx_sqrt(v))
UNARY(square, v * v)
UNARY(sigmoid, fx_sigmoid(v))
UNARY(tanh, fx_tanh(v))
UNARY(relu, v > T(0) ? v : (v == v ? T(0) : v))
UNARY(gelu, v * fx_normcdf(v))
UNARY(softplus, (v > T(0) ? v : T(0)) + fx_log1p(fx_exp(-fx_abs(v))))
UNARY(sin, fx_sin(v))
UNARY(cos, fx_cos(v))
UNARY(leaky_relu, v >= T(0) ? v : p * v)
UNARY(clamp, v < p ? p : (v > q ? q : v))
UNARY(affine, p * v + q)          // x·p + q: plus, minus, times, div and rsub by a scalar
UNARY(rdiv, p / v)                // p / x
UNARY(pow_scalar, fx_pow(v, p))   // x^p

// ---- unary derivatives: gx = g · f'(·); s is the saved tensor the rule needs (x or the output),
// as the runtime's Derivatives: exp, sqrt, sigmoid, tanh take the output, the others x.
#define UNARY_BACKWARD(NAME, EXPR) \
    template <typename T> __device__ __forceinline__ T NAME##_bw(T g, T s, T p, T q) { return (EXPR); } \
    extern "C" __global__ void NAME##_backward_f32(const float* __restrict__ g, const float* __restrict__ s, \
                                                   float* __restrict__ gx, long long n, double p, double q) { \
        GRID_LOOP(i, n) gx[i] = NAME##_bw<float>(g[i], s[i], (float)p, (float)q); \
    } \
    extern "C" __global__ void NAME##_backward_f64(const double* __restrict__ g, const double* __restrict__ s, \
                                                   double* __restrict__ gx, long long n, double p, double q) { \
        GRID_LOOP(i, n) gx[i] = NAME##_bw<double>(g[i], s[i], p, q); \
    }

UNARY_BACKWARD(abs, s > T(0) ? g : (s < T(0) ? -g : T(0) * g))
UNARY_BACKWARD(exp, g * s)
UNARY_BACKWARD(log, g / s)
UNARY_BACKWARD(log1p, g / (T(1) + s))
UNARY_BACKWARD(sqrt, g / (T(2) * s))
UNARY_BACKWARD(square, T(2) * g * s)
UNARY_BACKWARD(sigmoid, g * s * (T(1) - s))
UNARY_BACKWARD(tanh, g * (T(1) - s * s))
UNARY_BACKWARD(relu, s > T(0) ? g : T(0))
UNARY_BACKWARD(gelu, g * (fx_normcdf(s) + s * fx_normpdf(s)))
UNARY_BACKWARD(softplus, g * fx_sigmoid(s))
UNARY_BACKWARD(sin, g * fx_cos(s))
UNARY_BACKWARD(cos, -g * fx_sin(s))
UNARY_BACKWARD(leaky_relu, s > T(0) ? g : p * g)
UNARY_BACKWARD(clamp, s >= p && s <= q ? g : T(0))
UNARY_BACKWARD(rdiv, -g * p / (s * s))
UNARY_BACKWARD(pow_scalar, g * p * fx_pow(s, p - T(1)))

// ---- binary: y = a ∘ b with suffix broadcasting: the smaller operand repeats (index i mod its size).
#define BINARY(NAME, EXPR) \
    template <typename T> __device__ __forceinline__ T NAME##_op(T u, T v) { return (EXPR); } \
    extern "C" __global__ void NAME##_f32(const float* __restrict__ a, const float* __restrict__ b, \
                                          float* __restrict__ y, long long n, long long na, long long nb) { \
        GRID_LOOP(i, n) y[i] = NAME##_op<float>(a[i % na], b[i % nb]); \
    } \
    extern "C" __global__ void NAME##_f64(const double* __restrict__ a, const double* __restrict__ b, \
                                          double* __restrict__ y, long long n, long long na, long long nb) { \
        GRID_LOOP(i, n) y[i] = NAME##_op<double>(a[i % na], b[i % nb]); \
    }

BINARY(add, u + v)
BINARY(sub, u - v)
BINARY(mul, u * v)
BINARY(div, u / v)

// ---- binary derivatives at full size n (the caller sums a broadcast operand's gradient down):
// mul: ga = g·b, gb = g·a; div: ga = g / b, gb = −g·a / b².
#define BINARY_BACKWARD(T, SUFFIX) \
    extern "C" __global__ void mul_backward_##SUFFIX(const T* __restrict__ g, const T* __restrict__ a, \
            const T* __restrict__ b, T* __restrict__ ga, T* __restrict__ gb, long long n, long long na, long long nb) { \
        GRID_LOOP(i, n) { \
            T u = a[i % na], v = b[i % nb]; \
            ga[i] = g[i] * v; \
            gb[i] = g[i] * u; \
        } \
    } \
    extern "C" __global__ void div_backward_##SUFFIX(const T* __restrict__ g, const T* __restrict__ a, \
            const T* __restrict__ b, T* __restrict__ ga, T* __restrict__ gb, long long n, long long na, long long nb) { \
        GRID_LOOP(i, n) { \
            T u = a[i % na], v = b[i % nb]; \
            ga[i] = g[i] / v; \
            gb[i] = -g[i] * u / (v * v); \
        } \
    }
BINARY_BACKWARD(float, f32)
BINARY_BACKWARD(double, f64)

// ---- in place and broadcasting helpers.
#define HELPERS(T, SUFFIX) \
    /* y += alpha · x (SGD steps, gradient accumulation) */ \
    extern "C" __global__ void axpy_##SUFFIX(T* __restrict__ y, const T* __restrict__ x, long long n, double alpha) { \
        GRID_LOOP(i, n) y[i] += (T)alpha * x[i]; \
    } \
    extern "C" __global__ void fill_##SUFFIX(T* __restrict__ y, long long n, double value) { \
        GRID_LOOP(i, n) y[i] = (T)value; \
    } \
    /* y = scale · s[0] everywhere: the gradient of a full sum or mean, s on the device */ \
    extern "C" __global__ void fill_from_scalar_##SUFFIX(T* __restrict__ y, const T* __restrict__ s, long long n, \
                                                         double scale) { \
        T v = (T)scale * s[0]; \
        GRID_LOOP(i, n) y[i] = v; \
    } \
    /* out[j] = Σ_r g[r·cols + j]: sums a broadcast operand's gradient down to its (suffix) shape */ \
    extern "C" __global__ void sum_to_suffix_##SUFFIX(const T* __restrict__ g, T* __restrict__ out, long long rows, \
                                                      long long cols) { \
        GRID_LOOP(j, cols) { \
            T acc = T(0); \
            for (long long r = 0; r < rows; r++) acc += g[r * cols + j]; \
            out[j] = acc; \
        } \
    } \
    /* gx[o, k, j] = scale · g[o, j]: the gradient of a sum or mean over one dimension */ \
    extern "C" __global__ void broadcast_dim_##SUFFIX(const T* __restrict__ g, T* __restrict__ gx, long long outer, \
                                                      long long d, long long inner, double scale) { \
        GRID_LOOP(i, outer * d * inner) { \
            long long j = i % inner, o = i / (d * inner); \
            gx[i] = (T)scale * g[o * inner + j]; \
        } \
    }
HELPERS(float, f32)
HELPERS(double, f64)
