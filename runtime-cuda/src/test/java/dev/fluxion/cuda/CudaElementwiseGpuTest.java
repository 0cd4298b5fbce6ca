package dev.fluxion.cuda;

import dev.fluxion.Device;

import dev.fluxion.DType;
import dev.fluxion.Derivatives;
import dev.fluxion.F;
import dev.fluxion.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.fluxion.cuda.GpuTesting.assertClose;
import static dev.fluxion.cuda.GpuTesting.gpu;
import static dev.fluxion.cuda.GpuTesting.uniform;
import static dev.fluxion.cuda.GpuTesting.uniform64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every elementwise op and derivative rule on the device against the CPU runtime (float32 tolerances). */
class CudaElementwiseGpuTest {

    @BeforeEach
    void gpuOnly() {
        GpuTesting.assumeGpu();
    }

    /** An op: CPU forward, device forward, CPU rule (g, x, out), device rule, and its input domain. */
    record Unary(String name, Function<Tensor, Tensor> cpu, Function<CudaTensor, CudaTensor> dev,
                 Derivative cpuGrad, DevDerivative devGrad, double lo, double hi) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Derivative {
        Tensor apply(Tensor g, Tensor x, Tensor out);
    }

    interface DevDerivative {
        CudaTensor apply(CudaTensor g, CudaTensor x, CudaTensor out);
    }

    static Stream<Unary> unaryOps() {
        return Stream.of(
                new Unary("neg", Tensor::neg, CudaOps::neg, Derivatives::negGrad, (g, x, o) -> CudaOps.negGrad(g), -3, 3),
                new Unary("abs", Tensor::abs, CudaOps::abs, Derivatives::absGrad, (g, x, o) -> CudaOps.absGrad(g, x), -3, 3),
                new Unary("exp", Tensor::exp, CudaOps::exp, Derivatives::expGrad, (g, x, o) -> CudaOps.expGrad(g, o), -3, 3),
                new Unary("log", Tensor::log, CudaOps::log, Derivatives::logGrad, (g, x, o) -> CudaOps.logGrad(g, x), 0.1, 5),
                new Unary("log1p", Tensor::log1p, CudaOps::log1p, Derivatives::log1pGrad,
                        (g, x, o) -> CudaOps.log1pGrad(g, x), -0.5, 5),
                new Unary("sqrt", Tensor::sqrt, CudaOps::sqrt, Derivatives::sqrtGrad, (g, x, o) -> CudaOps.sqrtGrad(g, o), 0.1, 5),
                new Unary("square", Tensor::square, CudaOps::square, Derivatives::squareGrad,
                        (g, x, o) -> CudaOps.squareGrad(g, x), -3, 3),
                new Unary("sigmoid", Tensor::sigmoid, CudaOps::sigmoid, Derivatives::sigmoidGrad,
                        (g, x, o) -> CudaOps.sigmoidGrad(g, o), -8, 8),
                new Unary("tanh", Tensor::tanh, CudaOps::tanh, Derivatives::tanhGrad, (g, x, o) -> CudaOps.tanhGrad(g, o), -4, 4),
                new Unary("relu", Tensor::relu, CudaOps::relu, Derivatives::reluGrad, (g, x, o) -> CudaOps.reluGrad(g, x), -3, 3),
                new Unary("gelu", Tensor::gelu, CudaOps::gelu, Derivatives::geluGrad, (g, x, o) -> CudaOps.geluGrad(g, x), -4, 4),
                new Unary("softplus", Tensor::softplus, CudaOps::softplus, Derivatives::softplusGrad,
                        (g, x, o) -> CudaOps.softplusGrad(g, x), -20, 20),
                new Unary("sin", Tensor::sin, CudaOps::sin, Derivatives::sinGrad, (g, x, o) -> CudaOps.sinGrad(g, x), -6, 6),
                new Unary("cos", Tensor::cos, CudaOps::cos, Derivatives::cosGrad, (g, x, o) -> CudaOps.cosGrad(g, x), -6, 6),
                new Unary("leakyRelu(0.1)", x -> x.leakyRelu(0.1), x -> CudaOps.leakyRelu(x, 0.1),
                        (g, x, o) -> Derivatives.leakyReluGrad(g, x, 0.1), (g, x, o) -> CudaOps.leakyReluGrad(g, x, 0.1), -3, 3),
                new Unary("clamp(-1,0.5)", x -> x.clamp(-1, 0.5), x -> CudaOps.clamp(x, -1, 0.5),
                        (g, x, o) -> Derivatives.clampGrad(g, x, -1, 0.5), (g, x, o) -> CudaOps.clampGrad(g, x, -1, 0.5), -3, 3),
                new Unary("rdiv(2)", x -> x.rdiv(2), x -> CudaOps.rdiv(x, 2), (g, x, o) -> Derivatives.rdivGrad(g, x, 2),
                        (g, x, o) -> CudaOps.rdivGrad(g, x, 2), 0.2, 3),
                new Unary("pow(2.5)", x -> x.pow(2.5), x -> CudaOps.pow(x, 2.5), (g, x, o) -> Derivatives.powScalarGrad(g, x, 2.5),
                        (g, x, o) -> CudaOps.powGrad(g, x, 2.5), 0.1, 3),
                new Unary("times(3)", x -> x.times(3), x -> CudaOps.times(x, 3), (g, x, o) -> Derivatives.timesScalarGrad(g, 3),
                        (g, x, o) -> CudaOps.times(g, 3), -3, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void unaryForwardAndDerivativeMatchTheCpu(Unary op) {
        Random rng = new Random(op.name().hashCode());
        Tensor x = uniform(rng, op.lo(), op.hi(), 37, 129); // not a multiple of the block size
        Tensor g = uniform(rng, -1, 1, 37, 129);
        Tensor out = op.cpu().apply(x);
        CudaTensor dx = gpu(x);
        CudaTensor dout = op.dev().apply(dx);
        assertClose(out, dout, op.name());
        assertClose(op.cpuGrad().apply(g, x, out), op.devGrad().apply(gpu(g), dx, dout), 1e-4, 1e-6, op.name() + " derivative");
    }

    @ParameterizedTest(name = "{0} in float64")
    @MethodSource("unaryOps")
    void unaryOpsInFloat64AgreeTightly(Unary op) {
        Random rng = new Random(op.name().hashCode() + 1);
        Tensor x = uniform64(rng, op.lo(), op.hi(), 1000);
        Tensor g = uniform64(rng, -1, 1, 1000);
        Tensor out = op.cpu().apply(x);
        CudaTensor dx = gpu(x);
        CudaTensor dout = op.dev().apply(dx);
        assertClose(out, dout, 1e-8, 1e-11, op.name()); // float math in an _f64 kernel would miss by ~1e-7
        assertClose(op.cpuGrad().apply(g, x, out), op.devGrad().apply(gpu(g), dx, dout), 1e-8, 1e-11, op.name() + " derivative");
    }

    static Stream<Arguments> binaryOps() {
        BiFunction<Tensor, Tensor, Tensor> plus = Tensor::plus, minus = Tensor::minus, times = Tensor::times, div = Tensor::div;
        BiFunction<CudaTensor, CudaTensor, CudaTensor> dPlus = CudaOps::plus, dMinus = CudaOps::minus,
                dTimes = CudaOps::times, dDiv = CudaOps::div;
        return Stream.of(
                Arguments.of("plus", plus, dPlus, (Grad) Derivatives::plusGradA, (Grad) Derivatives::plusGradB, (DevGrad) CudaOps::plusGrad),
                Arguments.of("minus", minus, dMinus, (Grad) Derivatives::minusGradA, (Grad) Derivatives::minusGradB, (DevGrad) CudaOps::minusGrad),
                Arguments.of("times", times, dTimes, (Grad) Derivatives::timesGradA, (Grad) Derivatives::timesGradB, (DevGrad) CudaOps::timesGrad),
                Arguments.of("div", div, dDiv, (Grad) Derivatives::divGradA, (Grad) Derivatives::divGradB, (DevGrad) CudaOps::divGrad));
    }

    interface Grad {
        Tensor apply(Tensor g, Tensor a, Tensor b);
    }

    interface DevGrad {
        CudaOps.Grads apply(CudaTensor g, CudaTensor a, CudaTensor b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryOps")
    void binaryOpsAndTheirGradientsMatchTheCpuWithBiasBroadcasting(String name, BiFunction<Tensor, Tensor, Tensor> cpu,
            BiFunction<CudaTensor, CudaTensor, CudaTensor> dev, Grad gradA, Grad gradB, DevGrad devGrad) {
        Random rng = new Random(name.hashCode());
        int[][][] shapes = {{{33, 65}, {33, 65}}, {{33, 65}, {65}}, {{65}, {33, 65}}, {{4, 5, 6}, {1, 6}}};
        for (int[][] s : shapes) {
            Tensor a = uniform(rng, 0.5, 2, s[0]);
            Tensor b = uniform(rng, 0.5, 2, s[1]);
            Tensor out = cpu.apply(a, b);
            Tensor g = uniform(rng, -1, 1, out.shape());
            String what = name + java.util.Arrays.deepToString(s);
            assertClose(out, dev.apply(gpu(a), gpu(b)), what);
            CudaOps.Grads grads = devGrad.apply(gpu(g), gpu(a), gpu(b));
            assertClose(gradA.apply(g, a, b), grads.a(), 1e-4, 1e-5, what + " d/da");
            assertClose(gradB.apply(g, a, b), grads.b(), 1e-4, 1e-5, what + " d/db");
        }
    }

    @Test
    void inPlaceAxpyAndFill() {
        Random rng = new Random(5);
        Tensor y = uniform(rng, -1, 1, 1000);
        Tensor x = uniform(rng, -1, 1, 1000);
        CudaTensor dy = gpu(y);
        CudaOps.addInPlace(dy, gpu(x), -0.25);
        assertClose(y.plus(x.times(-0.25)), dy, "axpy");
        CudaOps.fillInPlace(dy, 1.5);
        assertClose(Tensor.full(1.5, 1000), dy, "fill");
    }

    @Test
    void roundTripKeepsValuesShapeAndDtype() {
        Tensor f = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertClose(f, gpu(f), 0, 0, "float32 round trip");
        Tensor d = Tensor.of(new double[][] {{1e-300, Math.PI}});
        assertClose(d, gpu(d), 0, 0, "float64 round trip");
        Tensor i = Tensor.fromArray(new double[] {0, 7, 3}, 3).to(DType.INT64);
        assertClose(i, gpu(i), 0, 0, "int64 round trip");
        assertEquals(6.0, gpu(Tensor.scalar(6.0)).item());
        assertEquals("CudaTensor([2, 3], torch.float32, device='cuda:0')", gpu(f).toString());
    }

    @Test
    void mixingDtypesIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CudaOps.plus(gpu(Tensor.of(1f, 2f)), gpu(Tensor.of(1.0, 2.0))));
        assertEquals("add: tensors of different dtypes: torch.float32 and torch.float64", e.getMessage());
    }

    @Test
    void mixingDevicesNamesBoth() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Cuda.deviceCount() >= 2, "one GPU: cross-device check needs two");
        CudaTensor a = CudaTensor.toDevice(Tensor.of(1f, 2f), Device.cuda(0));
        CudaTensor b = CudaTensor.toDevice(Tensor.of(1f, 2f), Device.cuda(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CudaOps.times(a, b));
        assertTrue(e.getMessage().startsWith("mul: tensors on different devices: cuda:0 and cuda:1"), e.getMessage());
    }

    @Test
    void theAllocatorReusesAClosedTensorsBlock() {
        CudaTensor a = CudaTensor.empty(Device.cuda(), DType.FLOAT32, 1000);
        long p = a.pointer();
        CachingAllocator alloc = Cuda.allocator(Device.cuda());
        long before = alloc.driverAllocations();
        a.close();
        CudaTensor b = CudaTensor.empty(Device.cuda(), DType.FLOAT32, 900);
        assertEquals(p, b.pointer());
        assertEquals(before, alloc.driverAllocations());
        assertThrows(IllegalStateException.class, a::pointer);
        Cuda.emptyCache(Device.cuda());
        assertEquals(0, alloc.cachedBytes());
    }

    @Test
    void deviceReportsNameAndCapability() {
        assertTrue(Cuda.computeCapability(Device.cuda()) >= 50);
        assertTrue(!Cuda.deviceName(Device.cuda()).isBlank());
        assertClose(F.relu(Tensor.of(-1f, 2f)), CudaOps.relu(gpu(Tensor.of(-1f, 2f))), "smoke");
    }
}
