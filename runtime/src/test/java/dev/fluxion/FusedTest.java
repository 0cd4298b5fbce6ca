package dev.fluxion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Fused}: a fused group gives the bits of its ops run one by one (the runtime's row kernels
 * are deterministic, so the comparison is exact, float32 and float64, every broadcast kind), and
 * the fallbacks give the unfused errors.
 */
class FusedTest {
    private static final String[] FORWARD = {
        "sigmoid(t0 * t1 + t2)",
        "exp(t0) / (t1 + 1.5) - 0.25",
        "tanh(t0 - t1) * t2",
        "relu(t0 * 2.0 + t1) + leakyRelu(t2, 0.01)",
        "log1p(square(t0)) + sqrt(abs(t1)) * cos(t2)",
        "softplus(-t0) + gelu(t1) - sin(t2)",
        "clamp(t0 * s0, -0.5, 0.5) + t1 * s1 - t2",
        "pow(abs(t0) + 0.5, t1) + 2.0 - t2",
        "1.0 / (t0 * t0 + 1.0) - 3.0 / (abs(t1) + 1.0) + t2",
        "log(abs(t0) + 1.0) * t1 * t2",
    };
    private static final String[] BACKWARD = {
        "unbroadcast(sigmoidBackward(t0, t1) * t2, t2)",
        "unbroadcast(tanhBackward(t0, t1), t1)",
        "unbroadcast(reluBackward(t0, t1) * t2, t1)",
        "unbroadcast(cotangentDiv(t0, t1 + 1.0), t1)",
        "unbroadcast(t0 * sign(t1) + t2 * geluDerivative(t1), t1)",
        "unbroadcast(-(t0 * sin(t1)), t1) * t2",
        "unbroadcast(cotangentTimes(t0, t1) * t2, t2)",
        "sum(t0 * t1 - t2)",
        "mean(exp(t0) * t2)",
    };

    /** Shape triples: same shape, row broadcast, column broadcast, scalar, 0-dim, larger than a chunk. */
    private static final int[][][] SHAPES = {
        {{4, 3}, {4, 3}, {4, 3}},
        {{5, 7}, {7}, {5, 7}},
        {{6, 5}, {6, 1}, {1}},
        {{3, 1}, {1, 4}, {3, 4}},
        {{}, {2, 3}, {2, 3}},
        {{1000, 3}, {3}, {1000, 3}},
        {{2, 3, 4}, {3, 1}, {2, 3, 4}},
        {{1}, {1}, {1}},
    };

    @Test
    void fusedForwardGroupsGiveTheBitsOfTheOpsOneByOne() {
        check(FORWARD, false);
    }

    @Test
    void fusedBackwardGroupsGiveTheBitsOfTheOpsOneByOne() {
        check(BACKWARD, true);
    }

    private static void check(String[] exprs, boolean sameShapeInputs) {
        Random rng = new Random(11);
        double[] scalars = {0.7, -1.25};
        for (String expr : exprs) {
            for (int[][] shapes : SHAPES) {
                for (int dtypes = 0; dtypes < 3; dtypes++) {
                    Tensor[] in = new Tensor[3];
                    for (int k = 0; k < 3; k++) {
                        DType dt = dtypes == 0 || dtypes == 2 && k != 1 ? DType.FLOAT32 : DType.FLOAT64;
                        in[k] = Tensor.randn(rng, dt, shapes[k]).times(2.0);
                    }
                    Tensor expected;
                    try {
                        expected = Fused.reference(expr, scalars, in);
                    } catch (FluxionException e) {
                        FluxionException got = assertThrows(FluxionException.class, () -> Fused.map(expr, scalars, in));
                        assertEquals(e.getMessage(), got.getMessage(), expr);
                        continue;
                    }
                    Tensor fused = Fused.map(expr, scalars, in);
                    String what = expr + " on " + Arrays.deepToString(shapes) + " dtypes " + dtypes;
                    assertEquals(expected.dtype(), fused.dtype(), what);
                    assertArrayEquals(expected.shape(), fused.shape(), what);
                    assertArrayEquals(expected.toDoubleArray(), fused.toDoubleArray(), 0.0, what);
                }
            }
        }
    }

    @Test
    void stridedAndExpandedOperandsAreGatheredInOrder() {
        Random rng = new Random(3);
        Tensor a = Tensor.randn(rng, 5, 4).t(); // [4, 5], not contiguous
        Tensor b = Tensor.randn(rng, 5).expand(4, 5); // stride 0
        Tensor c = Tensor.randn(rng, 4, 10).slice(1, 0, 10, 2); // [4, 5], step 2
        String expr = "sigmoid(t0 * t1 - t2)";
        Tensor expected = Fused.reference(expr, new double[0], a, b, c);
        assertArrayEquals(expected.toDoubleArray(), Fused.map(expr, a, b, c).toDoubleArray(), 0.0);
    }

    @Test
    void sigmoidOfLargeNegativesIsTheSameInEveryLane() {
        // The report: sigmoid(-100f) was 0 in the vector body and 3.8e-44 in the scalar tail.
        float[] v = new float[37];
        Arrays.fill(v, -100f);
        Tensor x = Tensor.fromArray(v, 37);
        Tensor out = Fused.map("sigmoid(t0 * 1.0)", x);
        double first = out.toDoubleArray()[0];
        for (double e : out.toDoubleArray()) {
            assertEquals(first, e, 0.0);
        }
        assertArrayEquals(x.times(1.0).sigmoid().toDoubleArray(), out.toDoubleArray(), 0.0);
    }

    @Test
    void shapesThatDoNotBroadcastGiveTheUnfusedError() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(4);
        FluxionException e = assertThrows(FluxionException.class, () -> Fused.map("exp(t0 + t1)", a, b));
        assertEquals(assertThrows(FluxionException.class, () -> a.plus(b)).getMessage(), e.getMessage());
    }

    @Test
    void anomalyDetectionNamesTheOpThatMadeTheNaN() {
        Tensor x = Tensor.of(-1f, 4f);
        Tensor.anomalyDetection(true);
        try {
            FluxionException e = assertThrows(FluxionException.class, () -> Fused.map("exp(log(t0))", x));
            assertEquals(assertThrows(FluxionException.class, () -> x.log()).getMessage(), e.getMessage());
        } finally {
            Tensor.anomalyDetection(false);
        }
    }

    @Test
    void integerOperandsRunOneByOne() {
        Tensor i = Tensor.arange(6).reshape(2, 3);
        Tensor x = Tensor.randn(new Random(1), 2, 3);
        assertArrayEquals(i.times(x).exp().toDoubleArray(), Fused.map("exp(t0 * t1)", i, x).toDoubleArray(), 0.0);
    }

    @Test
    void aPlanMadeForOneLayoutIsNotUsedForAnother() {
        // The same expression on other shapes, strides and dtypes, interleaved: each call re-plans as needed.
        Random rng = new Random(9);
        String expr = "tanh(t0 * t1) - t0";
        Tensor[][] calls = {
            {Tensor.randn(rng, 3, 4), Tensor.randn(rng, 4)},
            {Tensor.randn(rng, 4, 3).t(), Tensor.randn(rng, 3, 1)},
            {Tensor.randn(rng, DType.FLOAT64, 3, 4), Tensor.randn(rng, 4)},
            {Tensor.randn(rng, 3, 4), Tensor.randn(rng, 4)},
        };
        for (int round = 0; round < 2; round++) {
            for (Tensor[] in : calls) {
                assertArrayEquals(Fused.reference(expr, new double[0], in).toDoubleArray(),
                        Fused.map(expr, in).toDoubleArray(), 0.0);
            }
        }
    }

    @Test
    void aFusedGroupAllocatesItsResultAndNoIntermediate() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        Random rng = new Random(4);
        Tensor x = Tensor.randn(rng, 64, 256);
        Tensor w = Tensor.randn(rng, 256);
        Tensor b = Tensor.randn(rng, 64, 1);
        String expr = "sigmoid(t0 * t1 + t2) * 0.5";
        for (int i = 0; i < 3000; i++) {
            Fused.map(expr, x, w, b);
        }
        int calls = 200;
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            Fused.map(expr, x, w, b);
        }
        long perCall = (mx.getCurrentThreadAllocatedBytes() - before) / calls;
        long result = 64 * 256 * 4;
        // The result's float[] and Tensor, the operands' varargs array, a little slack; the four
        // unfused ops would allocate four results.
        assertTrue(perCall < result + 1024, "allocated " + perCall + " bytes per call, the result is " + result);
    }

    @Test
    void badExpressionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Fused.map("frob(t0)", Tensor.zeros(1)));
        assertThrows(IllegalArgumentException.class, () -> Fused.map("t0 +", Tensor.zeros(1)));
    }
}
