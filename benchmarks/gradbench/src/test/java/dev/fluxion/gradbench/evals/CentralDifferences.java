package dev.fluxion.gradbench.evals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.ToDoubleFunction;

/** float64 central differences of a scalar function of one array, and the comparison. */
final class CentralDifferences {
    private CentralDifferences() {}

    /** ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h with h = 1e-6 max(1, |x_i|). */
    static double[] gradient(ToDoubleFunction<double[]> f, double[] x) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            double h = 1e-6 * Math.max(1, Math.abs(xi));
            x[i] = xi + h;
            double plus = f.applyAsDouble(x);
            x[i] = xi - h;
            double minus = f.applyAsDouble(x);
            x[i] = xi;
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    /** Each element within {@code 1e-6 (1 + |expected| + scale)} of the difference quotient. */
    static void assertClose(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * (1 + Math.abs(expected[i]) + scale), what + "[" + i + "]");
        }
    }
}
