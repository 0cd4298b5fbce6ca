// Convolution and pooling over contiguous NCHW images, one thread per output element: im2col and
// its adjoint col2im (the GEMMs around them are cuBLAS), max pooling and its gradient. The adjoints
// gather what they sum (no atomics), adding in the order of the CPU's loops, so each sum rounds as
// there. All sizes are long long: N, C, H, W, the window KH×KW, stride, padding, output OH×OW.

// The flat index of the first maximum of the K×K window starting at x[first], rows W apart, in
// row-major order; NaN counts as the maximum (as PyTorch and the CPU kernel).
template <typename T> __device__ long long fx_window_argmax(const T* x, long long first, long long w, long long k) {
    long long best = first;
    T m = x[first];
    for (long long u = 0; u < k && m == m; u++) {
        for (long long v = 0; v < k; v++) {
            const long long at = first + u * w + v;
            const T val = x[at];
            if (val > m || val != val) {
                m = val;
                best = at;
                if (val != val) break;
            }
        }
    }
    return best;
}

#define CONV(T, SUFFIX) \
    /* cols[n, (c·KH + u)·KW + v, oh·OW + ow] = x[n, c, oh·s − p + u, ow·s − p + v], 0 in the padding. */ \
    extern "C" __global__ void im2col_##SUFFIX(const T* __restrict__ x, T* __restrict__ cols, long long n, long long c, \
            long long h, long long w, long long kh, long long kw, long long stride, long long pad, long long oh, \
            long long ow) { \
        const long long positions = oh * ow, patch = c * kh * kw; \
        GRID_LOOP(i, n * patch * positions) { \
            const long long p = i % positions, r = i / positions; \
            const long long row = r % patch, img = r / patch; \
            const long long ch = row / (kh * kw), u = row / kw % kh, v = row % kw; \
            const long long ih = p / ow * stride - pad + u, iw = p % ow * stride - pad + v; \
            cols[i] = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[((img * c + ch) * h + ih) * w + iw] : T(0); \
        } \
    } \
    /* img[n, ch, y, z] = Σ over the window offsets (u, v) that put the pixel under an output position, \
       u then v ascending (the CPU's order): the adjoint of im2col. */ \
    extern "C" __global__ void col2im_##SUFFIX(const T* __restrict__ cols, T* __restrict__ img, long long n, long long c, \
            long long h, long long w, long long kh, long long kw, long long stride, long long pad, long long oh, \
            long long ow) { \
        GRID_LOOP(i, n * c * h * w) { \
            const long long z = i % w, y = i / w % h, plane = i / (h * w); \
            T acc = T(0); \
            for (long long u = 0; u < kh; u++) { \
                const long long sy = y + pad - u; \
                if (sy < 0 || sy % stride != 0 || sy / stride >= oh) continue; \
                for (long long v = 0; v < kw; v++) { \
                    const long long sz = z + pad - v; \
                    if (sz < 0 || sz % stride != 0 || sz / stride >= ow) continue; \
                    acc += cols[(plane * kh * kw + u * kw + v) * oh * ow + sy / stride * ow + sz / stride]; \
                } \
            } \
            img[i] = acc; \
        } \
    } \
    /* out[plane, i, j] = the maximum of the K×K window at (i·s, j·s) of plane (no padding). */ \
    extern "C" __global__ void max_pool_##SUFFIX(const T* __restrict__ x, T* __restrict__ out, long long planes, \
            long long h, long long w, long long k, long long stride, long long oh, long long ow) { \
        GRID_LOOP(i, planes * oh * ow) { \
            const long long j = i % ow, r = i / ow % oh, plane = i / (oh * ow); \
            out[i] = x[fx_window_argmax(x, plane * h * w + r * stride * w + j * stride, w, k)]; \
        } \
    } \
    /* dx[plane, y, z] = Σ g over the windows whose first maximum is (y, z), in window order. */ \
    extern "C" __global__ void max_pool_backward_##SUFFIX(const T* __restrict__ g, const T* __restrict__ x, \
            T* __restrict__ dx, long long planes, long long h, long long w, long long k, long long stride, \
            long long oh, long long ow) { \
        GRID_LOOP(i, planes * h * w) { \
            const long long z = i % w, y = i / w % h, plane = i / (h * w); \
            const long long rowLo = y >= k ? (y - k) / stride + 1 : 0, colLo = z >= k ? (z - k) / stride + 1 : 0; \
            const long long rowHi = y / stride < oh - 1 ? y / stride : oh - 1; \
            const long long colHi = z / stride < ow - 1 ? z / stride : ow - 1; \
            T acc = T(0); \
            for (long long r = rowLo; r <= rowHi; r++) { \
                for (long long j = colLo; j <= colHi; j++) { \
                    if (fx_window_argmax(x, plane * h * w + r * stride * w + j * stride, w, k) == i) { \
                        acc += g[(plane * oh + r) * ow + j]; \
                    } \
                } \
            } \
            dx[i] = acc; \
        } \
    }
CONV(float, f32)
CONV(double, f64)
