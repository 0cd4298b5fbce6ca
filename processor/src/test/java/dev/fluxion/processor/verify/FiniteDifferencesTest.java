package dev.fluxion.processor.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The numerical derivative: trusted where it can be, and honest where it cannot. */
class FiniteDifferencesTest {
    private static final Coordinate.Input X = new Coordinate.Input("x", 0, null);

    private static FiniteDifferences.Estimate estimate(DoubleUnaryOperator f, double x) {
        FiniteDifferences fd = new FiniteDifferences(p -> sample(f, (Double) p.args().getFirst()));
        return fd.estimate(new Point(List.of(x), Map.of()), X, 0, sample(f, x));
    }

    private static FiniteDifferences.Sample sample(DoubleUnaryOperator f, double x) {
        double v = f.applyAsDouble(x);
        return new FiniteDifferences.Sample(v, Math.abs(v));
    }

    @Test
    void theStepScalesWithTheInput() {
        // At 1e12 an absolute step of 1e-6 is below an ulp (1.2e-4): x + h == x.
        FiniteDifferences.Estimate e = estimate(x -> x * x, 1e12);
        assertTrue(e.reliable(), e.unreliable());
        assertEquals(2e12, e.value(), 2e12 * 1e-6);
    }

    @Test
    void cancellationAgainstAHugeValueIsUnreliableNotZero() {
        FiniteDifferences.Estimate e = estimate(x -> 1e17 + Math.sin(x), 0.7);
        assertFalse(e.reliable());
        assertTrue(e.unreliable().contains("cancellation"), e.unreliable());
    }

    @Test
    void aFastOscillationGetsASmallEnoughStep() {
        double x = 0.7;
        FiniteDifferences.Estimate e = estimate(t -> Math.sin(4e7 * t), x);
        assertTrue(e.reliable(), e.unreliable());
        double exact = 4e7 * Math.cos(4e7 * x);
        assertEquals(exact, e.value(), 1e-4 * Math.abs(exact) + 1e-3);
        assertTrue(e.accepts(exact));
        assertFalse(e.accepts(-exact));
    }

    @Test
    void aKinkAtThePointAcceptsEitherOneSidedDerivativeOnly() {
        FiniteDifferences.Estimate e = estimate(Math::abs, 0.0);
        assertTrue(e.reliable(), e.unreliable());
        assertTrue(e.accepts(1.0));
        assertTrue(e.accepts(-1.0));
        assertTrue(e.accepts(0.0));
        assertFalse(e.accepts(0.5));
        assertFalse(e.accepts(2.0));
    }

    @Test
    void aJumpWithinTheFirstStepShrinksTheStep() {
        // A branch boundary 3e-7 away: the steps 1e-6 and 5e-7 straddle it and disagree; 1e-8 does not.
        FiniteDifferences.Estimate e = estimate(x -> x > 3e-7 ? 5 + 2 * x : 3 * x, 0.0);
        assertTrue(e.reliable(), e.unreliable());
        assertEquals(3.0, e.value(), 1e-6);
        assertFalse(e.accepts(2.0));
    }

    @Test
    void overflowNearThePointIsUnreliable() {
        FiniteDifferences.Estimate e = estimate(x -> x < 710 ? Math.exp(x) : Double.POSITIVE_INFINITY, 709.9999);
        assertFalse(e.reliable());
    }
}
