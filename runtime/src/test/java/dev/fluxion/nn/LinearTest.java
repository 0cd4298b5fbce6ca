package dev.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.DType;
import dev.fluxion.F;
import dev.fluxion.GradCheck;
import dev.fluxion.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Linear: shapes, PyTorch's init bounds, forward values and its vector–Jacobian product. */
class LinearTest {
    @Test
    void parametersHaveTorchShapesAndNames() {
        Linear l = new Linear(5, 3, new Random(0));
        assertArrayEquals(new int[] {3, 5}, l.weight.shape());
        assertNotNull(l.bias);
        assertArrayEquals(new int[] {3}, l.bias.shape());
        assertEquals(DType.FLOAT32, l.weight.dtype());
        assertEquals(List.of("weight", "bias"), List.copyOf(l.namedParameters().keySet()));
        assertEquals(5, l.inFeatures());
        assertEquals(3, l.outFeatures());
        assertEquals("Linear(in_features=5, out_features=3, bias=true)", l.toString());
    }

    @Test
    void withoutBiasThereIsOnlyAWeight() {
        Linear l = new Linear(4, 2, false, new Random(0));
        assertNull(l.bias);
        assertEquals(List.of("weight"), List.copyOf(l.namedParameters().keySet()));
    }

    @Test
    void initialValuesAreUniformWithinOneOverSqrtIn() {
        int in = 64, out = 32;
        Linear l = new Linear(in, out, new Random(42));
        double bound = 1.0 / Math.sqrt(in);
        double[] w = l.weight.toDoubleArray();
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE, sum = 0, sumSq = 0;
        for (double v : w) {
            assertTrue(Math.abs(v) <= bound, () -> "weight " + v + " outside ±" + bound);
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            sumSq += v * v;
        }
        // 2048 draws of U(-b, b): the extremes come close to ±b, mean ≈ 0, variance ≈ b²/3.
        assertTrue(max > 0.99 * bound && min < -0.99 * bound, "spread " + min + ".." + max);
        assertEquals(0.0, sum / w.length, 0.05 * bound);
        assertEquals(bound * bound / 3, sumSq / w.length, 0.1 * bound * bound / 3);
        for (double v : l.bias.toDoubleArray()) {
            assertTrue(Math.abs(v) <= bound);
        }
    }

    @Test
    void sameSeedSameLayer() {
        assertArrayEquals(new Linear(3, 4, new Random(7)).weight.toDoubleArray(),
                new Linear(3, 4, new Random(7)).weight.toDoubleArray(), 0.0);
    }

    @Test
    void rejectsNegativeSizesAndIntegerDtypes() {
        assertThrows(IllegalArgumentException.class, () -> new Linear(-1, 2, new Random(0)));
        assertThrows(IllegalArgumentException.class, () -> new Linear(1, 2, true, DType.INT64, new Random(0)));
    }

    @Test
    void forwardComputesXTimesWTransposePlusB() {
        Linear l = new Linear(3, 2, true, DType.FLOAT64, new Random(3));
        double[] w = l.weight.toDoubleArray();
        double[] b = l.bias.toDoubleArray();
        double[][] x = {{1, -2, 0.5}, {0, 3, -1}};
        Tensor y = l.forward(Tensor.of(x));
        assertArrayEquals(new int[] {2, 2}, y.shape());
        double[] expected = new double[4];
        for (int n = 0; n < 2; n++) {
            for (int j = 0; j < 2; j++) {
                double s = b[j];
                for (int k = 0; k < 3; k++) {
                    s += x[n][k] * w[j * 3 + k];
                }
                expected[n * 2 + j] = s;
            }
        }
        assertArrayEquals(expected, y.toDoubleArray(), 1e-12);
        Tensor y1 = l.forward(Tensor.of(x[1]));
        assertArrayEquals(new int[] {2}, y1.shape());
        assertArrayEquals(new double[] {expected[2], expected[3]}, y1.toDoubleArray(), 1e-12);
    }

    @Test
    void forwardWithoutBias() {
        Linear l = new Linear(2, 1, false, DType.FLOAT64, new Random(3));
        double[] w = l.weight.toDoubleArray();
        assertArrayEquals(new double[] {2 * w[0] - w[1]}, l.forward(Tensor.of(new double[][] {{2, -1}})).toDoubleArray(),
                1e-12);
    }

    @Test
    void vectorJacobianProductMatchesClosedForm() {
        // L = ⟨V, X·Wᵀ + b⟩: ∂L/∂X = V·W, ∂L/∂W = Vᵀ·X, ∂L/∂b = Σₙ V[n, :].
        Random rng = new Random(11);
        int n = 3, in = 4, out = 2;
        double[] x = randoms(rng, n * in), w = randoms(rng, out * in), b = randoms(rng, out), v = randoms(rng, n * out);
        double[] dx = new double[n * in], dw = new double[out * in], db = new double[out];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                db[j] += v[r * out + j];
                for (int k = 0; k < in; k++) {
                    dx[r * in + k] += v[r * out + j] * w[j * in + k];
                    dw[j * in + k] += v[r * out + j] * x[r * in + k];
                }
            }
        }
        Tensor[] inputs = {Tensor.fromArray(x, n, in), Tensor.fromArray(w, out, in), Tensor.fromArray(b, out)};
        Tensor[] grads = {Tensor.fromArray(dx, n, in), Tensor.fromArray(dw, out, in), Tensor.fromArray(db, out)};
        GradCheck.assertGradient(a -> F.linear(a[0], a[1], a[2]), inputs, grads, Tensor.fromArray(v, n, out));
    }

    private static double[] randoms(Random rng, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = rng.nextGaussian();
        }
        return out;
    }
}
