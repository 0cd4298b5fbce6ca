// Fluxion's generated elementwise kernels: the shared definitions, prepended to every generated
// kernel (see dev.fluxion.cuda.codegen.CudaSourceGenerator). No include directive: NVRTC's built-in
// math functions only. The helpers are __host__ __device__ (FX_FN) so that the tests can evaluate a
// generated expression on the CPU against the runtime's scalar reference; each follows the CPU
// kernel's formula (NaN in, NaN out).
#ifndef FX_FN
#define FX_FN __host__ __device__ __forceinline__
#endif
#define FX_MAX_INPUTS 8
#define FX_MAX_RANK 8

// Where input k's element for output element i lies. Dense launches (every input contiguous with
// the output's shape, or a single element) use offset[k] + i * step[k], step 1 or 0; the others
// take i's coordinates in the output's shape (size[0..rank)) times the input's strides (0 along a
// broadcast dim). Passed by value: 720 bytes, the layout ElementwiseLauncher writes.
struct FxGeometry {
    long long n;
    int rank;
    int dense;
    long long size[FX_MAX_RANK];
    long long offset[FX_MAX_INPUTS];
    long long step[FX_MAX_INPUTS];
    long long stride[FX_MAX_INPUTS][FX_MAX_RANK];
};

#define FX_MATH1(name, f32, f64) \
    FX_FN float name(float v) { return f32(v); } \
    FX_FN double name(double v) { return f64(v); }
FX_MATH1(fx_exp, expf, exp)
FX_MATH1(fx_log, logf, log)
FX_MATH1(fx_log1p, log1pf, log1p)
FX_MATH1(fx_sqrt, sqrtf, sqrt)
FX_MATH1(fx_tanh, tanhf, tanh)
FX_MATH1(fx_sin, sinf, sin)
FX_MATH1(fx_cos, cosf, cos)
FX_MATH1(fx_abs, fabsf, fabs)
FX_MATH1(fx_erf, erff, erf)
FX_MATH1(fx_trunc, truncf, trunc)
// Java's Math.pow, as the CPU kernels: NaN for a NaN exponent and for (±1)^±∞, where C's pow gives 1.
// (b − b is NaN exactly when b is ±∞ or NaN.)
FX_FN float fx_pow(float a, float b) { return b - b != b - b && (b != b || fabsf(a) == 1.0f) ? b - b : powf(a, b); }
FX_FN double fx_pow(double a, double b) { return b - b != b - b && (b != b || fabs(a) == 1.0) ? b - b : pow(a, b); }

// Java's Math.max/min: NaN when either is NaN.
template <typename T> FX_FN T fx_max(T a, T b) { return a > b || a != a ? a : b; }
template <typename T> FX_FN T fx_min(T a, T b) { return a < b || a != a ? a : b; }
// Math.signum: ±1, and x itself for ±0 and NaN.
template <typename T> FX_FN T fx_sign(T v) { return v > T(0) ? T(1) : (v < T(0) ? T(-1) : v); }
template <typename T> FX_FN T fx_relu(T v) { return v > T(0) ? v : (v == v ? T(0) : v); }
template <typename T> FX_FN T fx_leaky_relu(T v, T slope) { return v >= T(0) ? v : slope * v; }
template <typename T> FX_FN T fx_clamp(T v, T lo, T hi) { return fx_min(fx_max(v, lo), hi); }
// 1 / (1 + e^(−v)), written so that neither branch overflows.
template <typename T> FX_FN T fx_sigmoid(T v) {
    if (v >= T(0)) {
        return T(1) / (T(1) + fx_exp(-v));
    }
    T e = fx_exp(v);
    return e / (T(1) + e);
}
template <typename T> FX_FN T fx_softplus(T v) { return fx_max(v, T(0)) + fx_log1p(fx_exp(-fx_abs(v))); }
// Φ(v) and φ(v) of the standard normal distribution.
template <typename T> FX_FN T fx_normcdf(T v) { return T(0.5) * (T(1) + fx_erf(v * T(0.7071067811865476))); }
template <typename T> FX_FN T fx_normpdf(T v) { return fx_exp(T(-0.5) * v * v) * T(0.3989422804014327); }
template <typename T> FX_FN T fx_gelu(T v) { return v * fx_normcdf(v); }
template <typename T> FX_FN T fx_gelu_derivative(T v) { return fx_normcdf(v) + v * fx_normpdf(v); }
