package dev.fluxion.cuda;

import dev.fluxion.DType;
import dev.fluxion.Derivatives;
import dev.fluxion.Device;
import dev.fluxion.F;
import dev.fluxion.Parameter;
import dev.fluxion.Reduction;
import dev.fluxion.Tensor;
import dev.fluxion.nn.Linear;
import dev.fluxion.nn.Module;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.Optimizer;
import dev.fluxion.optim.SGD;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime's own {@link Tensor} API with tensors on CUDA ({@code tensor.to(Device.cuda())}),
 * against the same calls on the CPU: every elementwise op and derivative rule, broadcasting,
 * views, reductions, softmax, losses, matmul, and a training step of the W4 MLP (784-256-10,
 * batch 64) as its generated code runs it, with SGD and with Adam. Skipped visibly without a GPU.
 */
class DeviceTrainingGpuTest {

    private static final double RTOL = 2e-5, ATOL = 2e-6;

    @BeforeEach
    void gpuOnly() {
        GpuTesting.assumeGpu();
    }

    /** An op over inputs: the same lambda runs on CPU tensors and on their CUDA copies. */
    record OpCase(String name, Function<Tensor[], Tensor> op, Tensor... inputs) {
    }

    @Test
    void everyOpAndDerivativeRuleMatchesTheCpu() {
        checkEveryOpAndDerivativeRule();
    }

    /** The body of {@link #everyOpAndDerivativeRuleMatchesTheCpu} (also run on the fake driver, which runs kernels on the host). */
    static void checkEveryOpAndDerivativeRule() {
        Random rng = new Random(11);
        Tensor x = Tensor.randn(rng, 4, 5), y = Tensor.randn(rng, 4, 5), g = Tensor.randn(rng, 4, 5);
        Tensor pos = Tensor.rand(rng, 4, 5).plus(0.1), row = Tensor.randn(rng, 5), col = Tensor.randn(rng, 4, 1);
        Tensor x64 = Tensor.randn(rng, DType.FLOAT64, 4, 5);
        Tensor labels = Tensor.of(0.0, 3, 4, 1), one = Tensor.scalar(1.0, DType.FLOAT32);
        Tensor probs = Tensor.rand(rng, 4, 5).times(0.9).plus(0.05), targets = Tensor.rand(rng, 4, 5);
        List<OpCase> cases = new ArrayList<>(List.of(
                new OpCase("neg", t -> t[0].neg(), x), new OpCase("abs", t -> t[0].abs(), x),
                new OpCase("exp", t -> t[0].exp(), x), new OpCase("log", t -> t[0].log(), pos),
                new OpCase("log1p", t -> t[0].log1p(), pos), new OpCase("sqrt", t -> t[0].sqrt(), pos),
                new OpCase("square", t -> t[0].square(), x), new OpCase("sigmoid", t -> t[0].sigmoid(), x),
                new OpCase("tanh", t -> t[0].tanh(), x), new OpCase("relu", t -> t[0].relu(), x),
                new OpCase("gelu", t -> t[0].gelu(), x), new OpCase("softplus", t -> t[0].softplus(), x),
                new OpCase("sin", t -> t[0].sin(), x), new OpCase("cos", t -> t[0].cos(), x),
                new OpCase("leakyRelu", t -> t[0].leakyRelu(0.1), x), new OpCase("clamp", t -> t[0].clamp(-0.5, 0.5), x),
                new OpCase("pow scalar", t -> t[0].pow(1.5), pos), new OpCase("rdiv", t -> t[0].rdiv(2), pos),
                new OpCase("rsub", t -> t[0].rsub(2), x), new OpCase("float64 exp", t -> t[0].exp(), x64),
                new OpCase("plus row", t -> t[0].plus(t[1]), x, row), new OpCase("minus col", t -> t[0].minus(t[1]), x, col),
                new OpCase("times", t -> t[0].times(t[1]), x, y), new OpCase("div", t -> t[0].div(t[1]), x, pos),
                new OpCase("pow", t -> t[0].pow(t[1]), pos, y), new OpCase("mixed dtypes", t -> t[0].plus(t[1]), x, x64),
                new OpCase("gt", t -> t[0].gt(t[1]), x, y), new OpCase("eq scalar", t -> t[0].eq(0), x.relu()),
                new OpCase("where", t -> F.where(t[0].gt(0), t[0], t[1]), x, y),
                new OpCase("transposed view", t -> t[0].t().exp(), x), new OpCase("slice view", t -> t[0].slice(1, 1, 4).neg(), x),
                new OpCase("sum", t -> t[0].sum(), x), new OpCase("sum dim 0", t -> t[0].sum(0), x),
                new OpCase("mean dim 1 keep", t -> t[0].mean(1, true), x), new OpCase("max dim 0", t -> t[0].max(0), x),
                new OpCase("min", t -> t[0].min(), x), new OpCase("argmax dim 1", t -> t[0].argmax(1), x),
                new OpCase("argmax all", t -> t[0].argmax(), x), new OpCase("argmax keepDim", t -> t[0].argmax(0, true), x),
                new OpCase("accuracy", t -> t[0].argmax(1).eq(t[1]).toFloat().mean(), x, labels), new OpCase("norm", t -> t[0].norm(), x),
                new OpCase("logSumExp dim 1", t -> t[0].logSumExp(1), x),
                new OpCase("softmax last", t -> t[0].softmax(-1), x), new OpCase("softmax dim 0", t -> t[0].softmax(0), x),
                new OpCase("logSoftmax", t -> t[0].logSoftmax(1), x),
                new OpCase("matmul", t -> t[0].matmul(t[1].t()), x, y), new OpCase("linear", t -> F.linear(t[0], t[1], t[2]), x, y, Tensor.randn(rng, 4)),
                new OpCase("crossEntropy", t -> F.crossEntropy(t[0], t[1]), x, labels),
                new OpCase("mse", t -> F.mse(t[0], t[1]), x, y),
                new OpCase("bce", t -> F.bce(t[0], t[1]), probs, targets)));
        // Derivative rules, with the saved tensors the generated code passes.
        cases.addAll(List.of(
                new OpCase("negGrad", t -> Derivatives.negGrad(t[0], t[1], t[1].neg()), g, x),
                new OpCase("absGrad", t -> Derivatives.absGrad(t[0], t[1], t[1].abs()), g, x),
                new OpCase("expGrad", t -> Derivatives.expGrad(t[0], t[1], t[1].exp()), g, x),
                new OpCase("logGrad", t -> Derivatives.logGrad(t[0], t[1], t[1].log()), g, pos),
                new OpCase("log1pGrad", t -> Derivatives.log1pGrad(t[0], t[1], t[1].log1p()), g, pos),
                new OpCase("sqrtGrad", t -> Derivatives.sqrtGrad(t[0], t[1], t[1].sqrt()), g, pos),
                new OpCase("squareGrad", t -> Derivatives.squareGrad(t[0], t[1], t[1].square()), g, x),
                new OpCase("sigmoidGrad", t -> Derivatives.sigmoidGrad(t[0], t[1], t[1].sigmoid()), g, x),
                new OpCase("tanhGrad", t -> Derivatives.tanhGrad(t[0], t[1], t[1].tanh()), g, x),
                new OpCase("reluGrad", t -> Derivatives.reluGrad(t[0], t[1], t[1].relu()), g, x),
                new OpCase("geluGrad", t -> Derivatives.geluGrad(t[0], t[1], t[1].gelu()), g, x),
                new OpCase("softplusGrad", t -> Derivatives.softplusGrad(t[0], t[1], t[1].softplus()), g, x),
                new OpCase("sinGrad", t -> Derivatives.sinGrad(t[0], t[1], t[1].sin()), g, x),
                new OpCase("cosGrad", t -> Derivatives.cosGrad(t[0], t[1], t[1].cos()), g, x),
                new OpCase("leakyReluGrad", t -> Derivatives.leakyReluGrad(t[0], t[1], 0.1), g, x),
                new OpCase("clampGrad", t -> Derivatives.clampGrad(t[0], t[1], -0.5, 0.5), g, x),
                new OpCase("plusGradB (broadcast row)", t -> Derivatives.plusGradB(t[0], t[1], t[2]), g, x, row),
                new OpCase("minusGradB (broadcast col)", t -> Derivatives.minusGradB(t[0], t[1], t[2]), g, x, col),
                new OpCase("timesGradA", t -> Derivatives.timesGradA(t[0], t[1], t[2]), g, x, y),
                new OpCase("divGradB", t -> Derivatives.divGradB(t[0], t[1], t[2]), g, x, pos),
                new OpCase("powGradA", t -> Derivatives.powGradA(t[0], t[1], t[2]), g, pos, y),
                new OpCase("powGradB", t -> Derivatives.powGradB(t[0], t[1], t[2], t[1].pow(t[2])), g, pos, y),
                new OpCase("sumGrad dims", t -> Derivatives.sumGrad(t[0].sum(1), t[1], new int[] {1}, false), g, x),
                new OpCase("meanGrad", t -> Derivatives.meanGrad(t[0].sum(), t[1]), g, x),
                new OpCase("maxGrad dim", t -> Derivatives.maxGrad(t[0].max(0), t[1], t[1].max(0), 0, false), g, x),
                new OpCase("minGrad dim keepDim", t -> Derivatives.minGrad(t[0].min(1, true), t[1], t[1].min(1, true), 1, true), g, x),
                new OpCase("maxGrad all", t -> Derivatives.maxGrad(t[0].sum(), t[1], t[1].max()), g, x),
                new OpCase("normGrad", t -> Derivatives.normGrad(t[0].sum(), t[1], t[1].norm()), g, x),
                new OpCase("softmaxGrad", t -> Derivatives.softmaxGrad(t[0], t[1].softmax(1), 1), g, x),
                new OpCase("logSoftmaxGrad", t -> Derivatives.logSoftmaxGrad(t[0], t[1].logSoftmax(1), 1), g, x),
                new OpCase("matmulGradA", t -> Derivatives.matmulGradA(t[0].matmul(t[1].t()), t[0], t[1].t()), x, y),
                new OpCase("matmulGradB (weight read transposed)", t -> Derivatives.matmulGradB(t[0], t[1], t[2].t()),
                        Tensor.randn(rng, 4, 3), x, Tensor.randn(rng, 3, 5)),
                new OpCase("linearGradWeight", t -> Derivatives.linearGradWeight(t[0], t[1], t[2]),
                        Tensor.randn(rng, 4, 3), x, Tensor.randn(rng, 3, 5)),
                new OpCase("crossEntropyGrad", t -> Derivatives.crossEntropyGrad(t[2], t[0], t[1], Reduction.MEAN), x, labels, one),
                new OpCase("mseGradA", t -> Derivatives.mseGradA(t[2], t[0], t[1], Reduction.MEAN), x, y, one),
                new OpCase("bceGrad", t -> Derivatives.bceGrad(t[2], t[0], t[1], Reduction.MEAN), probs, targets, one)));
        assertEveryCaseMatchesTheCpu(cases);
    }

    /** Runs each case on the CPU tensors and on their CUDA copies; one failure lists every case that differs. */
    static void assertEveryCaseMatchesTheCpu(List<OpCase> cases) {
        List<String> failures = new ArrayList<>();
        for (OpCase c : cases) {
            try {
                Tensor expected = c.op().apply(c.inputs());
                Tensor got = c.op().apply(Arrays.stream(c.inputs()).map(Tensor::cuda).toArray(Tensor[]::new));
                String diff = difference(expected, got);
                if (diff != null) {
                    failures.add(c.name() + ": " + diff);
                }
            } catch (RuntimeException e) {
                failures.add(c.name() + ": " + e);
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + cases.size() + " ops differ on CUDA:\n"
                + String.join("\n", failures));
    }

    /** The W4 model of the benchmarks: 784-256-10 with ReLU. */
    static final class W4 extends Module {
        final Linear hidden;
        final Linear output;

        W4(Random rng) {
            hidden = new Linear(784, 256, rng);
            output = new Linear(256, 10, rng);
        }

        /** The statements of W4MlpGrad.lossBackward (the generated forward and backward pass). */
        Tensor lossBackward(Tensor images, Tensor labels) {
            Tensor linear1 = F.linear(images, hidden.weight, hidden.bias);
            Tensor relu1 = linear1.relu();
            Tensor linear2 = F.linear(relu1, output.weight, output.bias);
            Tensor result = F.crossEntropy(linear2, labels);
            Tensor adj = Tensor.onesLike(result);
            Tensor linear2Adj = Derivatives.crossEntropyGrad(adj, linear2, labels, Reduction.MEAN);
            Tensor relu1Adj = Derivatives.matmulGradA(linear2Adj, relu1, output.weight.t());
            Tensor outputWeightAdj = Derivatives.matmulGradB(linear2Adj, relu1, output.weight.t()).t();
            Tensor outputBiasAdj = Derivatives.unbroadcast(linear2Adj, output.bias);
            Tensor linear1Adj = Derivatives.reluGrad(relu1Adj, linear1, relu1);
            Tensor hiddenWeightAdj = Derivatives.matmulGradB(linear1Adj, images, hidden.weight.t()).t();
            Tensor hiddenBiasAdj = Derivatives.unbroadcast(linear1Adj, hidden.bias);
            hidden.weight.accumulateGrad(hiddenWeightAdj);
            hidden.bias.accumulateGrad(hiddenBiasAdj);
            output.weight.accumulateGrad(outputWeightAdj);
            output.bias.accumulateGrad(outputBiasAdj);
            return result;
        }
    }

    @Test
    void w4TrainingStepsOnCudaMatchTheCpuWithSgdAndAdam() {
        checkW4TrainingSteps(10);
    }

    /** W4 training steps on CUDA against the CPU, with SGD and with Adam (also run on the fake driver). */
    static void checkW4TrainingSteps(int steps) {
        for (boolean adam : new boolean[] {false, true}) {
            Random data = new Random(21);
            Tensor images = Tensor.randn(data, 64, 784), labels = Tensor.rand(data, 64).times(10).to(DType.INT64).toDouble();
            W4 cpu = new W4(new Random(5)), gpu = new W4(new Random(5));
            gpu.to(Device.cuda());
            Optimizer cpuOpt = adam ? new Adam(cpu.parameters(), 1e-3) : new SGD(cpu.parameters(), 0.05);
            Optimizer gpuOpt = adam ? new Adam(gpu.parameters(), 1e-3) : new SGD(gpu.parameters(), 0.05);
            Tensor dImages = images.cuda(), dLabels = labels.cuda();
            double first = 0, last = 0;
            for (int step = 0; step < steps; step++) {
                cpuOpt.zeroGrad();
                gpuOpt.zeroGrad();
                double lc = cpu.lossBackward(images, labels).item();
                double lg = gpu.lossBackward(dImages, dLabels).item();
                assertEquals(lc, lg, 1e-4 * Math.abs(lc) + 1e-5, (adam ? "Adam" : "SGD") + " loss at step " + step);
                cpuOpt.step();
                gpuOpt.step();
                first = step == 0 ? lg : first;
                last = lg;
            }
            assertTrue(last < first, "the loss falls on CUDA");
            for (var e : cpu.namedParameters().entrySet()) {
                Parameter p = gpu.namedParameters().get(e.getKey());
                assertEquals(Device.cuda(), p.device());
                // Adam divides by √v̂: float32 rounding in a small gradient (another GEMM summation
                // order) moves an update by a fraction of lr, so its weights get an absolute
                // tolerance of lr / 10; SGD's stay within float32 rounding of the CPU's.
                String diff = difference(e.getValue(), p, 1e-4, adam ? 1e-4 : 1e-5);
                assertEquals(null, diff, (adam ? "Adam " : "SGD ") + e.getKey());
            }
        }
    }

    @Test
    void viewsAndRoundTrips() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        Tensor d = x.cuda();
        assertArrayEquals(x.transpose(0, 2).toDoubleArray(), d.transpose(0, 2).cpu().toDoubleArray());
        assertArrayEquals(x.slice(2, 1, 3).toDoubleArray(), d.slice(2, 1, 3).contiguous().cpu().toDoubleArray());
        assertArrayEquals(x.get(1).toDoubleArray(), d.get(1).cpu().toDoubleArray());
        assertEquals(x.sum().item(), d.sum().item(), 1e-4);
    }

    static String difference(Tensor expected, Tensor got) {
        return difference(expected, got, RTOL, ATOL);
    }

    private static String difference(Tensor expected, Tensor got, double rtol, double atol) {
        if (!got.device().isCuda()) {
            return "the result is on " + got.device();
        }
        if (!Arrays.equals(expected.shape(), got.shape()) || expected.dtype() != got.dtype()) {
            return "shape/dtype " + Arrays.toString(got.shape()) + " " + got.dtype() + ", CPU "
                    + Arrays.toString(expected.shape()) + " " + expected.dtype();
        }
        double[] e = expected.toDoubleArray(), g = got.toDoubleArray();
        double tolScale = expected.dtype() == DType.FLOAT64 ? 1e-6 : 1;
        for (int i = 0; i < e.length; i++) {
            double tol = tolScale * (atol + rtol * Math.abs(e[i]));
            if (Double.isNaN(e[i]) ? !Double.isNaN(g[i]) : !(Math.abs(e[i] - g[i]) <= tol)) {
                return "element " + i + ": CUDA " + g[i] + ", CPU " + e[i];
            }
        }
        return null;
    }
}
