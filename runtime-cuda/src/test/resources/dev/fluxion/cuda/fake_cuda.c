/*
 * A stand-in for libcuda, libcublas and libnvrtc, for tests on machines without a GPU: "device"
 * memory is host memory, a stream is a dummy, and a few kernels run on the CPU so that the FFM
 * bindings' signatures and the argument marshalling of launches are exercised for real.
 * Built by FakeDriverTest with: cc -shared -fPIC -o libfake.so fake_cuda.c
 * The fake_* globals let the test read what was called.
 *
 * Generated elementwise kernels (sources that define struct FxGeometry) really run: "NVRTC" compiles
 * the source as host C++ with c++ (the CUDA keywords defined away, one thread covering the whole
 * grid-stride loop) plus an entry that unpacks the launch's void** arguments, "loading" the module
 * dlopens it, and cuLaunchKernel calls the entry. So the runtime's device path can be checked for
 * values without a GPU, for every op that is a generated kernel.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- host emulation of generated kernels */
#define EMULATED_PTX "// fake PTX emulated "
struct emulated { char name[64]; void (*run)(void **); void (*block)(unsigned, unsigned); };
static struct emulated *emulated_kernels[4096];
static int emulated_count;
int fake_emulated_launches;

/* Set by a test to run the hand-written kernel files on the host too (FakeCuda does; FakeDriverTest not). */
int fake_emulate_all;

/* The CUDA keywords defined away; one thread per block, the blocks run one after another (the kernels
 * loop over their work with blockDim/gridDim strides, so any block size computes the same). */
static const char *EMULATION_PRELUDE =
    "#include <cmath>\n#include <cstddef>\n#include <type_traits>\n#include <utility>\nusing namespace std;\n"
    "#define __global__\n#define __host__\n#define __device__\n#define __forceinline__ inline\n"
    "#define __shared__ static\n#define __restrict__ __restrict\nstatic inline void __syncthreads() {}\n"
    "static inline float normcdff(float v) { return 0.5f * erfcf(-v * 0.70710678118654752f); }\n"
    "static inline double normcdf(double v) { return 0.5 * erfc(-v * 0.70710678118654752); }\n"
    "struct fx_dim3 { unsigned x, y, z; };\n"
    "static fx_dim3 blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0}, blockDim = {1, 1, 1}, gridDim = {1, 1, 1};\n"
    "extern \"C\" void fx_emulation_block(unsigned b, unsigned g) { blockIdx.x = b; gridDim.x = g; }\n"
    "#line 1 \"module.cu\"\n";
static const char *EMULATION_HELPERS =
    "\ntemplate <typename... A, std::size_t... I> static void fx_call(void (*f)(A...), void **p, std::index_sequence<I...>) {\n"
    "    f(*static_cast<typename std::remove_cv<A>::type *>(p[I])...);\n}\n"
    "template <typename... A> static void fx_run(void (*f)(A...), void **p) { fx_call(f, p, std::index_sequence_for<A...>{}); }\n";

static int run_quietly(const char *cmd) { return system(cmd); }

/* Compiles a kernel module's source for the host: an entry NAME__emulate(void **args) per kernel (the
 * names found by preprocessing, since the hand-written files define kernels with macros). Returns the
 * "PTX" naming the library and the options, or NULL. */
static char *emulation_compile(const char *src, const char *options) {
    char dir[] = "/tmp/fake-cuda-emulation-XXXXXX";
    if (!mkdtemp(dir)) return NULL;
    char cpp[128], pre[128], so[128], cmd[768];
    snprintf(cpp, sizeof cpp, "%s/module.cpp", dir);
    snprintf(pre, sizeof pre, "%s/module.i", dir);
    snprintf(so, sizeof so, "%s/module.so", dir);
    FILE *f = fopen(cpp, "w");
    if (!f) return NULL;
    fputs(EMULATION_PRELUDE, f);
    fputs(src, f);
    fclose(f);
    /* The kernel names: with __global__ kept as a marker, the preprocessed text says where they are. */
    snprintf(cmd, sizeof cmd, "sed 's/^#define __global__$/#define __global__ FX_KERNEL_MARK/' %s | c++ -std=c++17 -E -P -x c++ - > %s 2>/dev/null",
             cpp, pre);
    if (run_quietly(cmd) != 0) return NULL;
    FILE *in = fopen(pre, "r");
    if (!in) return NULL;
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *text = calloc(size + 1, 1);
    fread(text, 1, size, in);
    fclose(in);
    f = fopen(cpp, "a");
    fputs(EMULATION_HELPERS, f);
    const char *mark = "FX_KERNEL_MARK void ";
    for (char *at = strstr(text, mark); at; at = strstr(at + 1, mark)) {
        char *name = at + strlen(mark);
        size_t len = strcspn(name, "( ");
        fprintf(f, "extern \"C\" void %.*s__emulate(void **p) { fx_run(&%.*s, p); }\n", (int) len, name, (int) len, name);
    }
    free(text);
    fclose(f);
    snprintf(cmd, sizeof cmd, "c++ -std=c++17 -O1 -shared -fPIC -o %s %s > %s/log.txt 2>&1", so, cpp, dir);
    if (run_quietly(cmd) != 0) return NULL;
    char *ptx = malloc(strlen(EMULATED_PTX) + strlen(so) + strlen(options) + 8);
    sprintf(ptx, "%s%s\n// %s", EMULATED_PTX, so, options);
    return ptx;
}

static struct emulated *emulation_find(void *f) {
    for (int i = 0; i < emulated_count; i++) {
        if (emulated_kernels[i] == f) return emulated_kernels[i];
    }
    return NULL;
}

/* ---- what the test reads */
int fake_launches;
int fake_last_grid, fake_last_block;
char fake_last_kernel[64];
int fake_gemm_args[8];          /* transa, transb, m, n, k, lda, ldb, ldc */
long long fake_batched_strides[3];
int fake_batch;
int fake_math_mode = -1;
int fake_allocs, fake_frees;

/* ---- driver */
int cuInit(unsigned flags) { return 0; }
int cuDriverGetVersion(int *v) { *v = 13000; return 0; }
int cuDeviceGetCount(int *n) { *n = 1; return 0; }
int cuDeviceGet(int *d, int ordinal) { *d = ordinal; return ordinal == 0 ? 0 : 101; }
int cuDeviceGetName(char *name, int len, int dev) { strncpy(name, "Fake GPU", len); return 0; }
int cuDeviceGetAttribute(int *v, int attr, int dev) { *v = attr == 75 ? 9 : 0; return 0; }
int cuDevicePrimaryCtxRetain(void **ctx, int dev) { *ctx = (void *) 0x1234; return 0; }
int cuCtxSetCurrent(void *ctx) { return 0; }
int cuCtxSynchronize(void) { return 0; }
int cuMemAlloc_v2(unsigned long long *p, size_t bytes) { fake_allocs++; *p = (unsigned long long) malloc(bytes); return 0; }
int cuMemFree_v2(unsigned long long p) { fake_frees++; free((void *) p); return 0; }
int cuMemcpyHtoDAsync_v2(unsigned long long dst, const void *src, size_t n, void *s) { memcpy((void *) dst, src, n); return 0; }
int cuMemcpyDtoHAsync_v2(void *dst, unsigned long long src, size_t n, void *s) { memcpy(dst, (void *) src, n); return 0; }
int cuMemcpyDtoDAsync_v2(unsigned long long dst, unsigned long long src, size_t n, void *s) { memcpy((void *) dst, (void *) src, n); return 0; }
int cuMemsetD8Async(unsigned long long dst, unsigned char v, size_t n, void *s) { memset((void *) dst, v, n); return 0; }
int cuStreamCreate(void **s, unsigned flags) { *s = malloc(1); return 0; }
int cuStreamSynchronize(void *s) { return 0; }
int cuStreamDestroy_v2(void *s) { free(s); return 0; }
int cuModuleLoadData(void **m, const void *image) { *m = strdup((const char *) image); return 0; }
int cuModuleGetFunction(void **f, void *m, const char *name) {
    const char *image = (const char *) m;
    if (strncmp(image, EMULATED_PTX, strlen(EMULATED_PTX)) == 0) {
        char path[256];
        snprintf(path, sizeof path, "%.*s", (int) strcspn(image + strlen(EMULATED_PTX), "\n"), image + strlen(EMULATED_PTX));
        void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!lib || emulated_count == 4096) return 500; /* CUDA_ERROR_NOT_FOUND */
        char entry[96];
        snprintf(entry, sizeof entry, "%s__emulate", name);
        struct emulated *e = calloc(1, sizeof *e);
        strncpy(e->name, name, sizeof e->name - 1);
        e->run = (void (*)(void **)) dlsym(lib, entry);
        e->block = (void (*)(unsigned, unsigned)) dlsym(lib, "fx_emulation_block");
        if (!e->run || !e->block) return 500;
        emulated_kernels[emulated_count++] = e;
        *f = e; /* starts with the name, as the other function handles */
        return 0;
    }
    *f = strdup(name);
    return 0;
}
int cuGetErrorName(int e, const char **s) { *s = e == 101 ? "CUDA_ERROR_INVALID_DEVICE" : "CUDA_ERROR_FAKE"; return 0; }
int cuGetErrorString(int e, const char **s) { *s = "a fake error"; return 0; }

/* Runs relu_f32 and affine_f32 (x, y, n, p, q) and add_f32 (a, b, y, n, na, nb) on the host; records every launch. */
int cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void *stream, void **params, void **extra) {
    const char *name = (const char *) f;
    fake_launches++;
    fake_last_grid = gx;
    fake_last_block = bx;
    strncpy(fake_last_kernel, name, sizeof fake_last_kernel - 1);
    struct emulated *e = emulation_find(f);
    if (e) {
        fake_emulated_launches++;
        for (unsigned b = 0; b < gx; b++) {
            e->block(b, gx);
            e->run(params);
        }
        return 0;
    }
    if (strcmp(name, "relu_f32") == 0 || strcmp(name, "affine_f32") == 0) {
        float *x = *(float **) params[0];
        float *y = *(float **) params[1];
        long long n = *(long long *) params[2];
        double p = *(double *) params[3], q = *(double *) params[4];
        for (long long i = 0; i < n; i++) {
            y[i] = name[0] == 'r' ? (x[i] > 0 ? x[i] : 0) : (float) (p * x[i] + q);
        }
    } else if (strcmp(name, "add_f32") == 0) {
        float *a = *(float **) params[0];
        float *b = *(float **) params[1];
        float *y = *(float **) params[2];
        long long n = *(long long *) params[3], na = *(long long *) params[4], nb = *(long long *) params[5];
        for (long long i = 0; i < n; i++) {
            y[i] = a[i % na] + b[i % nb];
        }
    }
    return 0;
}

/* ---- cuBLAS */
int cublasCreate_v2(void **h) { *h = malloc(1); return 0; }
int cublasDestroy_v2(void *h) { free(h); return 0; }
int cublasSetStream_v2(void *h, void *s) { return 0; }
int cublasSetMathMode(void *h, int mode) { fake_math_mode = mode; return 0; }

/* Column-major C = op(A)·op(B), computed on the host so the transposition trick is checked for real. */
static void gemm(int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                 float beta, float *c, int ldc) {
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            float acc = 0;
            for (int l = 0; l < k; l++) {
                float av = ta ? a[l + i * lda] : a[i + l * lda];
                float bv = tb ? b[j + l * ldb] : b[l + j * ldb];
                acc += av * bv;
            }
            /* BLAS: with beta = 0, C is not read (it may hold NaN from reused memory). */
            c[i + j * ldc] = beta == 0 ? alpha * acc : alpha * acc + beta * c[i + j * ldc];
        }
    }
}

int cublasSgemm_v2(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *a, int lda,
                   const float *b, int ldb, const float *beta, float *c, int ldc) {
    int args[8] = {ta, tb, m, n, k, lda, ldb, ldc};
    memcpy(fake_gemm_args, args, sizeof args);
    gemm(ta, tb, m, n, k, *alpha, a, lda, b, ldb, *beta, c, ldc);
    return 0;
}

static void dgemm(int ta, int tb, int m, int n, int k, double alpha, const double *a, int lda, const double *b, int ldb,
                  double beta, double *c, int ldc) {
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            double acc = 0;
            for (int l = 0; l < k; l++) {
                acc += (ta ? a[l + i * lda] : a[i + l * lda]) * (tb ? b[j + l * ldb] : b[l + j * ldb]);
            }
            c[i + j * ldc] = beta == 0 ? alpha * acc : alpha * acc + beta * c[i + j * ldc];
        }
    }
}

/* Double GEMMs: NOT_SUPPORTED (FakeDriverTest checks that error's message), computed when emulating. */
int cublasDgemm_v2(void *h, int ta, int tb, int m, int n, int k, const double *alpha, const double *a, int lda,
                   const double *b, int ldb, const double *beta, double *c, int ldc) {
    if (!fake_emulate_all) return 15;
    dgemm(ta, tb, m, n, k, *alpha, a, lda, b, ldb, *beta, c, ldc);
    return 0;
}

int cublasSgemmStridedBatched(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *a,
                              int lda, long long sa, const float *b, int ldb, long long sb, const float *beta,
                              float *c, int ldc, long long sc, int batch) {
    fake_batch = batch;
    fake_batched_strides[0] = sa;
    fake_batched_strides[1] = sb;
    fake_batched_strides[2] = sc;
    for (int i = 0; i < batch; i++) {
        gemm(ta, tb, m, n, k, *alpha, a + i * sa, lda, b + i * sb, ldb, *beta, c + i * sc, ldc);
    }
    return 0;
}

int cublasDgemmStridedBatched(void *h, int ta, int tb, int m, int n, int k, const double *alpha, const double *a,
                              int lda, long long sa, const double *b, int ldb, long long sb, const double *beta,
                              double *c, int ldc, long long sc, int batch) {
    if (!fake_emulate_all) return 15;
    for (int i = 0; i < batch; i++) {
        dgemm(ta, tb, m, n, k, *alpha, a + i * sa, lda, b + i * sb, ldb, *beta, c + i * sc, ldc);
    }
    return 0;
}

/* ---- NVRTC: "compiles" to a PTX that names the options it was given (generated kernels: see above) */
static char *fake_options;
struct program { char *src; char *ptx; };
int nvrtcCreateProgram(void **p, const char *src, const char *name, int nh, const char *const *h, const char *const *in) {
    struct program *prog = calloc(1, sizeof *prog);
    prog->src = strdup(src ? src : "");
    *p = prog;
    return src && strstr(src, "#error") ? 3 : 0;
}
int nvrtcCompileProgram(void *p, int n, const char *const *opts) {
    struct program *prog = p;
    free(fake_options);
    size_t len = 1;
    for (int i = 0; i < n; i++) len += strlen(opts[i]) + 1;
    fake_options = calloc(len, 1);
    for (int i = 0; i < n; i++) { strcat(fake_options, opts[i]); strcat(fake_options, " "); }
    if (strstr(prog->src, "struct FxGeometry") || fake_emulate_all) {
        prog->ptx = emulation_compile(prog->src, fake_options);
        return prog->ptx ? 0 : 6; /* NVRTC_ERROR_COMPILATION */
    }
    prog->ptx = malloc(strlen(fake_options) + 13);
    strcpy(prog->ptx, "// fake PTX ");
    strcat(prog->ptx, fake_options);
    return 0;
}
int nvrtcGetPTXSize(void *p, size_t *n) { *n = strlen(((struct program *) p)->ptx) + 1; return 0; }
int nvrtcGetPTX(void *p, char *out) { strcpy(out, ((struct program *) p)->ptx); return 0; }
int nvrtcGetProgramLogSize(void *p, size_t *n) { *n = 1; return 0; }
int nvrtcGetProgramLog(void *p, char *out) { out[0] = 0; return 0; }
int nvrtcDestroyProgram(void **p) {
    struct program *prog = *p;
    free(prog->src);
    free(prog->ptx);
    free(prog);
    return 0;
}
const char *nvrtcGetErrorString(int r) { return "NVRTC_FAKE"; }
