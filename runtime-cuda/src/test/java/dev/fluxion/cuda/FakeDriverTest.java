package dev.fluxion.cuda;

import dev.fluxion.Device;

import dev.fluxion.DType;
import dev.fluxion.Tensor;
import dev.fluxion.cuda.nativ.LibraryLocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bindings against a stand-in libcuda/libcublas/libnvrtc built from fake_cuda.c with the C
 * compiler: every downcall's descriptor and {@code invokeExact} types, launch-argument marshalling,
 * host/device copies, the row-major transposition trick for cuBLAS, the math mode and the kernel
 * cache key all run for real, without a GPU. Skipped visibly when there is no C compiler.
 */
class FakeDriverTest {

    private static Path dir;
    private static Path lib;
    private static SymbolLookup fake;
    private static String savedCacheDir;

    @BeforeAll
    static void buildFakeLibraries() throws IOException, InterruptedException {
        String cc = Stream.of("/usr/bin/cc", "/usr/bin/gcc", "/usr/local/bin/gcc", "/usr/bin/clang")
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        Assumptions.assumeTrue(cc != null, "no C compiler: the fake-driver tests are skipped");
        dir = Files.createTempDirectory("fake-cuda");
        Path src = dir.resolve("fake_cuda.c");
        try (InputStream in = FakeDriverTest.class.getResourceAsStream("fake_cuda.c")) {
            Files.write(src, in.readAllBytes());
        }
        lib = dir.resolve("libcuda.so.1");
        Process p = new ProcessBuilder(cc, "-shared", "-fPIC", "-O1", "-o", lib.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "cc failed: " + out);
        Files.createSymbolicLink(dir.resolve("libcublas.so.12"), lib);
        Files.createSymbolicLink(dir.resolve("libnvrtc.so.12"), lib);
        savedCacheDir = System.getProperty("fluxion.cuda.cacheDir");
        System.setProperty("fluxion.cuda.cacheDir", dir.resolve("cache").toString());
        Cuda.Probe probe = Cuda.probe(LibraryLocator.of(List.of(dir)), false);
        assertInstanceOf(Cuda.Ready.class, probe, () -> probe.toString());
        Cuda.useForTesting(probe);
        fake = SymbolLookup.libraryLookup(lib, Arena.global());
    }

    @AfterAll
    static void restore() {
        Cuda.useForTesting(null);
        Cuda.allowTf32(false);
        if (savedCacheDir == null) {
            System.clearProperty("fluxion.cuda.cacheDir");
        } else {
            System.setProperty("fluxion.cuda.cacheDir", savedCacheDir);
        }
    }

    private static MemorySegment global(String name, long bytes) {
        return fake.find(name).orElseThrow().reinterpret(bytes);
    }

    private static int intGlobal(String name) {
        return global(name, 4).get(JAVA_INT, 0);
    }

    @Test
    void theDeviceIsFoundNamedAndNumbered() {
        assertTrue(Cuda.available());
        assertEquals(1, Cuda.deviceCount());
        assertEquals("Fake GPU", Cuda.deviceName(Device.cuda()));
        assertEquals(90, Cuda.computeCapability(Device.cuda()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CudaTensor.zeros(Device.cuda(1), DType.FLOAT32, 2));
        assertEquals("no device cuda:1: this machine has 1", e.getMessage());
    }

    @Test
    void copiesToAndFromTheDeviceKeepValuesShapesAndDtypes() {
        Tensor f = Tensor.of(new float[][] {{1.5f, -2}, {3, 4}});
        assertArrayEquals(f.toFloatArray(), CudaTensor.toDevice(f, Device.cuda()).toHost().toFloatArray());
        Tensor d = Tensor.of(Math.PI, -1e300);
        Tensor back = CudaTensor.toDevice(d, Device.cuda()).toHost();
        assertEquals(DType.FLOAT64, back.dtype());
        assertArrayEquals(d.toDoubleArray(), back.toDoubleArray());
        Tensor idx = Tensor.fromArray(new double[] {3, 1}, 2).to(DType.INT64);
        assertEquals(DType.INT64, CudaTensor.toDevice(idx, Device.cuda()).toHost().dtype());
        assertArrayEquals(new float[6], CudaTensor.zeros(Device.cuda(), DType.FLOAT32, 2, 3).toHost().toFloatArray());
        CudaTensor c = CudaTensor.toDevice(f, Device.cuda()).copy();
        assertArrayEquals(new int[] {4}, c.reshape(4).shape());
        assertArrayEquals(f.toFloatArray(), c.reshape(4).toHost().toFloatArray());
    }

    @Test
    void launchesMarshalTheirArgumentsInTheKernelsOrder() {
        CudaTensor x = CudaTensor.toDevice(Tensor.of(-1f, 2f, -3f, 4f), Device.cuda());
        int before = intGlobal("fake_launches");
        assertArrayEquals(new float[] {0, 2, 0, 4}, CudaOps.relu(x).toHost().toFloatArray());
        assertEquals("relu_f32", global("fake_last_kernel", 64).getString(0));
        assertEquals(before + 1, intGlobal("fake_launches"));
        assertEquals(256, intGlobal("fake_last_block"));
        assertEquals(1, intGlobal("fake_last_grid"));
        assertArrayEquals(new float[] {-3, 6, -9, 12}, CudaOps.times(x, 3).toHost().toFloatArray());
        assertArrayEquals(new float[] {-2, 1, -4, 3}, CudaOps.minus(x, 1).toHost().toFloatArray());
        assertArrayEquals(new float[] {3, 0, 5, -2}, CudaOps.rsub(x, 2).toHost().toFloatArray());
    }

    @Test
    void theGridCoversLargeTensorsInBlocksOf256() {
        CudaTensor big = CudaTensor.zeros(Device.cuda(), DType.FLOAT32, 1000);
        CudaOps.relu(big);
        assertEquals(4, intGlobal("fake_last_grid"));
    }

    @Test
    void kernelsAreCompiledForTheDevicesCapabilityAndCachedOnDisk() throws IOException {
        CudaOps.relu(CudaTensor.zeros(Device.cuda(), DType.FLOAT32, 3));
        try (Stream<Path> files = Files.list(dir.resolve("cache").resolve("sm_90"))) {
            List<Path> ptx = files.filter(p -> p.getFileName().toString().startsWith("elementwise-")).toList();
            assertEquals(1, ptx.size(), ptx.toString());
            String text = Files.readString(ptx.getFirst());
            assertTrue(text.contains("--gpu-architecture=compute_90"), text);
        }
    }

    @Test
    void rowMajorMatmulGoesThroughCublasWithTheOperandsSwapped() {
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.fromArray(new float[] {1, 0, 2, -1, 3, 1, 0, 2, -2, 1, 1, 0}, 3, 4);
        CudaTensor da = CudaTensor.toDevice(a, Device.cuda());
        CudaTensor db = CudaTensor.toDevice(b, Device.cuda());
        assertArrayEquals(a.matmul(b).toFloatArray(), CudaBlas.matmul(da, db).toHost().toFloatArray());
        // Cᵀ[4×2] = Bᵀ·Aᵀ: transb/transa N, m = 4, n = 2, k = 3, ld = row lengths
        int[] args = new int[8];
        MemorySegment.copy(global("fake_gemm_args", 32), JAVA_INT, 0, args, 0, 8);
        assertArrayEquals(new int[] {0, 0, 4, 2, 3, 4, 3, 4}, args);
        assertEquals(0, intGlobal("fake_math_mode"), "TF32 is off by default");

        Tensor c = Tensor.fromArray(new float[] {1, -1, 2, 0.5f, 3, 1, 2, 2}, 2, 4);
        CudaTensor dc = CudaTensor.toDevice(c, Device.cuda());
        assertArrayEquals(a.t().matmul(c).toFloatArray(), CudaBlas.matmul(da, dc, true, false).toHost().toFloatArray());
        assertArrayEquals(c.matmul(b.t()).toFloatArray(), CudaBlas.matmul(dc, db, false, true).toHost().toFloatArray());
        assertArrayEquals(b.t().matmul(a.t()).toFloatArray(), CudaBlas.matmul(db, da, true, true).toHost().toFloatArray());
        Tensor w = Tensor.fromArray(new float[] {1, 2, 3, -1, 0, 1}, 2, 3);
        Tensor bias = Tensor.of(0.5f, -0.5f);
        assertArrayEquals(a.matmul(w.t()).plus(bias).toFloatArray(), CudaBlas.linear(da, CudaTensor.toDevice(w,
                Device.cuda()), CudaTensor.toDevice(bias, Device.cuda())).toHost().toFloatArray());
        Cuda.allowTf32(true);
        CudaBlas.matmul(da, db);
        assertEquals(3, intGlobal("fake_math_mode"), "CUBLAS_TF32_TENSOR_OP_MATH when allowed");
        Cuda.allowTf32(false);
        CudaBlas.matmul(da, db);
        assertEquals(0, intGlobal("fake_math_mode"));
    }

    @Test
    void batchedMatmulStridesAndASharedRightOperand() {
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 2, 3);
        Tensor b = Tensor.fromArray(new float[] {1, 0, 0, 1, 1, 1, 2, 0, 0, 2, 1, -1}, 2, 3, 2);
        CudaTensor da = CudaTensor.toDevice(a, Device.cuda());
        assertArrayEquals(a.matmul(b).toFloatArray(),
                CudaBlas.matmul(da, CudaTensor.toDevice(b, Device.cuda())).toHost().toFloatArray());
        long[] strides = new long[3];
        MemorySegment.copy(global("fake_batched_strides", 24), JAVA_LONG, 0, strides, 0, 3);
        assertArrayEquals(new long[] {6, 6, 4}, strides); // strideB, strideA, strideC (operands swapped)
        assertEquals(2, intGlobal("fake_batch"));
        Tensor shared = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertArrayEquals(a.matmul(shared).toFloatArray(),
                CudaBlas.matmul(da, CudaTensor.toDevice(shared, Device.cuda())).toHost().toFloatArray());
        MemorySegment.copy(global("fake_batched_strides", 24), JAVA_LONG, 0, strides, 0, 3);
        assertEquals(0, strides[0], "the shared operand has stride 0");
    }

    @Test
    void theCachingAllocatorSparesTheDriver() {
        CudaTensor t = CudaTensor.zeros(Device.cuda(), DType.FLOAT32, 12345);
        long p = t.pointer();
        t.close();
        int allocs = intGlobal("fake_allocs");
        CudaTensor u = CudaTensor.zeros(Device.cuda(), DType.FLOAT32, 12300); // the same 512-byte class
        assertEquals(p, u.pointer());
        assertEquals(allocs, intGlobal("fake_allocs"));
        u.close();
        int frees = intGlobal("fake_frees");
        Cuda.emptyCache(Device.cuda());
        assertTrue(intGlobal("fake_frees") > frees);
    }

    @Test
    void aFailingLibraryCallNamesTheCallAndTheStatus() {
        CudaTensor a = CudaTensor.toDevice(Tensor.of(new double[][] {{1, 2}}), Device.cuda());
        CudaException e = assertThrows(CudaException.class, () -> CudaBlas.matmul(a, a, false, true));
        assertEquals("cublasDgemm_v2 failed: CUBLAS_STATUS_NOT_SUPPORTED (15)", e.getMessage());
    }
}
