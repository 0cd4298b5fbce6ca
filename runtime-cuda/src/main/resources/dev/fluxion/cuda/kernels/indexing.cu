// Index-based kernels: gather, its scatter-add adjoint, and copies into views (cat). Compiled after
// fused.cuh, not common.cuh: every operand is found through an FxGeometry, as in the generated
// elementwise kernels (FusedElementwise.geometry writes it), so views are read and written in place
// through their strides. Indices are held in doubles (the runtime's INT64 storage); a negative one
// counts from the end, as on the CPU (the runtime has checked the range).

// Where operand k's element for position i of the geometry's shape lies.
FX_FN long long fx_at(const FxGeometry& geo, int k, long long i) {
    long long o = geo.offset[k];
    if (geo.dense) {
        return o + i * geo.step[k];
    }
    long long rest = i;
    for (int d = geo.rank - 1; d >= 0; d--) {
        const long long c = rest % geo.size[d];
        rest /= geo.size[d];
        o += c * geo.stride[k][d];
    }
    return o;
}

#define FX_GRID_LOOP(i, n) \
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < (n); \
         i += (long long) blockDim.x * gridDim.x)

#define INDEXING(T, SUFFIX) \
    /* torch.gather over the index's shape: operand 0 is x with the gathered dim read at 0, operand 1 \
       the index; out is contiguous. */ \
    extern "C" __global__ void gather_##SUFFIX(const T* x, const double* index, T* out, long long dim_size, \
                                               long long dim_stride, const FxGeometry geo) { \
        FX_GRID_LOOP(i, geo.n) { \
            long long k = (long long) index[fx_at(geo, 1, i)]; \
            if (k < 0) k += dim_size; \
            out[i] = x[fx_at(geo, 0, i) + k * dim_stride]; \
        } \
    } \
    /* The adjoint of gather: one thread per column (every position but the scattered dim's), adding \
       g[.., k, ..] at out[.., index[.., k, ..], ..] for k in order, so each sum rounds as the CPU's \
       loop does, with no atomics. Operands: 0 out, 1 index, 2 g, each at the column's first k. */ \
    extern "C" __global__ void scatter_add_##SUFFIX(T* out, const double* index, const T* g, long long count, \
            long long dim_size, long long out_stride, long long index_stride, long long g_stride, \
            const FxGeometry geo) { \
        FX_GRID_LOOP(i, geo.n) { \
            const long long o = fx_at(geo, 0, i), x = fx_at(geo, 1, i), y = fx_at(geo, 2, i); \
            for (long long k = 0; k < count; k++) { \
                long long j = (long long) index[x + k * index_stride]; \
                if (j < 0) j += dim_size; \
                out[o + j * out_stride] += g[y + k * g_stride]; \
            } \
        } \
    } \
    /* dst (operand 0, a view) = src (operand 1), over src's shape. */ \
    extern "C" __global__ void copy_into_##SUFFIX(T* dst, const T* src, const FxGeometry geo) { \
        FX_GRID_LOOP(i, geo.n) dst[fx_at(geo, 0, i)] = src[fx_at(geo, 1, i)]; \
    }
INDEXING(float, f32)
INDEXING(double, f64)
