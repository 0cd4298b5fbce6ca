package dev.fluxion.cuda;

import dev.fluxion.DType;
import dev.fluxion.Derivatives;
import dev.fluxion.F;
import dev.fluxion.Reduction;
import dev.fluxion.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static dev.fluxion.cuda.GpuTesting.assertClose;
import static dev.fluxion.cuda.GpuTesting.gpu;
import static dev.fluxion.cuda.GpuTesting.uniform;

/** Reductions, softmax, losses and matmul on the device against the CPU runtime. */
class CudaReductionsGpuTest {

    @BeforeEach
    void gpuOnly() {
        GpuTesting.assumeGpu();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 255, 256, 257, 100_003, 3_000_000})
    void fullSumMeanMaxAndTheirGradients(int n) {
        Random rng = new Random(n);
        Tensor x = uniform(rng, -1, 1, n);
        CudaTensor dx = gpu(x);
        // references summed in float64; the device sums float32 partials in a tree, whose rounding
        // error stays well below 1e-7 · Σ|x|
        double sumTol = 1e-7 * x.abs().toDouble().sum().item() + 1e-6;
        assertClose(x.toDouble().sum().toFloat(), CudaReductions.sum(dx), 0, sumTol, "sum of " + n);
        assertClose(x.toDouble().mean().toFloat(), CudaReductions.mean(dx), 0, sumTol / n + 1e-9, "mean of " + n);
        assertClose(x.max(), CudaReductions.max(dx), 0, 0, "max of " + n);
        Tensor g = Tensor.scalar(0.75, DType.FLOAT32);
        assertClose(Derivatives.sumGrad(g, x), CudaReductions.sumGrad(gpu(g), dx), "sumGrad");
        assertClose(Derivatives.meanGrad(g, x), CudaReductions.meanGrad(gpu(g), dx), "meanGrad");
        assertClose(Derivatives.maxGrad(g, x, x.max()), CudaReductions.maxGrad(gpu(g), dx, CudaReductions.max(dx)), "maxGrad");
    }

    @Test
    void maxSharesTheGradientAmongTies() {
        Tensor x = Tensor.of(1f, 3f, 3f, -2f, 3f);
        Tensor g = Tensor.scalar(1.5, DType.FLOAT32);
        CudaTensor dx = gpu(x);
        assertClose(Derivatives.maxGrad(g, x, x.max()), CudaReductions.maxGrad(gpu(g), dx, CudaReductions.max(dx)), "ties");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, -1})
    void reductionsAlongOneDimensionAndTheirGradients(int dim) {
        Random rng = new Random(dim + 10);
        Tensor x = uniform(rng, -1, 1, 7, 33, 300);
        CudaTensor dx = gpu(x);
        for (boolean keep : new boolean[] {false, true}) {
            String what = "dim " + dim + " keepDim " + keep;
            assertClose(x.sum(dim, keep), CudaReductions.sum(dx, dim, keep), 1e-4, 1e-5, "sum " + what);
            assertClose(x.mean(dim, keep), CudaReductions.mean(dx, dim, keep), 1e-4, 1e-6, "mean " + what);
            assertClose(x.max(dim, keep), CudaReductions.max(dx, dim, keep), 0, 0, "max " + what);
            Tensor g = uniform(rng, -1, 1, x.sum(dim, keep).shape());
            int[] dims = {dim};
            assertClose(Derivatives.sumGrad(g, x, dims, keep), CudaReductions.sumGrad(gpu(g), dx, dim), "sumGrad " + what);
            assertClose(Derivatives.meanGrad(g, x, dims, keep), CudaReductions.meanGrad(gpu(g), dx, dim), "meanGrad " + what);
            assertClose(Derivatives.maxGrad(g, x, x.max(dim, keep), dim, keep), CudaReductions.maxGrad(gpu(g), dx, dim),
                    "maxGrad " + what);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10, 257, 5000})
    void softmaxAndLogSoftmaxRowsAndTheirGradients(int cols) {
        Random rng = new Random(cols);
        Tensor x = uniform(rng, -10, 10, 3, 17, cols);
        Tensor g = uniform(rng, -1, 1, 3, 17, cols);
        CudaTensor dx = gpu(x);
        Tensor s = x.softmax(-1);
        Tensor ls = x.logSoftmax(-1);
        CudaTensor ds = CudaNN.softmax(dx, -1);
        CudaTensor dls = CudaNN.logSoftmax(dx, 2);
        assertClose(s, ds, 1e-5, 1e-7, "softmax");
        assertClose(ls, dls, 1e-5, 1e-5, "logSoftmax");
        assertClose(Derivatives.softmaxGrad(g, s, 2), CudaNN.softmaxGrad(gpu(g), ds, -1), 1e-4, 1e-6, "softmaxGrad");
        assertClose(Derivatives.logSoftmaxGrad(g, ls, 2), CudaNN.logSoftmaxGrad(gpu(g), dls, -1), 1e-4, 1e-5, "logSoftmaxGrad");
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"MEAN", "SUM"})
    void lossesAndTheirGradients(Reduction r) {
        Random rng = new Random(r.ordinal());
        Tensor pred = uniform(rng, -2, 2, 64, 10);
        Tensor target = uniform(rng, -2, 2, 64, 10);
        Tensor g = Tensor.scalar(1.25, DType.FLOAT32);
        CudaTensor dg = gpu(g);
        assertClose(F.mse(pred, target, r), CudaNN.mse(gpu(pred), gpu(target), r), 1e-5, 1e-6, "mse");
        assertClose(Derivatives.mseGradA(g, pred, target, r), CudaNN.mseGrad(dg, gpu(pred), gpu(target), r), "mseGrad");

        Tensor p = uniform(rng, 0.01, 0.99, 64, 10);
        Tensor y = Tensor.rand(rng, 64, 10).gt(0.5).toFloat();
        assertClose(F.bce(p, y, r), CudaNN.bce(gpu(p), gpu(y), r), 1e-5, 1e-6, "bce");
        assertClose(Derivatives.bceGrad(g, p, y, r), CudaNN.bceGrad(dg, gpu(p), gpu(y), r), 1e-5, 1e-6, "bceGrad");

        Tensor logits = uniform(rng, -5, 5, 64, 10);
        double[] classes = new double[64];
        for (int i = 0; i < 64; i++) {
            classes[i] = rng.nextInt(10);
        }
        Tensor labels = Tensor.fromArray(classes, 64).to(DType.INT64);
        assertClose(F.crossEntropy(logits, labels, r), CudaNN.crossEntropy(gpu(logits), gpu(labels), r), 1e-5, 1e-6, "crossEntropy");
        assertClose(Derivatives.crossEntropyGrad(g, logits, labels, r),
                CudaNN.crossEntropyGrad(dg, gpu(logits), gpu(labels), r), 1e-5, 1e-7, "crossEntropyGrad");
    }

    @Test
    void bceClampsTheLogAtMinus100LikePyTorch() {
        Tensor p = Tensor.of(0f, 1f, 0.5f);
        Tensor y = Tensor.of(1f, 0f, 1f);
        assertClose(F.bce(p, y, Reduction.SUM), CudaNN.bce(gpu(p), gpu(y), Reduction.SUM), 1e-6, 1e-6, "clamped bce");
    }

    @Test
    void matmulsAgainstTheCpuIncludingTransposedAndBatched() {
        Random rng = new Random(42);
        Tensor a = uniform(rng, -1, 1, 65, 129);
        Tensor b = uniform(rng, -1, 1, 129, 33);
        assertClose(a.matmul(b), CudaBlas.matmul(gpu(a), gpu(b)), 1e-4, 1e-5, "2-d");
        assertClose(a.t().matmul(uniform(new Random(1), -1, 1, 65, 20)),
                CudaBlas.matmul(gpu(a), gpu(uniform(new Random(1), -1, 1, 65, 20)), true, false), 1e-4, 1e-5, "aᵀ·c");
        Tensor w = uniform(rng, -1, 1, 40, 129);
        assertClose(a.matmul(w.t()), CudaBlas.matmul(gpu(a), gpu(w), false, true), 1e-4, 1e-5, "a·wᵀ");
        Tensor ba = uniform(rng, -1, 1, 5, 17, 23);
        Tensor bb = uniform(rng, -1, 1, 5, 23, 11);
        assertClose(ba.matmul(bb), CudaBlas.matmul(gpu(ba), gpu(bb)), 1e-4, 1e-5, "batched");
        Tensor shared = uniform(rng, -1, 1, 23, 11);
        assertClose(ba.matmul(shared), CudaBlas.matmul(gpu(ba), gpu(shared)), 1e-4, 1e-5, "batched · 2-d");
        Tensor g = uniform(rng, -1, 1, 65, 33);
        assertClose(Derivatives.matmulGradA(g, a, b), CudaBlas.matmul(gpu(g), gpu(b), false, true), 1e-4, 1e-5, "matmulGradA");
        assertClose(Derivatives.matmulGradB(g, a, b), CudaBlas.matmul(gpu(a), gpu(g), true, false), 1e-4, 1e-5, "matmulGradB");
        Tensor a64 = a.toDouble();
        Tensor b64 = b.toDouble();
        assertClose(a64.matmul(b64), CudaBlas.matmul(gpu(a64), gpu(b64)), 1e-12, 1e-12, "float64 (DGEMM)");
    }

    @Test
    void float32MatmulIsFullPrecisionByDefault() {
        // TF32 keeps 10 mantissa bits: a product of values with low bits set would be off by ~1e-3.
        Random rng = new Random(3);
        Tensor a = uniform(rng, 1, 2, 256, 256);
        Tensor b = uniform(rng, 1, 2, 256, 256);
        assertClose(a.toDouble().matmul(b.toDouble()).toFloat(), CudaBlas.matmul(gpu(a), gpu(b)), 1e-5, 0, "no TF32");
    }
}
