package dev.fluxion;

import org.junit.jupiter.api.Test;

import static dev.fluxion.TestTensors.assertTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loss and softmax values against closed forms. */
class LossesTest {
    @Test
    void mse() {
        Tensor p = Tensor.of(1f, 2f, 3f);
        Tensor y = Tensor.of(1f, 1f, 1f);
        assertEquals(5.0 / 3, F.mse(p, y).item(), 1e-6);
        assertEquals(5.0, F.mse(p, y, Reduction.SUM).item(), 1e-6);
        assertTensor(F.mse(p, y, Reduction.NONE), new int[] {3}, 0, 1, 4);
    }

    @Test
    void bceClampsTheLogLikePyTorch() {
        Tensor p = Tensor.of(0.5, 0.9);
        Tensor y = Tensor.of(1.0, 0.0);
        assertEquals((Math.log(2) + -Math.log(0.1)) / 2, F.bce(p, y).item(), 1e-12);
        assertEquals(100.0, F.bce(Tensor.of(0.0), Tensor.of(1.0)).item(), 0);
        assertEquals(100.0, F.bce(Tensor.of(1.0), Tensor.of(0.0), Reduction.SUM).item(), 0);
        assertThrows(FluxionException.class, () -> F.bce(p, Tensor.of(1.0)));
    }

    @Test
    void bceWithLogitsIsStable() {
        Tensor z = Tensor.of(0.0, 2.0, -800.0, 800.0);
        Tensor y = Tensor.of(1.0, 0.0, 0.0, 1.0);
        Tensor l = F.bceWithLogits(z, y, Reduction.NONE);
        assertTensor(l, new int[] {4}, Math.log(2), 2 + Math.log1p(Math.exp(-2)), 0, 0);
        double sigmoidBce = F.bce(z.slice(0, 0, 2).sigmoid(), y.slice(0, 0, 2)).item();
        assertEquals(sigmoidBce, F.bceWithLogits(z.slice(0, 0, 2), y.slice(0, 0, 2)).item(), 1e-12);
    }

    @Test
    void crossEntropyAndNll() {
        Tensor logits = Tensor.of(new float[][] {{1, 2, 3}, {1, 1, 1}});
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double l0 = lse - 3, l1 = Math.log(3);
        // Class indices in any dtype with integral values.
        for (Tensor target : new Tensor[] {Tensor.of(2f, 0f), Tensor.of(2.0, 0.0), Tensor.of(2f, 0f).to(DType.INT64)}) {
            assertEquals((l0 + l1) / 2, F.crossEntropy(logits, target).item(), 1e-6);
        }
        Tensor t = Tensor.of(2f, 0f);
        assertEquals(l0 + l1, F.crossEntropy(logits, t, Reduction.SUM).item(), 1e-6);
        assertTensor(F.crossEntropy(logits, t, Reduction.NONE), new int[] {2}, l0, l1);
        assertEquals((l0 + l1) / 2, F.nllLoss(logits.logSoftmax(1), t).item(), 1e-6);
        assertEquals(l0, F.crossEntropy(Tensor.of(1f, 2f, 3f), Tensor.scalar(2)).item(), 1e-6);
        FluxionException e = assertThrows(FluxionException.class, () -> F.crossEntropy(logits, Tensor.of(3f, 0f)));
        assertTrue(e.getMessage().startsWith("crossEntropy:"), e.getMessage());
        assertThrows(FluxionException.class, () -> F.crossEntropy(logits, Tensor.of(0.5f, 0f)));
        assertThrows(FluxionException.class, () -> F.crossEntropy(logits, Tensor.of(1f, 0f, 1f)));
    }

    @Test
    void softmaxWithTemperature() {
        // The tutorial's softmax of [1, 2, 3] at temperature 0.6.
        Tensor s = Tensor.of(1f, 2f, 3f).div(0.6).softmax(0);
        double z = Math.exp(1 / 0.6) + Math.exp(2 / 0.6) + Math.exp(3 / 0.6);
        assertTensor(s, new int[] {3}, Math.exp(1 / 0.6) / z, Math.exp(2 / 0.6) / z, Math.exp(3 / 0.6) / z);
        assertEquals("tensor([0.0291, 0.1542, 0.8166])", s.toString());
        Tensor big = Tensor.of(new double[][] {{1000, 1000}, {-1000, 0}});
        assertTensor(big.softmax(1), new int[] {2, 2}, 0.5, 0.5, 0, 1);
        assertTensor(big.logSoftmax(1), new int[] {2, 2}, -Math.log(2), -Math.log(2), -1000, 0);
        assertTensor(big.softmax(0).sum(0), new int[] {2}, 1, 1);
    }
}
