package dev.fluxion;

import java.util.Random;

import dev.fluxion.kernel.SoftmaxRows;
import org.junit.jupiter.api.Test;

import static dev.fluxion.TestTensors.assertClose;
import static dev.fluxion.TestTensors.gradCheck;
import static dev.fluxion.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The one-pass softmax / log-softmax / log-sum-exp row kernels against the composed ops they
 * replace (max, subtract, exp, sum, divide) and against float64 finite differences.
 */
class FusedSoftmaxTest {
    private static final int[][] SHAPES = {
        {1}, {5}, {16}, {17}, {1, 1}, {3, 1}, {1, 7}, {4, 10}, {6, 16}, {2, 33}, {2, 1, 40}, {3, 2, 100}, {300, 50},
    };

    private static double rtol(DType t) {
        return t == DType.FLOAT32 ? 2e-5 : 1e-12;
    }

    private static double atol(DType t) {
        return t == DType.FLOAT32 ? 1e-6 : 1e-13;
    }

    @Test
    void forwardMatchesComposedOps() {
        Random rng = new Random(1);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : SHAPES) {
                Tensor x = uniform(rng, dtype, -8, 8, shape);
                int last = shape.length - 1;
                for (boolean log : new boolean[] {false, true}) {
                    Tensor fused = SoftmaxOps.softmax(x, -1, log);
                    Tensor composed = SoftmaxOps.composed(x, last, log);
                    assertArrayEquals(shape, fused.shape());
                    assertEquals(dtype, fused.dtype());
                    String what = (log ? "logSoftmax " : "softmax ") + dtype + " " + java.util.Arrays.toString(shape);
                    assertClose(composed.toDoubleArray(), fused.toDoubleArray(), rtol(dtype), atol(dtype), what);
                }
                Tensor lse = x.logSumExp(-1);
                Tensor lseComposed = Reduce.logSumExpComposed(x, new int[] {last}, false);
                assertArrayEquals(lseComposed.shape(), lse.shape());
                assertClose(lseComposed.toDoubleArray(), lse.toDoubleArray(), rtol(dtype), atol(dtype), "logSumExp");
                Tensor keep = x.logSumExp(-1, true);
                assertArrayEquals(Reduce.logSumExpComposed(x, new int[] {last}, true).shape(), keep.shape());
            }
        }
    }

    @Test
    void vectorRowsMatchTheScalarReference() {
        Random rng = new Random(2);
        for (int n : new int[] {1, 15, 16, 17, 31, 64, 1000}) {
            int rows = 3;
            float[] x = new float[rows * n + 5];
            for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * 10);
            for (boolean log : new boolean[] {false, true}) {
                float[] fast = new float[rows * n];
                float[] ref = new float[rows * n];
                SoftmaxRows.forward(x, 5, fast, 0, rows, n, log);
                for (int r = 0; r < rows; r++) {
                    SoftmaxRows.forwardRow(x, 5 + r * n, ref, r * n, n, log);
                }
                double[] a = new double[fast.length], b = new double[ref.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = fast[i];
                    b[i] = ref[i];
                }
                assertClose(b, a, 1e-5, 1e-6, "n=" + n + " log=" + log);
            }
        }
    }

    @Test
    void extremeRowsBehaveAsTheComposedOps() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double inf = Double.POSITIVE_INFINITY;
            double[][] rows = {
                {1000, 1000, -1000}, {-inf, 0, 1}, {-inf, -inf, -inf}, {inf, 0, 1}, {Double.NaN, 0, 1},
            };
            Tensor x = Tensor.of(rows).to(dtype);
            for (boolean log : new boolean[] {false, true}) {
                assertClose(SoftmaxOps.composed(x, 1, log).toDoubleArray(), SoftmaxOps.softmax(x, 1, log).toDoubleArray(),
                        1e-6, 1e-7, "extreme rows log=" + log + " " + dtype);
            }
            assertClose(Reduce.logSumExpComposed(x, new int[] {1}, false).toDoubleArray(), x.logSumExp(1).toDoubleArray(),
                    1e-6, 1e-7, "extreme logSumExp " + dtype);
        }
        // PyTorch 1.13: torch.log_softmax(x, 1) in float64 for this x (see FusedLossesTest for the script).
        Tensor x = Tensor.of(new double[][] {{0.5, -1.25, 2.0, 0.0}, {3.0, 3.0, -2.0, 1.5}, {-0.75, 0.25, 0.125, -4.0}});
        TestTensors.assertTensor(x.logSoftmax(1), new int[] {3, 4},
                -1.8344986126036624, -3.5844986126036624, -0.33449861260366254, -2.3344986126036624,
                -0.8019424389460073, -0.8019424389460073, -5.801942438946007, -2.301942438946007,
                -1.8174160609855443, -0.8174160609855444, -0.9424160609855444, -5.067416060985544);
    }

    @Test
    void backwardMatchesComposedRules() {
        Random rng = new Random(3);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : SHAPES) {
                Tensor x = uniform(rng, dtype, -4, 4, shape);
                Tensor g = uniform(rng, dtype, -1, 1, shape);
                Tensor s = x.softmax(-1);
                Tensor ls = x.logSoftmax(-1);
                String what = dtype + " " + java.util.Arrays.toString(shape);
                assertClose(Derivatives.softmaxGradComposed(g, s, -1).toDoubleArray(),
                        Derivatives.softmaxGrad(g, s, -1).toDoubleArray(), 1e-4, 1e-6, "softmaxGrad " + what);
                assertClose(Derivatives.logSoftmaxGradComposed(g, ls, -1).toDoubleArray(),
                        Derivatives.logSoftmaxGrad(g, ls, -1).toDoubleArray(), 1e-4, 1e-6, "logSoftmaxGrad " + what);
            }
        }
    }

    @Test
    void backwardAgreesWithFiniteDifferences() {
        Random rng = new Random(4);
        for (int[] shape : new int[][] {{1}, {6}, {3, 1}, {2, 20}, {2, 3, 5}}) {
            Tensor x = uniform(rng, DType.FLOAT64, -3, 3, shape);
            gradCheck("softmaxGrad", x, t -> t.softmax(-1), (g, o) -> Derivatives.softmaxGrad(g, o, -1), rng);
            gradCheck("logSoftmaxGrad", x, t -> t.logSoftmax(-1), (g, o) -> Derivatives.logSoftmaxGrad(g, o, -1), rng);
            gradCheck("logSumExpGrad", x, t -> t.logSumExp(-1),
                    (g, o) -> Derivatives.logSumExpGrad(g, x, o, -1, false), rng);
        }
    }
}
