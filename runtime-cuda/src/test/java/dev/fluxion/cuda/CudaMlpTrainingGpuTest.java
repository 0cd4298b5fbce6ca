package dev.fluxion.cuda;

import dev.fluxion.DType;
import dev.fluxion.Derivatives;
import dev.fluxion.F;
import dev.fluxion.Reduction;
import dev.fluxion.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.fluxion.cuda.GpuTesting.assertClose;
import static dev.fluxion.cuda.GpuTesting.gpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A two-layer MLP (20-64-4, ReLU, cross entropy, SGD) trained step by step on the CPU runtime and
 * on the device from the same initial weights: the losses and the final weights agree, and the
 * loss falls.
 */
class CudaMlpTrainingGpuTest {

    @BeforeEach
    void gpuOnly() {
        GpuTesting.assumeGpu();
    }

    @Test
    void trainsToTheSameWeightsAsTheCpu() {
        Random rng = new Random(7);
        int n = 256, in = 20, hidden = 64, classes = 4, steps = 60;
        double lr = 0.5;
        Tensor x = Tensor.randn(rng, n, in);
        Tensor teacher = Tensor.randn(rng, classes, in);
        Tensor labels = x.matmul(teacher.t()).argmax(1);
        Tensor w1 = Tensor.randn(rng, hidden, in).times(Math.sqrt(2.0 / in));
        Tensor b1 = Tensor.zeros(hidden);
        Tensor w2 = Tensor.randn(rng, classes, hidden).times(Math.sqrt(1.0 / hidden));
        Tensor b2 = Tensor.zeros(classes);

        CudaTensor dx = gpu(x), dLabels = gpu(labels);
        CudaTensor dw1 = gpu(w1), db1 = gpu(b1), dw2 = gpu(w2), db2 = gpu(b2);
        CudaTensor one = gpu(Tensor.scalar(1.0, DType.FLOAT32));
        Tensor cpuOne = Tensor.scalar(1.0, DType.FLOAT32);

        double firstLoss = 0, lastLoss = 0;
        for (int step = 0; step < steps; step++) {
            // CPU step, with the runtime's derivative rules
            Tensor z1 = F.linear(x, w1, b1);
            Tensor h = z1.relu();
            Tensor logits = F.linear(h, w2, b2);
            Tensor loss = F.crossEntropy(logits, labels, Reduction.MEAN);
            Tensor gLogits = Derivatives.crossEntropyGrad(cpuOne, logits, labels, Reduction.MEAN);
            Tensor gw2 = Derivatives.linearGradWeight(gLogits, h, w2);
            Tensor gb2 = Derivatives.linearGradBias(gLogits, b2);
            Tensor gz1 = Derivatives.reluGrad(Derivatives.linearGradX(gLogits, h, w2), z1, h);
            Tensor gw1 = Derivatives.linearGradWeight(gz1, x, w1);
            Tensor gb1 = Derivatives.linearGradBias(gz1, b1);
            w1 = w1.minus(gw1.times(lr));
            b1 = b1.minus(gb1.times(lr));
            w2 = w2.minus(gw2.times(lr));
            b2 = b2.minus(gb2.times(lr));

            // the same step on the device
            CudaTensor dz1 = CudaBlas.linear(dx, dw1, db1);
            CudaTensor dh = CudaOps.relu(dz1);
            CudaTensor dLogits = CudaBlas.linear(dh, dw2, db2);
            CudaTensor dLoss = CudaNN.crossEntropy(dLogits, dLabels, Reduction.MEAN);
            CudaTensor dgLogits = CudaNN.crossEntropyGrad(one, dLogits, dLabels, Reduction.MEAN);
            CudaTensor dgw2 = CudaBlas.matmul(dgLogits, dh, true, false);
            CudaTensor dgb2 = CudaOps.sumToShape(dgLogits, new int[] {classes});
            CudaTensor dgz1 = CudaOps.reluGrad(CudaBlas.matmul(dgLogits, dw2), dz1);
            CudaTensor dgw1 = CudaBlas.matmul(dgz1, dx, true, false);
            CudaTensor dgb1 = CudaOps.sumToShape(dgz1, new int[] {hidden});
            CudaOps.addInPlace(dw1, dgw1, -lr);
            CudaOps.addInPlace(db1, dgb1, -lr);
            CudaOps.addInPlace(dw2, dgw2, -lr);
            CudaOps.addInPlace(db2, dgb2, -lr);

            double cpuLoss = loss.item();
            double gpuLoss = dLoss.item();
            assertEquals(cpuLoss, gpuLoss, 1e-4 * Math.abs(cpuLoss) + 1e-5, "loss at step " + step);
            if (step == 0) {
                firstLoss = gpuLoss;
            }
            lastLoss = gpuLoss;
        }
        assertClose(w1, dw1, 1e-3, 1e-4, "w1 after training");
        assertClose(w2, dw2, 1e-3, 1e-4, "w2 after training");
        assertClose(b2, db2, 1e-3, 1e-4, "b2 after training");
        assertTrue(lastLoss < 0.5 * firstLoss, "the loss falls: " + firstLoss + " → " + lastLoss);
    }
}
