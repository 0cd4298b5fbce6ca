package dev.fluxion.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tutorial 2: the attribute tour's numbers. */
class AttributeTourTest {

    @Test
    void meanOfSquaresGradientIsFourPointFive() {
        var pullback = AttributeTourGrad.meanOfSquaresVjp(Tensor.ones(2, 2));
        assertEquals(27.0, pullback.value().item(), 1e-6); // 3·(1 + 2)²
        assertArrayEquals(new double[] {4.5, 4.5, 4.5, 4.5},
                pullback.backward(Tensor.scalar(1.0)).x().toDoubleArray(), 1e-6);
        assertEquals(27.0, AttributeTourGrad.meanOfSquares(Tensor.ones(2, 2)).item(), 1e-6);
    }

    @Test
    void doublingLoopGradientIsTheFactorTimesV() {
        Tensor v = Tensor.of(0.1, 1.0, 0.0001);
        for (long seed = 0; seed < 6; seed++) {
            Tensor x = Tensor.randn(new Random(seed), 3).toDouble().times(seed + 1);
            var pullback = AttributeTourGrad.doublingVjp(x);
            double[] y = pullback.value().toDoubleArray();
            double factor = y[0] / x.toDoubleArray()[0];
            double log2 = Math.log(factor) / Math.log(2);
            assertEquals(Math.rint(log2), log2, 1e-9, "factor is a power of two");
            assertTrue(pullback.value().norm().item() >= 1000);
            assertTrue(x.times(factor / 2).norm().item() < 1000, "the loop stopped at the first factor past 1000");
            assertArrayEquals(v.times(factor).toDoubleArray(), pullback.backward(v).x().toDoubleArray(), 1e-9);
        }
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        var model = new AttributeTour.Squares();
        assertNull(model.x.grad());
        assertTrue(model.x.isLeaf());
        AttributeTour_SquaresGrad.outBackward(model);
        AttributeTour_SquaresGrad.outBackward(model);
        assertArrayEquals(new double[] {9, 9, 9, 9}, model.x.grad().toDoubleArray(), 1e-6);
        model.zeroGrad();
        assertArrayEquals(new double[] {0, 0, 0, 0}, model.x.grad().toDoubleArray(), 0);
    }
}
