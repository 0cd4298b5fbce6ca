package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluxion.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@code where} and branches whose untaken side is NaN must not put NaN into the gradient:
 * {@code f(x) = where(x < 1, x, sqrt(x))} has {@code f'(0) = 1}.
 */
class WhereGradientTest {
    private static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;

            class Safe {
                @Differentiable
                static Tensor safeSqrt(Tensor x) {
                    return where(x.lt(1), x, sqrt(x)).sum();
                }

                @Differentiable
                static Tensor safeLog(Tensor x) {
                    return where(x.gt(0), log(x), x).sum();
                }

                @Differentiable
                static double branchSqrt(double x) {
                    return x < 1 ? x : Math.sqrt(x);
                }
            }
            """;

    @Test
    void tensorWhereHasNoNaNFromTheUntakenSide() {
        Generated g = Generated.compile("demo.Safe", SOURCE);
        Tensor x = Tensor.of(0.0, 0.5, 4.0);
        Object r = g.call("demo.SafeGrad", "safeSqrtGrad", x);
        // d/dx: 1 below 1 (x = 0 included), 1/(2√x) above: 1/(2·2) at 4.
        assertArrayEquals(new double[] {1, 1, 0.25}, ((Tensor) Generated.get(r, "x")).toDoubleArray(), 0);

        Object l = g.call("demo.SafeGrad", "safeLogGrad", Tensor.of(0.0, -2.0, 2.0));
        assertArrayEquals(new double[] {1, 1, 0.5}, ((Tensor) Generated.get(l, "x")).toDoubleArray(), 0);
    }

    @Test
    void scalarBranchHasDerivativeOneAtZero() {
        Generated g = Generated.compile("demo.Safe", SOURCE);
        Object r = g.call("demo.SafeGrad", "branchSqrtGrad", 0.0);
        assertEquals(1.0, (double) Generated.get(r, "x"), 0);
        Object above = g.call("demo.SafeGrad", "branchSqrtGrad", 4.0);
        assertEquals(0.25, (double) Generated.get(above, "x"), 0);
    }
}
