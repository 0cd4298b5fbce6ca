package dev.fluxion.cuda;

import dev.fluxion.ConvDerivatives;
import dev.fluxion.DType;
import dev.fluxion.Derivatives;
import dev.fluxion.F;
import dev.fluxion.NnDerivatives;
import dev.fluxion.Reduction;
import dev.fluxion.Tensor;
import dev.fluxion.cuda.DeviceTrainingGpuTest.OpCase;
import dev.fluxion.nn.Dropout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

/**
 * The ops behind the layers and losses of {@code nn} with tensors on CUDA, against the same calls on
 * the CPU: index, gather, cat and stack, convolution and max pooling, embedding, NLL and
 * cross-entropy without reduction, layer and batch norm, dropout, each with its derivative rules;
 * and the dtypes of integer powers and divisions. Skipped visibly without a GPU; the same checks
 * run on the stand-in driver ({@code DeviceTensorFakeDriverTest}), which runs every kernel on the host.
 */
class DeviceLayersGpuTest {

    @BeforeEach
    void gpuOnly() {
        GpuTesting.assumeGpu();
    }

    @Test
    void everyLayerOpAndDerivativeRuleMatchesTheCpu() {
        checkEveryLayerOpAndDerivativeRule();
    }

    /** The body of {@link #everyLayerOpAndDerivativeRuleMatchesTheCpu} (also run on the fake driver). */
    static void checkEveryLayerOpAndDerivativeRule() {
        Random rng = new Random(31);
        Tensor x = Tensor.randn(rng, 4, 5), y = Tensor.randn(rng, 4, 5), g45 = Tensor.randn(rng, 4, 5);
        Tensor x64 = Tensor.randn(rng, DType.FLOAT64, 5, 3);
        int[] rows = {2, 0, -1, 2};
        // Index values within each row repeat (their gradients add up) and count from the end (-1).
        Tensor idx = ints(new double[] {1, 1, 0, -1, 4, 2, 3, 3}, 4, 2), idx0 = ints(new double[] {3, 0, 1, 0, 0, 2}, 2, 3);
        Tensor g42 = Tensor.randn(rng, 4, 2);
        Tensor img = Tensor.randn(rng, 2, 3, 7, 6), w = Tensor.randn(rng, 4, 3, 3, 3), b = Tensor.randn(rng, 4);
        Tensor gConv = Tensor.randn(rng, 2, 4, 4, 3), gConv1 = Tensor.randn(rng, 2, 4, 5, 4);
        Tensor ties = img.times(2).relu(); // many zeros: windows whose first maximum is a tie
        Tensor gPool = Tensor.randn(rng, 2, 3, 3, 2), gPool2 = Tensor.randn(rng, 2, 3, 3, 3);
        Tensor tokens = ints(new double[] {5, 0, 2, 2, 1, 5}, 2, 3), table = Tensor.randn(rng, 6, 4);
        Tensor gEmb = Tensor.randn(rng, 2, 3, 4);
        Tensor logp = x.logSoftmax(1), labels = ints(new double[] {0, 3, 4, 1}, 4), one = Tensor.scalar(1.0, DType.FLOAT32);
        Tensor g4 = Tensor.randn(rng, 4), lnW = Tensor.randn(rng, 5), lnB = Tensor.randn(rng, 5);
        Tensor bnX = Tensor.randn(rng, 6, 3, 2), gBn = Tensor.randn(rng, 6, 3, 2), bnW = Tensor.randn(rng, 3);
        Tensor bnB = Tensor.randn(rng, 3), runMean = Tensor.randn(rng, 3), runVar = Tensor.rand(rng, 3).plus(0.5);
        Tensor base = ints(new double[] {0, 1, 2, 3, 4, 5}, 2, 3), exps = ints(new double[] {0, 1, 2, 3, 2, 1}, 2, 3);
        Tensor negExps = ints(new double[] {0, -1, 2, 3, -2, 1}, 2, 3);
        DeviceTrainingGpuTest.assertEveryCaseMatchesTheCpu(List.of(
                new OpCase("index dim 0 (repeated, negative)", t -> t[0].index(0, rows), x),
                new OpCase("index dim 1", t -> t[0].index(1, new int[] {4, 1}), x),
                new OpCase("index of a transposed view", t -> t[0].t().index(1, new int[] {3, 0}), x),
                new OpCase("indexGrad (repeated rows add)", t -> Derivatives.indexGrad(t[0], t[1], 0, rows), g45, x),
                new OpCase("gather dim 1", t -> t[0].gather(1, t[1]), x, idx),
                new OpCase("gather dim 0, index smaller than x", t -> t[0].gather(0, t[1]), x, idx0),
                new OpCase("gatherGrad (repeated indices add)", t -> Derivatives.gatherGrad(t[0], t[1], 1, t[2]), g42, x, idx),
                new OpCase("cat dim 0", t -> F.cat(0, t[0], t[1].slice(0, 1, 3)), x, y),
                new OpCase("cat dim 1 of a view and float64", t -> F.cat(1, t[0].t(), t[1]), x, x64),
                new OpCase("stack dim 1", t -> F.stack(1, t[0], t[1]), x, y),
                new OpCase("catGrad", t -> Derivatives.catGrad(t[0], 1, 1, t[1], t[2]), Tensor.randn(rng, 4, 7), x, g42),
                new OpCase("conv2d stride 2 padding 1 bias", t -> F.conv2d(t[0], t[1], t[2], 2, 1), img, w, b),
                new OpCase("conv2d stride 1", t -> F.conv2d(t[0], t[1], null, 1, 0), img, w),
                new OpCase("conv2dGradInput", t -> ConvDerivatives.conv2dGradInput(t[0], t[1], t[2], 2, 1), gConv, img, w),
                new OpCase("conv2dGradInput stride 1", t -> ConvDerivatives.conv2dGradInput(t[0], t[1], t[2], 1, 0), gConv1, img, w),
                new OpCase("conv2dGradWeight", t -> ConvDerivatives.conv2dGradWeight(t[0], t[1], t[2], 2, 1), gConv, img, w),
                new OpCase("conv2dGradBias", t -> ConvDerivatives.conv2dGradBias(t[0], t[1]), gConv, b),
                new OpCase("maxPool2d 2/2", t -> F.maxPool2d(t[0], 2, 2), img),
                new OpCase("maxPool2d 3/2 (overlapping)", t -> F.maxPool2d(t[0], 3, 2), img),
                new OpCase("maxPool2dGrad 3/2 (overlapping)", t -> ConvDerivatives.maxPool2dGrad(t[0], t[1], 3, 2), gPool, img),
                new OpCase("maxPool2dGrad with ties", t -> ConvDerivatives.maxPool2dGrad(t[0], t[1], 2, 2), gPool2, ties),
                new OpCase("embedding", t -> F.embedding(t[0], t[1]), tokens, table),
                new OpCase("embeddingGrad (a repeated token adds)", t -> NnDerivatives.embeddingGrad(t[0], t[1], t[2]),
                        gEmb, tokens, table),
                new OpCase("nllLoss", t -> F.nllLoss(t[0], t[1]), logp, labels),
                new OpCase("nllLoss NONE", t -> F.nllLoss(t[0], t[1], Reduction.NONE), logp, labels),
                new OpCase("nllLossGrad", t -> Derivatives.nllLossGrad(t[2], t[0], t[1], Reduction.MEAN), logp, labels, one),
                new OpCase("nllLossGrad NONE", t -> Derivatives.nllLossGrad(t[2], t[0], t[1], Reduction.NONE), logp, labels, g4),
                new OpCase("crossEntropy NONE", t -> F.crossEntropy(t[0], t[1], Reduction.NONE), x, labels),
                new OpCase("crossEntropyGrad NONE", t -> Derivatives.crossEntropyGrad(t[2], t[0], t[1], Reduction.NONE), x, labels, g4),
                new OpCase("layerNorm", t -> F.layerNorm(t[0], new int[] {5}, t[1], t[2], 1e-5), x, lnW, lnB),
                new OpCase("layerNormGradInput", t -> NnDerivatives.layerNormGradInput(t[0], t[1], new int[] {5}, t[2], 1e-5),
                        g45, x, lnW),
                new OpCase("layerNormGradWeight", t -> NnDerivatives.layerNormGradWeight(t[0], t[1], new int[] {5}, 1e-5), g45, x),
                new OpCase("batchNorm training", t -> F.batchNorm(t[0], t[1].copy(), t[2].copy(), t[3], t[4], true, 0.1, 1e-5),
                        bnX, runMean, runVar, bnW, bnB),
                new OpCase("batchNorm running statistics", t -> {
                    Tensor mean = t[1].copy(), var = t[2].copy();
                    F.batchNorm(t[0], mean, var, null, null, true, 0.1, 1e-5);
                    return F.cat(0, mean, var);
                }, bnX, runMean, runVar),
                new OpCase("batchNorm eval", t -> F.batchNorm(t[0], t[1], t[2], t[3], t[4], false, 0.1, 1e-5),
                        bnX, runMean, runVar, bnW, bnB),
                new OpCase("batchNormGradInput", t -> NnDerivatives.batchNormGradInput(t[0], t[1], t[2], t[3], true, 1e-5),
                        gBn, bnX, runVar, bnW),
                new OpCase("batchNormGradWeight", t -> NnDerivatives.batchNormGradWeight(t[0], t[1], t[2], t[3], true, 1e-5),
                        gBn, bnX, runMean, runVar),
                new OpCase("dropout (the same draws on every device)", t -> new Dropout(0.3, new Random(5)).forward(t[0]), x),
                new OpCase("int64 pow stays int64", t -> t[0].pow(t[1]), base, exps),
                new OpCase("int64 pow of a scalar stays int64", t -> t[0].pow(2), base),
                new OpCase("int64 pow with a negative exponent gives float32", t -> t[0].plus(1).pow(t[1]), base, negExps),
                new OpCase("int64 div gives float32", t -> t[0].div(t[1].plus(1)), base, exps),
                new OpCase("int64 div by a scalar gives float32", t -> t[0].div(4), base)));
    }

    /** An INT64 tensor of {@code values}. */
    static Tensor ints(double[] values, int... shape) {
        return Tensor.of(values).reshape(shape).to(DType.INT64);
    }
}
