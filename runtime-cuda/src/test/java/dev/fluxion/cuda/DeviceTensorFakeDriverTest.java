package dev.fluxion.cuda;

import dev.fluxion.DType;
import dev.fluxion.Derivatives;
import dev.fluxion.Device;
import dev.fluxion.F;
import dev.fluxion.FluxionException;
import dev.fluxion.Fused;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.nn.BatchNorm1d;
import dev.fluxion.nn.Linear;
import dev.fluxion.nn.Module;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.SGD;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime's {@code Tensor.to(Device.cuda())} path against the stand-in driver: the backend is
 * found through ServiceLoader, copies to and from the device are real (host memory behind the fake
 * driver), GEMMs run (the fake cuBLAS computes), and every other op launches its generated kernel,
 * whose name, compilation and disk cache entry are checked here (the values of those kernels are
 * checked on a GPU by {@link DeviceTrainingGpuTest} and, for every op's formula, on the host by
 * {@code GeneratedExpressionsMatchCpuTest}).
 */
class DeviceTensorFakeDriverTest {

    private static FakeCuda fake;

    @BeforeAll
    static void installFakeDriver() throws IOException, InterruptedException {
        fake = FakeCuda.install();
    }

    @AfterAll
    static void restore() {
        if (fake != null) {
            fake.uninstall();
        }
    }

    @Test
    void toCudaAndBackKeepsValuesShapeAndDtype() {
        Random rng = new Random(3);
        List<Tensor> tensors = List.of(Tensor.randn(rng, 3, 4), Tensor.randn(rng, DType.FLOAT64, 2, 5),
                Tensor.of(1.5f, -2f).gt(0), Tensor.arange(6).reshape(2, 3).to(DType.INT64), Tensor.scalar(2.5));
        for (Tensor x : tensors) {
            Tensor d = x.to(Device.cuda());
            assertEquals(Device.cuda(), d.device());
            assertEquals(x.dtype(), d.dtype());
            assertArrayEquals(x.shape(), d.shape());
            Tensor back = d.cpu();
            assertEquals(Device.cpu(), back.device());
            assertEquals(x.dtype(), back.dtype());
            assertArrayEquals(x.toDoubleArray(), back.toDoubleArray());
            assertArrayEquals(x.toDoubleArray(), d.toDoubleArray(), "reading a device tensor's values downloads them");
        }
        assertEquals(2.5, Tensor.scalar(2.5).cuda().item());
    }

    @Test
    void aStridedViewIsUploadedInRowMajorOrder() {
        Tensor x = Tensor.arange(12).reshape(3, 4);
        assertArrayEquals(x.t().toDoubleArray(), x.t().to(Device.cuda()).cpu().toDoubleArray());
    }

    @Test
    void movingToWhereATensorAlreadyIsReturnsIt() {
        Tensor x = Tensor.ones(3);
        assertSame(x, x.cpu());
        assertSame(x, x.to(Device.cpu()));
        Tensor d = x.cuda();
        assertSame(d, d.to(Device.cuda()));
        assertSame(d, d.cuda());
    }

    @Test
    void deviceTensorsPrintTheirDeviceAsPyTorch() {
        assertEquals("tensor([1., 2.], device='cuda:0')", Tensor.of(1f, 2f).cuda().toString());
    }

    @Test
    void matmulRunsThroughCublasWithTransposedOperandsPassedAsFlags() {
        Random rng = new Random(5);
        Tensor x = Tensor.randn(rng, 6, 4), w = Tensor.randn(rng, 3, 4), v = Tensor.randn(rng, 4);
        Tensor dx = x.cuda(), dw = w.cuda();
        assertClose(x.matmul(w.t()), dx.matmul(dw.t()), "x · wᵀ (F.linear's product)");
        assertClose(x.t().matmul(x), dx.t().matmul(dx), "xᵀ · x (a weight gradient)");
        assertClose(x.matmul(v), dx.matmul(v.cuda()), "matrix · vector");
        Tensor batch = Tensor.randn(rng, 2, 5, 4);
        assertClose(batch.matmul(w.t()), batch.cuda().matmul(dw.t()), "a stack of matrices · one matrix");
        Tensor b3 = Tensor.randn(rng, 2, 4, 3);
        assertClose(batch.matmul(b3), batch.cuda().matmul(b3.cuda()), "batched");
        assertEquals(Device.cuda(), F.linear(dx, dw).device());
    }

    @Test
    void mixingDevicesInOneOpNamesTheOpAndBothDevices() {
        Tensor d = Tensor.ones(2, 3).cuda(), c = Tensor.ones(2, 3);
        FluxionException plus = assertThrows(FluxionException.class, () -> d.plus(c));
        assertTrue(plus.getMessage().startsWith("plus: expected all tensors on one device, but found cuda:0 and cpu"),
                plus.getMessage());
        FluxionException matmul = assertThrows(FluxionException.class, () -> c.matmul(d.t()));
        assertTrue(matmul.getMessage().contains("matmul") && matmul.getMessage().contains("cpu and cuda:0"),
                matmul.getMessage());
        FluxionException where = assertThrows(FluxionException.class, () -> F.where(c.gt(0), d, d));
        assertTrue(where.getMessage().contains("where"), where.getMessage());
        FluxionException inPlace = assertThrows(FluxionException.class, () -> d.addInPlace(c, 1));
        assertTrue(inPlace.getMessage().contains("addInPlace") && inPlace.getMessage().contains("cuda:0"),
                inPlace.getMessage());
    }

    @Test
    void opsNotOnTheDeviceYetNameTheOpAndTheDevice() {
        Tensor stack = Tensor.ones(2, 1, 3, 4).cuda(), other = Tensor.ones(5, 4, 2).cuda();
        FluxionException e = assertThrows(FluxionException.class, () -> stack.matmul(other));
        assertTrue(e.getMessage().startsWith("matmul of shapes [2, 1, 3, 4] and [5, 4, 2] (broadcast batch dims): not supported"
                + " on cuda:0 yet; move the operands to the CPU"), e.getMessage());
    }

    @Test
    void aCpuScalarGoesWithADeviceTensorAsAKernelArgument() {
        Tensor d = Tensor.ones(2, 3).cuda();
        Tensor y = d.times(2.5);
        assertEquals(Device.cuda(), y.device());
        assertEquals("fx_times_float_scalar_to_float", fake.lastKernel());
        Tensor mask = d.gt(0);
        assertEquals(DType.BOOL, mask.dtype(), "comparisons give BOOL, as on the CPU");
        assertEquals("fx_gt_float_scalar_to_double", fake.lastKernel(), "float32 compares in float64, as on the CPU");
        d.relu();
        assertEquals("fx_relu_float_to_float", fake.lastKernel());
    }

    @Test
    void generatedKernelsAreCompiledThroughNvrtcAndCachedOnDiskByDeviceAndSourceHash() throws IOException {
        Tensor.ones(4).cuda().sigmoid();
        Path sm = fake.cacheDir().resolve("sm_90");
        try (Stream<Path> files = Files.list(sm)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().matches("fx_sigmoid_float_to_float-[0-9a-f]{24}\\.ptx")),
                    "the PTX of the generated kernel is cached under sm_<cc>/<name>-<hash>.ptx");
        }
    }

    @Test
    void geometryOfABroadcastLaunchHoldsStridesAlignedToTheOutput() {
        Tensor x = Tensor.zeros(3, 4).cuda(), bias = Tensor.zeros(4).cuda();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment g = a.allocate(FusedElementwise.GEOMETRY_BYTES, 8);
            FusedElementwise.geometry(g, new int[] {3, 4}, 12, new Tensor[] {x, bias});
            assertEquals(12, g.get(JAVA_LONG, 0));
            assertEquals(2, g.get(JAVA_INT, 8));
            assertEquals(0, g.get(JAVA_INT, 12), "a broadcast operand needs index arithmetic");
            long stride = 208;
            assertEquals(4, g.get(JAVA_LONG, stride), "x: stride of dim 0");
            assertEquals(1, g.get(JAVA_LONG, stride + 8), "x: stride of dim 1");
            assertEquals(0, g.get(JAVA_LONG, stride + 64), "bias repeats along dim 0");
            assertEquals(1, g.get(JAVA_LONG, stride + 72), "bias: stride of dim 1");

            FusedElementwise.geometry(g, new int[] {3, 4}, 12, new Tensor[] {x, Tensor.scalar(0).cuda()});
            assertEquals(1, g.get(JAVA_INT, 12), "same-shape contiguous operands and single elements are dense");
            assertEquals(1, g.get(JAVA_LONG, 144), "x: step 1");
            assertEquals(0, g.get(JAVA_LONG, 152), "the scalar: step 0");

            Tensor view = Tensor.zeros(4, 3).cuda().t();
            FusedElementwise.geometry(g, new int[] {3, 4}, 12, new Tensor[] {view});
            assertEquals(0, g.get(JAVA_INT, 12), "a transposed view is read through its strides");
            assertEquals(1, g.get(JAVA_LONG, stride));
            assertEquals(3, g.get(JAVA_LONG, stride + 8));
        }
    }

    /** A model with a shared weight, a frozen parameter and buffers. */
    static final class Tied extends Module {
        final Linear first;
        final Linear second;
        final Parameter shared;
        final Parameter alsoShared;
        final Parameter frozen;
        final BatchNorm1d norm;

        Tied(Random rng) {
            first = new Linear(4, 3, rng);
            second = new Linear(3, 2, rng);
            shared = Parameter.of(Tensor.randn(rng, 3));
            alsoShared = shared;
            frozen = Parameter.of(Tensor.ones(2)).requiresGrad(false);
            norm = new BatchNorm1d(3);
        }
    }

    @Test
    void moduleToMovesEveryParameterAndBufferAndKeepsSharedOnesShared() {
        Tied model = new Tied(new Random(9));
        var before = model.namedParameters();
        var buffersBefore = model.namedBuffers();
        assertSame(model, model.to(Device.cuda()));
        var after = model.namedParameters();
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            Parameter p = after.get(name);
            assertEquals(Device.cuda(), p.device(), name);
            assertNotSame(before.get(name), p, name);
            assertArrayEquals(before.get(name).toDoubleArray(), p.cpu().toDoubleArray(), name);
            assertEquals(before.get(name).requiresGrad(), p.requiresGrad(), name);
        }
        assertSame(model.shared, model.alsoShared, "a parameter held twice is moved once");
        // The running statistics (tensor fields) move; num_batches_tracked is a host-side counter.
        for (String name : List.of("norm.running_mean", "norm.running_var")) {
            Tensor buffer = model.namedBuffers().get(name);
            assertEquals(Device.cuda(), buffer.device(), name);
            assertArrayEquals(buffersBefore.get(name).toDoubleArray(), buffer.toDoubleArray(), name);
        }
        model.to(Device.cpu());
        for (String name : before.keySet()) {
            assertEquals(Device.cpu(), model.namedParameters().get(name).device());
            assertArrayEquals(before.get(name).toDoubleArray(), model.namedParameters().get(name).toDoubleArray(), name);
        }
    }

    @Test
    void gradientsAccumulateOnTheParametersDevice() {
        Parameter p = Parameter.of(Tensor.ones(2, 3)).to(Device.cuda());
        p.accumulateGrad(Tensor.ones(2, 3).cuda());
        assertEquals(Device.cuda(), p.grad().device());
        p.accumulateGrad(Tensor.ones(3).cuda());
        assertEquals("fx_inplace_add_float_float", fake.lastKernel(), "the second gradient adds in place");
        FluxionException e = assertThrows(FluxionException.class, () -> p.accumulateGrad(Tensor.ones(2, 3)));
        assertTrue(e.getMessage().contains("cuda:0") && e.getMessage().contains("cpu"), e.getMessage());
        p.zeroGrad();
        assertEquals("fx_inplace_fill_float", fake.lastKernel());
    }

    @Test
    void optimizersStepParametersOnTheDevice() {
        Linear layer = new Linear(4, 3, new Random(1));
        layer.to(Device.cuda());
        for (var p : layer.parameters()) {
            p.accumulateGrad(Tensor.onesLike(p));
        }
        new SGD(layer.parameters(), 0.1).step();
        assertEquals("fx_inplace_add_float_float", fake.lastKernel());
        Adam adam = new Adam(layer.parameters(), 1e-3);
        adam.step();
        assertTrue(fake.lastKernel().startsWith("fx_inplace_add_quotient_float"), fake.lastKernel());
        for (var p : layer.parameters()) {
            assertEquals(Device.cuda(), p.device());
        }
    }

    @Test
    void generatedElementwiseKernelsComputeWhatTheCpuComputes() {
        Random rng = new Random(17);
        Tensor x = Tensor.randn(rng, 4, 5), y = Tensor.randn(rng, 4, 5), g = Tensor.randn(rng, 4, 5);
        Tensor row = Tensor.randn(rng, 5), col = Tensor.randn(rng, 4, 1), pos = Tensor.rand(rng, 4, 5).plus(0.1);
        Tensor x64 = Tensor.randn(rng, DType.FLOAT64, 4, 5), ints = Tensor.arange(20).reshape(4, 5).to(DType.INT64);
        int before = fake.emulatedLaunches();
        List<Object[]> cases = List.of(
                new Object[] {"relu", (Function<Tensor[], Tensor>) t -> t[0].relu(), new Tensor[] {x}},
                new Object[] {"exp", (Function<Tensor[], Tensor>) t -> t[0].exp(), new Tensor[] {x}},
                new Object[] {"gelu", (Function<Tensor[], Tensor>) t -> t[0].gelu(), new Tensor[] {x}},
                new Object[] {"clamp", (Function<Tensor[], Tensor>) t -> t[0].clamp(-0.5, 0.5), new Tensor[] {x}},
                new Object[] {"scalar times", (Function<Tensor[], Tensor>) t -> t[0].times(0.1), new Tensor[] {x}},
                new Object[] {"rsub", (Function<Tensor[], Tensor>) t -> t[0].rsub(2), new Tensor[] {x}},
                new Object[] {"pow", (Function<Tensor[], Tensor>) t -> t[0].pow(t[1]), new Tensor[] {pos, y}},
                new Object[] {"plus a row", (Function<Tensor[], Tensor>) t -> t[0].plus(t[1]), new Tensor[] {x, row}},
                new Object[] {"minus a column", (Function<Tensor[], Tensor>) t -> t[0].minus(t[1]), new Tensor[] {x, col}},
                new Object[] {"outer broadcast", (Function<Tensor[], Tensor>) t -> t[0].times(t[1]), new Tensor[] {col, row}},
                new Object[] {"transposed operand", (Function<Tensor[], Tensor>) t -> t[0].t().div(t[1].t()), new Tensor[] {x, pos}},
                new Object[] {"sliced operand", (Function<Tensor[], Tensor>) t -> t[0].slice(1, 1, 4).neg(), new Tensor[] {x}},
                new Object[] {"mixed float32 and float64", (Function<Tensor[], Tensor>) t -> t[0].plus(t[1]), new Tensor[] {x, x64}},
                new Object[] {"int64 stays int64", (Function<Tensor[], Tensor>) t -> t[0].neg().abs(), new Tensor[] {ints}},
                new Object[] {"int64 log gives float32", (Function<Tensor[], Tensor>) t -> t[0].plus(1).log(), new Tensor[] {ints}},
                new Object[] {"comparison", (Function<Tensor[], Tensor>) t -> t[0].gt(t[1]), new Tensor[] {x, y}},
                new Object[] {"where", (Function<Tensor[], Tensor>) t -> F.where(t[0].gt(0), t[0], t[1]), new Tensor[] {x, y}},
                new Object[] {"to float64", (Function<Tensor[], Tensor>) t -> t[0].to(DType.FLOAT64), new Tensor[] {x}},
                new Object[] {"to bool", (Function<Tensor[], Tensor>) t -> t[0].relu().to(DType.BOOL), new Tensor[] {x}},
                new Object[] {"reluGrad", (Function<Tensor[], Tensor>) t -> Derivatives.reluGrad(t[0], t[1], t[1].relu()), new Tensor[] {g, x}},
                new Object[] {"sigmoidGrad", (Function<Tensor[], Tensor>) t -> Derivatives.sigmoidGrad(t[0], t[1], t[1].sigmoid()), new Tensor[] {g, x}},
                new Object[] {"tanhGrad", (Function<Tensor[], Tensor>) t -> Derivatives.tanhGrad(t[0], t[1], t[1].tanh()), new Tensor[] {g, x}},
                new Object[] {"logGrad", (Function<Tensor[], Tensor>) t -> Derivatives.logGrad(t[0], t[1], t[1].log()), new Tensor[] {g, pos}},
                new Object[] {"sqrtGrad", (Function<Tensor[], Tensor>) t -> Derivatives.sqrtGrad(t[0], t[1], t[1].sqrt()), new Tensor[] {g, pos}},
                new Object[] {"geluGrad", (Function<Tensor[], Tensor>) t -> Derivatives.geluGrad(t[0], t[1], t[1].gelu()), new Tensor[] {g, x}},
                new Object[] {"clampGrad", (Function<Tensor[], Tensor>) t -> Derivatives.clampGrad(t[0], t[1], -0.5, 0.5), new Tensor[] {g, x}},
                new Object[] {"leakyReluGrad", (Function<Tensor[], Tensor>) t -> Derivatives.leakyReluGrad(t[0], t[1], 0.1), new Tensor[] {g, x}},
                new Object[] {"timesGradA", (Function<Tensor[], Tensor>) t -> Derivatives.timesGradA(t[0], t[1], t[2]), new Tensor[] {g, x, y}},
                new Object[] {"divGradB", (Function<Tensor[], Tensor>) t -> Derivatives.divGradB(t[0], t[1], t[2]), new Tensor[] {g, x, pos}});
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Function<Tensor[], Tensor> op = (Function<Tensor[], Tensor>) c[1];
            Tensor[] inputs = (Tensor[]) c[2];
            Tensor expected = op.apply(inputs);
            Tensor got = op.apply(Arrays.stream(inputs).map(Tensor::cuda).toArray(Tensor[]::new));
            assertEquals(expected.dtype(), got.dtype(), c[0] + ": dtype");
            assertClose(expected, got, (String) c[0]);
        }
        assertTrue(fake.emulatedLaunches() > before + cases.size(), "the generated kernels ran");
    }

    @Test
    void sgdAndAdamStepsOnTheDeviceGiveTheCpusWeights() {
        for (boolean adam : new boolean[] {false, true}) {
            Random rng = new Random(23);
            Tensor w0 = Tensor.randn(rng, 3, 4), b0 = Tensor.randn(rng, 3);
            Parameter w = Parameter.of(w0.copy()), b = Parameter.of(b0.copy());
            Parameter dw = Parameter.of(w0.copy()).to(Device.cuda()), db = Parameter.of(b0.copy()).to(Device.cuda());
            var cpuOpt = adam ? new Adam(List.of(w, b), 0.01) : new SGD(List.of(w, b), 0.1);
            var devOpt = adam ? new Adam(List.of(dw, db), 0.01) : new SGD(List.of(dw, db), 0.1);
            for (int step = 0; step < 3; step++) {
                Tensor gw = Tensor.randn(rng, 3, 4), gb = Tensor.randn(rng, 3);
                cpuOpt.zeroGrad();
                devOpt.zeroGrad();
                w.accumulateGrad(gw);
                b.accumulateGrad(gb);
                dw.accumulateGrad(gw.cuda());
                db.accumulateGrad(gb.cuda());
                cpuOpt.step();
                devOpt.step();
            }
            assertClose(w, dw, (adam ? "Adam" : "SGD") + " weight");
            assertClose(b, db, (adam ? "Adam" : "SGD") + " bias");
        }
    }

    @Test
    void everyOpAndDerivativeRuleOfTheGpuTestMatchesTheCpuWithKernelsRunOnTheHost() {
        DeviceTrainingGpuTest.checkEveryOpAndDerivativeRule();
    }

    @Test
    void everyLayerOpAndDerivativeRuleOfTheGpuTestMatchesTheCpuWithKernelsRunOnTheHost() {
        DeviceLayersGpuTest.checkEveryLayerOpAndDerivativeRule();
    }

    @Test
    void fusedGroupsOfTheGpuTestMatchTheCpuAndTheirOpsOneByOneWithKernelsRunOnTheHost() throws IOException {
        DeviceFusedGroupsGpuTest.checkGroupsMatchTheCpuAndTheOpsOneByOne();
        DeviceFusedGroupsGpuTest.checkFallbacks();
        try (Stream<Path> files = Files.list(fake.cacheDir().resolve("sm_90"))) {
            long kernels = files.filter(f -> f.getFileName().toString().startsWith("fx_fused_")).count();
            assertTrue(kernels >= 2L * DeviceFusedGroupsGpuTest.GROUPS.size(),
                    "each group and dtype ran as its own generated kernel: " + kernels + " compiled");
        }
    }

    @Test
    void aFusedGroupIsOneGeneratedKernelCompiledWithoutFmaContractionAndCachedOnDisk() throws IOException {
        Random rng = new Random(4);
        Tensor x = Tensor.randn(rng, 3, 4), w = Tensor.randn(rng, 4), b = Tensor.randn(rng, 3, 1);
        Tensor dx = x.cuda(), dw = w.cuda(), db = b.cuda();
        String group = "sigmoid(t0 * t1 + t2)";
        Fused.map(group, dx, dw, db); // compiles it
        int before = fake.emulatedLaunches();
        Tensor out = Fused.map(group, dx, dw, db);
        assertEquals(before + 1, fake.emulatedLaunches(), "one launch for the whole group");
        String kernel = fake.lastKernel();
        assertTrue(kernel.matches("fx_fused_[0-9a-f]{8}_float"), kernel);
        assertClose(Fused.map(group, x, w, b), out, group);
        before = fake.emulatedLaunches();
        Fused.reference(group, new double[0], dx, dw, db);
        assertEquals(before + 3, fake.emulatedLaunches(), "op by op: times, plus, sigmoid");
        Path ptx;
        try (Stream<Path> files = Files.list(fake.cacheDir().resolve("sm_90"))) {
            ptx = files.filter(f -> f.getFileName().toString().startsWith(kernel + "-")).findFirst().orElseThrow();
        }
        assertTrue(Files.readString(ptx).contains("--fmad=false"), "compiled so that each op rounds as alone: " + ptx);
        // A new value of a scalar operand is a kernel argument: the same kernel, no new compile.
        String scaled = "clamp(t0 * s0, -0.5, 0.5) + t1";
        Fused.map(scaled, new double[] {0.5}, dx, dw);
        long cached;
        try (Stream<Path> files = Files.list(fake.cacheDir().resolve("sm_90"))) {
            cached = files.count();
        }
        Tensor again = Fused.map(scaled, new double[] {-2.0}, dx, dw);
        try (Stream<Path> files = Files.list(fake.cacheDir().resolve("sm_90"))) {
            assertEquals(cached, files.count(), "no kernel compiled for a new scalar value");
        }
        assertClose(Fused.map(scaled, new double[] {-2.0}, x, w), again, scaled);
    }

    @Test
    void w4TrainingStepsWithSgdAndAdamMatchTheCpuWithKernelsRunOnTheHost() {
        DeviceTrainingGpuTest.checkW4TrainingSteps(3);
    }

    private static void assertClose(Tensor expected, Tensor deviceResult, String what) {
        assertEquals(Device.cuda(), deviceResult.device(), what);
        Tensor got = deviceResult.cpu();
        assertArrayEquals(expected.shape(), got.shape(), what);
        double[] e = expected.toDoubleArray(), g = got.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i])) {
                assertTrue(Double.isNaN(g[i]), what + " element " + i + ": NaN on the CPU, " + g[i] + " on the device");
            } else {
                assertEquals(e[i], g[i], 1e-5 + 1e-5 * Math.abs(e[i]), what + " element " + i);
            }
        }
    }
}
