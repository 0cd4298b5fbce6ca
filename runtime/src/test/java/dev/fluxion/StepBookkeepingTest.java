package dev.fluxion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.tape.TapePool;
import dev.fluxion.tape.Tapes;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a generated training step calls for its small bookkeeping without making tensors: a bias
 * gradient summed straight into {@code .grad} ({@link Parameter#accumulateSumGrad}, the same bits
 * as {@code accumulateGrad(Derivatives.unbroadcast(g, b))}, float32 and float64, first and later
 * passes, and the layouts that keep the two calls), the planned seed
 * ({@link Planned#onesLike}), BCE's probability check read in place, the MSE gradient's scale
 * computed as {@code g.div(n)} computes it, and a mean loss as {@code mean()} computes it.
 */
class StepBookkeepingTest {
    /** {rows, columns, bias as [1, c] (1) or [c] (0)}: W3's three biases, W1's and W2's, a single row. */
    private static final int[][] SHAPES = {
        {759, 6, 0}, {759, 4, 0}, {759, 1, 0}, {500, 1, 0}, {4, 1, 0}, {1, 5, 0}, {7, 3, 1}, {300, 17, 1}, {2, 40, 0},
    };

    @Test
    void aBiasGradientHasTheBitsOfTheTwoCalls() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] s : SHAPES) {
                Random rng = new Random(s[0] * 13 + s[1]);
                Tensor init = s[2] == 1 ? Tensor.randn(rng, dt, 1, s[1]) : Tensor.randn(rng, dt, s[1]);
                Parameter inPlace = Parameter.of(init);
                Parameter twoCalls = Parameter.of(init.copy());
                for (int step = 0; step < 3; step++) {
                    Tensor g = Tensor.randn(rng, dt, s[0], s[1]).times(step == 2 ? 1e6 : 1.0);
                    Tensor held = inPlace.grad();
                    inPlace.accumulateSumGrad(g, inPlace);
                    twoCalls.accumulateGrad(Derivatives.unbroadcast(g, twoCalls));
                    assertSameBits(twoCalls.grad(), inPlace.grad(), dt + " " + java.util.Arrays.toString(s) + " step " + step);
                    if (held != null) {
                        assertSame(held, inPlace.grad(), "the gradient buffer is updated in place");
                    }
                }
                inPlace.zeroGrad();
                twoCalls.zeroGrad();
                Tensor g = Tensor.randn(rng, dt, s[0], s[1]);
                inPlace.accumulateSumGrad(g, inPlace);
                twoCalls.accumulateGrad(Derivatives.unbroadcast(g, twoCalls));
                assertSameBits(twoCalls.grad(), inPlace.grad(), dt + " " + java.util.Arrays.toString(s) + " after zeroGrad");
            }
        }
    }

    @Test
    void otherLayoutsTakeTheTwoCalls() {
        Random rng = new Random(5);
        Tensor gt = Tensor.randn(rng, 6, 30).t(); // a transposed [30, 6] view
        Tensor g3 = Tensor.randn(rng, 2, 30, 6); // batched
        Tensor g64 = Tensor.randn(rng, DType.FLOAT64, 30, 6); // a float64 cotangent of a float32 bias
        Tensor same = Tensor.randn(rng, 6); // already the bias's shape
        Tensor oneRow = Tensor.of(new float[] {-0f, 1f, -0f, 2f, 3f, -0f}).reshape(1, 6); // keeps its −0
        for (Tensor g : new Tensor[] {gt, g3, g64, same, oneRow}) {
            Parameter inPlace = Parameter.of(Tensor.zeros(6));
            Parameter twoCalls = Parameter.of(Tensor.zeros(6));
            for (int step = 0; step < 2; step++) {
                inPlace.accumulateSumGrad(g, inPlace);
                twoCalls.accumulateGrad(Derivatives.unbroadcast(g, twoCalls));
                assertSameBits(twoCalls.grad(), inPlace.grad(), java.util.Arrays.toString(g.shape()) + " step " + step);
            }
            assertEquals(DType.FLOAT32, inPlace.grad().dtype());
        }
        Parameter b = Parameter.of(Tensor.zeros(6));
        assertThrows(FluxionException.class, () -> b.accumulateSumGrad(Tensor.ones(30, 5), b), "a sum to another shape");
    }

    /**
     * Columns summed row by row (W3's biases) allocate nothing. (A single column is the vector
     * reduction's row kernel, which allocates nothing either once C2 compiles it, but boxes its
     * vectors in code the JIT has deoptimised, as happens after other tests in this JVM ran it on
     * other dtypes and ops: not asserted here.)
     */
    @Test
    void theSumIntoAnExistingGradientAllocatesNothing() {
        Parameter b = Parameter.of(Tensor.zeros(6));
        Tensor g = Tensor.randn(new Random(2), 759, 6);
        b.accumulateSumGrad(g, b);
        assertNoObjectPerCall(() -> b.accumulateSumGrad(g, b), "accumulateSumGrad");
    }

    @Test
    void thePlannedSeedIsOnesInOneBufferRefilledEachCall() {
        TapePool pool = new TapePool();
        Tensor loss = Tensor.scalar(3.5, DType.FLOAT32);
        Tapes tapes = pool.acquire();
        Tensor first;
        try {
            first = Planned.onesLike(tapes, 0, loss);
            assertEquals(1.0, first.item());
            assertArrayEquals(loss.shape(), first.shape());
            first.fillInPlace(7);
        } finally {
            tapes.release();
        }
        tapes = pool.acquire();
        try {
            Tensor second = Planned.onesLike(tapes, 0, loss);
            assertSame(first, second, "the slot's buffer, reused");
            assertEquals(1.0, second.item(), "refilled with ones");
        } finally {
            tapes.release();
        }
        assertNoObjectPerCall(() -> {
            Tapes t = pool.acquire();
            try {
                Planned.onesLike(t, 0, loss);
            } finally {
                t.release();
            }
        }, "a reused seed buffer");
        Tensor fresh = Planned.onesLike(Tapes.FRESH, 0, Tensor.zeros(DType.FLOAT64, 2));
        assertEquals(DType.FLOAT64, fresh.dtype());
        assertArrayEquals(new double[] {1, 1}, fresh.toDoubleArray());
        assertNotSame(fresh, Planned.onesLike(Tapes.FRESH, 0, Tensor.zeros(DType.FLOAT64, 2)));
    }

    @Test
    void bceStillRejectsValuesOutsideZeroOne() {
        Tensor y = Tensor.of(new float[] {0, 1, 1});
        for (float bad : new float[] {1.5f, -0.25f, Float.NaN}) {
            Tensor p = Tensor.of(new float[] {0.5f, bad, 0.25f});
            FluxionException e = assertThrows(FluxionException.class, () -> F.bce(p, y), "p = " + bad);
            assertTrue(e.getMessage().contains("should be between 0 and 1"), e.getMessage());
            Tensor p64 = p.toDouble();
            assertThrows(FluxionException.class, () -> F.bce(p64, y.toDouble()), "float64 p = " + bad);
        }
        Tensor strided = Tensor.of(new float[] {0.5f, 2f, 0.25f, 0.75f}).reshape(2, 2).t(); // not contiguous
        assertThrows(FluxionException.class, () -> F.bce(strided, Tensor.zeros(2, 2)));
        assertEquals(Math.log(2), F.bce(Tensor.of(new float[] {0.5f, 0.5f}), Tensor.of(new float[] {0, 1})).item(), 1e-6);
    }

    @Test
    void theMseGradientsScaleIsGDividedByTheCountAsTensorDivComputesIt() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int n : new int[] {3, 7, 500, 759}) {
                Random rng = new Random(n);
                Tensor a = Tensor.randn(rng, dt, n, 1);
                Tensor b = Tensor.randn(rng, dt, n, 1);
                Tensor g = Tensor.randn(rng, dt).plus(0.3);
                Tensor expected = a.minus(b).times(2.0).times(g.div(n));
                assertSameBits(expected, Derivatives.mseGradA(g, a, b, Reduction.MEAN), dt + " n " + n);
                assertSameBits(a.minus(b).times(2.0).times(g), Derivatives.mseGradA(g, a, b, Reduction.SUM), dt + " sum n " + n);
            }
        }
    }

    @Test
    void aMeanLossHasTheBitsOfMean() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int n : new int[] {1, 4, 7, 500, 759, 100_000}) {
                Random rng = new Random(n + 1);
                Tensor p = Tensor.randn(rng, dt, n, 1);
                Tensor y = Tensor.randn(rng, dt, n, 1);
                assertSameBits(p.minus(y).square().mean(), F.mse(p, y), dt + " mse n " + n);
                Tensor planned;
                Tapes tapes = new TapePool().acquire();
                try {
                    planned = Planned.mse(tapes, 0, p, y);
                } finally {
                    tapes.release();
                }
                assertSameBits(p.minus(y).square().mean(), planned, dt + " planned mse n " + n);
            }
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /**
     * Fewer than 16 bytes a call (the smallest object) in the best of up to 40 rounds of 2,000
     * calls: no object per call; what is left is the measurement's own, once per round.
     */
    private static void assertNoObjectPerCall(Runnable call, String what) {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 40 && best >= 16; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < 2000; i++) {
                call.run();
            }
            best = Math.min(best, (allocatedBytes() - before) / 2000);
        }
        assertTrue(best < 16, what + ": " + best + " bytes a call");
    }

    private static void assertSameBits(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what);
        assertArrayEquals(expected.shape(), actual.shape(), what);
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]),
                    what + " [" + i + "]: " + e[i] + " vs " + a[i]);
        }
    }
}
