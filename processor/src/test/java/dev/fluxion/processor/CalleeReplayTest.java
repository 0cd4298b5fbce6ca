package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A static callee of scalars called in a loop is called again in the backward pass on its saved
 * arguments instead of keeping one pullback object per trip on a tape of objects (GradBench's
 * lstm: three sigmoids per cell, a million pullbacks live until the backward pass at l = 6,
 * c = 8192, which every garbage collection copied). Gradients against float64 central
 * differences: a callee result overwritten each trip, an int argument, a literal argument, the
 * same local passed twice, the result's own local as the argument, a callee with a loop of its
 * own; a pullback's backward pass run twice gives the same gradient.
 */
class CalleeReplayTest {
    private static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class C {
                @Differentiable
                static double sig(double z) {
                    return 1 / (1 + Math.exp(-z));
                }

                @Differentiable
                static double power(double z, @NoGrad int k) {
                    double r = 1;
                    for (int i = 0; i < k; i++) {
                        r *= z;
                    }
                    return r;
                }

                @Differentiable
                static double two(double a, double b) {
                    return a * Math.sin(b);
                }

                @Differentiable
                static double chain(double[] x, @NoGrad int n) {
                    double s = 0;
                    double h = x[0];
                    for (int t = 0; t < n; t++) {
                        h = sig(h * x[1] + x[t % x.length]);
                        double p = power(h, t % 3 + 1);
                        s += two(p, 0.5) + two(h, h);
                        h = sig(h);
                    }
                    return s + h;
                }
            }
            """;

    private static Generated g;

    @BeforeAll
    static void compile() {
        g = Generated.compile("demo.C", SOURCE);
    }

    private static double chain(double[] x, int n) {
        return (double) g.call("demo.CGrad", "chain", x, n);
    }

    @Test
    void loopCallsKeepNoPullbackObjects() {
        String source = g.source("demo.CGrad");
        int start = source.indexOf("ChainPullback chainVjp(");
        int end = source.indexOf("public static", start + 1);
        String vjp = source.substring(start, end);
        assertFalse(vjp.contains("ObjectStack"), vjp);
        assertTrue(vjp.contains("doubles.push("), vjp);
    }

    @Test
    void gradientMatchesCentralDifferences() {
        for (int n : new int[] {1, 4, 9}) {
            double[] x = {0.3, -0.8, 1.1, 0.45};
            double[] grad = (double[]) Generated.get(g.call("demo.CGrad", "chainGrad", x.clone(), n), "x");
            assertEquals(chain(x.clone(), n), (double) Generated.get(g.call("demo.CGrad", "chainGrad", x.clone(), n),
                    "value"), 1e-12);
            for (int k = 0; k < x.length; k++) {
                double h = 1e-6;
                double[] plus = x.clone();
                double[] minus = x.clone();
                plus[k] += h;
                minus[k] -= h;
                double fd = (chain(plus, n) - chain(minus, n)) / (2 * h);
                assertEquals(fd, grad[k], 1e-7 * (1 + Math.abs(fd)), "n=" + n + " x[" + k + "]");
            }
        }
    }

    @Test
    void aPullbackRunsTwiceToTheSameGradient() {
        double[] x = {0.3, -0.8, 1.1, 0.45};
        Object pullback = g.call("demo.CGrad", "chainVjp", x, 7);
        double[] first = (double[]) Generated.get(Generated.invoke(pullback, "backward", 1.0), "x");
        double[] second = (double[]) Generated.get(Generated.invoke(pullback, "backward", 1.0), "x");
        assertArrayEquals(first, second, 0.0);
        assertArrayEquals((double[]) Generated.get(g.call("demo.CGrad", "chainGrad", x, 7), "x"), first, 1e-15);
    }
}
