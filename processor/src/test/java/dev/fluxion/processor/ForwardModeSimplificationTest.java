package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The forward transform's simplifications of scalar tangents, each against float64 central
 * differences, and what the generated source then reads: {@code (c u) u} with tangent
 * {@code 2 p u_dot}, the tangents of temporaries read once combined into their reader's expression
 * (the common factor 2 taken out), never across a reassignment of what they read, and the reads
 * in Java's order.
 */
class ForwardModeSimplificationTest {
    private static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;

            class T {
                @Differentiable
                static double rosenbrock(double[] x) {
                    double s = 0;
                    for (int i = 0; i + 1 < x.length; i++) {
                        double a = x[i + 1] - x[i] * x[i];
                        double b = 1 - x[i];
                        s += 100 * a * a + b * b;
                    }
                    return s;
                }

                @Differentiable
                static double multiples(double x, double y) {
                    double p = 3.5 * x;
                    double q = p * x + x * (y * 2) - (x * 0.5) * x;
                    return q * y + (1 - y) * (1 - y);
                }

                @Differentiable
                static double reassigned(double x, double y) {
                    double u = x;
                    double t = u * y + Math.sin(u);
                    u = u * 3 + y;
                    double w = 2 * u;
                    u = y * y;
                    return t * u + w * u;
                }

                @Differentiable
                static double readTwice(double x, double y) {
                    double a = x * y - y;
                    double b = -a;
                    return a * Math.exp(b) + b * b * x;
                }
            }
            """;

    private static final double H = 1e-6;

    @Test
    void rosenbrockTangentIsOneExpressionPerTrip() {
        Generated g = Generated.compile("demo.T", SOURCE);
        Random rnd = new Random(12);
        for (int trial = 0; trial < 5; trial++) {
            double[] x = new double[7];
            double[] v = new double[7];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextGaussian();
                v[i] = rnd.nextGaussian();
            }
            Object r = g.call("demo.TGrad", "rosenbrockJvp", x, v);
            double fd = centralArray(z -> (double) g.call("demo.TGrad", "rosenbrock", (Object) z), x, v);
            assertEquals(fd, (double) Generated.get(r, "tangent"), 1e-6 * Math.max(1, Math.abs(fd)));
            assertEquals((double) g.call("demo.TGrad", "rosenbrock", (Object) x), (double) Generated.get(r, "value"));
        }
        String jvp = method(g.source("demo.TGrad"), "rosenbrockJvp(");
        // 2 prod2 a_dot for 100 a · a, the factor 2 of both products taken out, no tangent temporaries left
        assertTrue(jvp.contains("s_dot += (prod2 * a_dot - elem2_dot * b) * 2.0;"), jvp);
        assertFalse(jvp.contains("prod2_dot") || jvp.contains("sum1_dot") || jvp.contains("b_dot"), jvp);
        // x[i + 1] is read before x[i], as Java evaluates x[i + 1] - x[i] * x[i]
        assertTrue(jvp.indexOf("= x[i + 1];") < jvp.indexOf("= x[i];"), jvp);
    }

    @Test
    void constantMultiplesOfALocalMatchCentralDifferences() {
        Generated g = Generated.compile("demo.T", SOURCE);
        for (double[] p : new double[][] {{0.7, -1.3}, {-2.0, 0.4}, {1e-3, 3.0}}) {
            checkTwoInputs(g, "multiples", p[0], p[1], 0.6, -0.8);
        }
        String jvp = method(g.source("demo.TGrad"), "multiplesJvp(");
        assertFalse(jvp.contains("p_dot"), jvp);
    }

    @Test
    void aTangentIsNotCarriedPastAReassignmentOfWhatItReads() {
        Generated g = Generated.compile("demo.T", SOURCE);
        for (double[] p : new double[][] {{0.7, -1.3}, {-2.0, 0.4}, {1.5, 2.5}}) {
            checkTwoInputs(g, "reassigned", p[0], p[1], 0.6, -0.8);
            checkTwoInputs(g, "readTwice", p[0], p[1], -0.3, 1.1);
        }
    }

    private static void checkTwoInputs(Generated g, String f, double x, double y, double vx, double vy) {
        double fd = ((double) g.call("demo.TGrad", f, x + H * vx, y + H * vy)
                - (double) g.call("demo.TGrad", f, x - H * vx, y - H * vy)) / (2 * H);
        Object r = g.call("demo.TGrad", f + "Jvp", x, y, vx, vy);
        assertEquals(fd, (double) Generated.get(r, "tangent"), 1e-6 * Math.max(1, Math.abs(fd)), f);
        assertEquals((double) g.call("demo.TGrad", f, x, y), (double) Generated.get(r, "value"), f);
    }

    /** The generated method whose signature contains {@code head}, up to the next method. */
    private static String method(String source, String head) {
        int start = source.indexOf(head);
        int end = source.indexOf("\n    }\n", start);
        return source.substring(start, end);
    }

    private static double centralArray(Function<double[], Double> f, double[] x, double[] v) {
        double[] up = x.clone();
        double[] down = x.clone();
        for (int i = 0; i < x.length; i++) {
            up[i] += H * v[i];
            down[i] -= H * v[i];
        }
        return (f.apply(up) - f.apply(down)) / (2 * H);
    }
}
