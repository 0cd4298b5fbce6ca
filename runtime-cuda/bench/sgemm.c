/*
 * SGEMM 4096³ called from C, the baseline of the Java figure: the same cuBLAS entry point
 * (cublasSgemm_v2, default math mode: no TF32) on the same device. The libraries are opened with
 * dlopen, so this builds with plain gcc and no CUDA headers:
 *     gcc -O2 -o sgemm sgemm.c -ldl && ./sgemm /path/to/libcuda.so.1 /path/to/libcublas.so.N [n]
 * Prints "sgemm_<n>_ms <ms> ms" and "sgemm_<n>_tflops <t> TFLOP/s".
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef int (*cuInit_t)(unsigned);
typedef int (*cuDeviceGet_t)(int *, int);
typedef int (*cuPrimaryRetain_t)(void **, int);
typedef int (*cuCtxSetCurrent_t)(void *);
typedef int (*cuCtxSynchronize_t)(void);
typedef int (*cuMemAlloc_t)(unsigned long long *, size_t);
typedef int (*cuMemsetD32_t)(unsigned long long, unsigned, size_t);
typedef int (*cublasCreate_t)(void **);
typedef int (*cublasSetMathMode_t)(void *, int);
typedef int (*cublasSgemm_t)(void *, int, int, int, int, int, const float *, const float *, int, const float *, int,
                             const float *, float *, int);

static void *sym(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "missing symbol %s\n", name);
        exit(1);
    }
    return p;
}

#define CHECK(call) do { int rc_ = (call); if (rc_) { fprintf(stderr, "%s failed: %d\n", #call, rc_); exit(1); } } while (0)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s libcuda.so.1 libcublas.so [n]\n", argv[0]);
        return 2;
    }
    int n = argc > 3 ? atoi(argv[3]) : 4096;
    void *cuda = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
    void *cublas = dlopen(argv[2], RTLD_NOW | RTLD_GLOBAL);
    if (!cuda || !cublas) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    int dev;
    void *ctx, *handle;
    unsigned long long a, b, c;
    CHECK(((cuInit_t) sym(cuda, "cuInit"))(0));
    CHECK(((cuDeviceGet_t) sym(cuda, "cuDeviceGet"))(&dev, 0));
    CHECK(((cuPrimaryRetain_t) sym(cuda, "cuDevicePrimaryCtxRetain"))(&ctx, dev));
    CHECK(((cuCtxSetCurrent_t) sym(cuda, "cuCtxSetCurrent"))(ctx));
    cuMemAlloc_t alloc = (cuMemAlloc_t) sym(cuda, "cuMemAlloc_v2");
    cuMemsetD32_t memset32 = (cuMemsetD32_t) sym(cuda, "cuMemsetD32_v2");
    cuCtxSynchronize_t sync = (cuCtxSynchronize_t) sym(cuda, "cuCtxSynchronize");
    size_t bytes = (size_t) n * n * sizeof(float);
    CHECK(alloc(&a, bytes));
    CHECK(alloc(&b, bytes));
    CHECK(alloc(&c, bytes));
    CHECK(memset32(a, 0x3f000000u, (size_t) n * n)); /* 0.5f */
    CHECK(memset32(b, 0x3f400000u, (size_t) n * n)); /* 0.75f */
    CHECK(((cublasCreate_t) sym(cublas, "cublasCreate_v2"))(&handle));
    CHECK(((cublasSetMathMode_t) sym(cublas, "cublasSetMathMode"))(handle, 0));
    cublasSgemm_t sgemm = (cublasSgemm_t) sym(cublas, "cublasSgemm_v2");
    float one = 1.0f, zero = 0.0f;
    for (int i = 0; i < 3; i++) {
        CHECK(sgemm(handle, 0, 0, n, n, n, &one, (float *) b, n, (float *) a, n, &zero, (float *) c, n));
    }
    CHECK(sync());
    int reps = 20;
    double t0 = now();
    for (int i = 0; i < reps; i++) {
        CHECK(sgemm(handle, 0, 0, n, n, n, &one, (float *) b, n, (float *) a, n, &zero, (float *) c, n));
    }
    CHECK(sync());
    double s = (now() - t0) / reps;
    printf("sgemm_%d_ms %.4f ms\n", n, s * 1e3);
    printf("sgemm_%d_tflops %.4f TFLOP/s\n", n, 2.0 * n * n * (double) n / s / 1e12);
    return 0;
}
