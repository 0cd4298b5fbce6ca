package dev.fluxion;

import static dev.fluxion.TestTensors.gradCheck;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** layerNorm, batchNorm and embedding: closed forms, and their rules against central differences. */
class NnFunctionsTest {
    private final Random rng = new Random(11);

    private Tensor u(int... shape) {
        return TestTensors.uniform(rng, DType.FLOAT64, -1, 1, shape);
    }

    @Test
    void layerNormClosedForm() {
        // [1, 2, 3]: μ = 2, biased var = 2/3, so x̂ = ±1/√(2/3 + ε).
        double s = 1 / Math.sqrt(2.0 / 3 + 1e-5);
        Tensor y = F.layerNorm(Tensor.of(1.0, 2.0, 3.0).reshape(1, 3), new int[] {3},
                Tensor.of(2.0, 2.0, 2.0), Tensor.of(0.5, 0.5, 0.5), 1e-5);
        assertArrayEquals(new double[] {0.5 - 2 * s, 0.5, 0.5 + 2 * s}, y.toDoubleArray(), 1e-12);
    }

    @Test
    void layerNormRules() {
        for (int[] normalized : new int[][] {{4}, {3, 4}}) {
            Tensor x = u(2, 3, 4), w = u(normalized), b = u(normalized);
            gradCheck("layerNormGradInput", x, t -> F.layerNorm(t, normalized, w, b, 1e-5),
                    (g, o) -> NnDerivatives.layerNormGradInput(g, x, normalized, w, 1e-5), rng);
            gradCheck("layerNormGradInput without weight", x, t -> F.layerNorm(t, normalized, null, null, 1e-5),
                    (g, o) -> NnDerivatives.layerNormGradInput(g, x, normalized, null, 1e-5), rng);
            gradCheck("layerNormGradWeight", w, t -> F.layerNorm(x, normalized, t, b, 1e-5),
                    (g, o) -> NnDerivatives.layerNormGradWeight(g, x, normalized, 1e-5), rng);
            gradCheck("layerNormGradBias", b, t -> F.layerNorm(x, normalized, w, t, 1e-5),
                    (g, o) -> NnDerivatives.layerNormGradBias(g, normalized), rng);
        }
        assertThrows(FluxionException.class, () -> F.layerNorm(u(2, 3), new int[] {2}, null, null, 1e-5));
    }

    @Test
    void batchNormTrainingUpdatesRunningStatsLikePyTorch() {
        Tensor x = Tensor.of(new double[][] {{1, 10}, {3, 20}, {5, 60}});
        Tensor mean = Tensor.zeros(DType.FLOAT64, 2), var = Tensor.ones(DType.FLOAT64, 2);
        Tensor y = F.batchNorm(x, mean, var, null, null, true, 0.1, 0);
        // Column 0: μ = 3, biased var = 8/3, unbiased 4.
        assertArrayEquals(new double[] {0.3, 3.0}, mean.toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {0.9 + 0.1 * 4, 0.9 + 0.1 * 700}, var.toDoubleArray(), 1e-12);
        double s = Math.sqrt(8.0 / 3);
        assertEquals(-2 / s, y.toDoubleArray()[0], 1e-12);
        // Evaluation uses the running statistics and changes nothing.
        Tensor e = F.batchNorm(x, mean, var, Tensor.of(2.0, 1.0), Tensor.of(1.0, 0.0), false, 0.1, 1e-5);
        assertEquals(1 + 2 * (1 - 0.3) / Math.sqrt(1.3 + 1e-5), e.toDoubleArray()[0], 1e-12);
        assertArrayEquals(new double[] {0.3, 3.0}, mean.toDoubleArray(), 1e-12);
    }

    @Test
    void batchNormRules() {
        for (int[] shape : new int[][] {{5, 3}, {4, 3, 2}}) {
            for (boolean training : new boolean[] {true, false}) {
                Tensor x = u(shape), w = u(3), b = u(3);
                Tensor rm = u(3), rv = u(3).abs().plus(0.5);
                String what = (training ? " training " : " eval ") + shape.length + "-D";
                // Fresh running statistics per evaluation, so the finite differences see the same state.
                gradCheck("batchNormGradInput" + what, x,
                        t -> F.batchNorm(t, rm.copy(), rv.copy(), w, b, training, 0.1, 1e-5),
                        (g, o) -> NnDerivatives.batchNormGradInput(g, x, rv, w, training, 1e-5), rng);
                gradCheck("batchNormGradWeight" + what, w,
                        t -> F.batchNorm(x, rm.copy(), rv.copy(), t, b, training, 0.1, 1e-5),
                        (g, o) -> NnDerivatives.batchNormGradWeight(g, x, rm, rv, training, 1e-5), rng);
                gradCheck("batchNormGradBias" + what, b,
                        t -> F.batchNorm(x, rm.copy(), rv.copy(), w, t, training, 0.1, 1e-5),
                        (g, o) -> NnDerivatives.batchNormGradBias(g), rng);
            }
        }
    }

    @Test
    void embeddingLooksUpRowsAndScatterAddsItsGradient() {
        Tensor weight = u(5, 3);
        Tensor idx = Tensor.of(4.0, 0.0, 4.0, 2.0).to(DType.INT64).reshape(2, 2);
        Tensor out = F.embedding(idx, weight);
        assertArrayEquals(new int[] {2, 2, 3}, out.shape());
        assertArrayEquals(weight.get(4).toDoubleArray(), out.get(1, 0).toDoubleArray());
        gradCheck("embeddingGrad", weight, t -> F.embedding(idx, t), (g, o) -> NnDerivatives.embeddingGrad(g, idx, weight), rng);
        FluxionException e = assertThrows(FluxionException.class, () -> F.embedding(Tensor.of(5.0), weight));
        assertEquals("embedding: index 5.0 is not a row of the 5-row weight", e.getMessage());
    }

    @Test
    void dropoutRuleIsTheMask() {
        Tensor mask = Tensor.of(0.0, 2.0, 2.0);
        Tensor x = u(3);
        gradCheck("dropoutGrad", x, t -> t.times(mask), (g, o) -> NnDerivatives.dropoutGrad(g, mask), rng);
    }
}
