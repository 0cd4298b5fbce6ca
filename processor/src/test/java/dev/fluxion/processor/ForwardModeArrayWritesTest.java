package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Forward mode ({@code fJvp}) and {@code fHvp} of methods that write elements of local arrays: a
 * tangent array {@code a_dot} is allocated beside each written array {@code a} and written beside
 * it. Each tangent is checked against float64 central differences of the user's own method along
 * the direction, and against {@code fGrad · v}; each {@code fHvp} against central differences of
 * {@code fGrad}. Compiled with verification {@code strict}, so the compile-time check of each
 * {@code fJvp} must have run and passed.
 */
class ForwardModeArrayWritesTest {
    private static final double H = 1e-6;

    private static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class A {
                /** Euler steps of y' = k(x, y) into a local state array. */
                @Differentiable
                static double euler(double[] x, @NoGrad int s) {
                    int n = x.length;
                    double h = 1.0 / s;
                    double[] y = new double[n];
                    double[] k1 = new double[n];
                    for (int step = 0; step < s; step++) {
                        k1[0] = x[0];
                        for (int i = 1; i < n; i++) k1[i] = x[i] * y[i - 1];
                        for (int i = 0; i < n; i++) y[i] += h * k1[i];
                    }
                    return y[n - 1];
                }

                /** Horner's rule in one element, read and overwritten each trip; an array literal. */
                @Differentiable
                static double horner(double x, @NoGrad double[] c) {
                    double[] acc = {0.0};
                    for (int i = 0; i < c.length; i++) {
                        acc[0] = acc[0] * x + c[i];
                    }
                    return acc[0];
                }

                /** gmm's centred point: a fresh scratch array per point, inside a loop. */
                @Differentiable
                static double scratch(double[] x, double[] mu, @NoGrad int n, @NoGrad int d) {
                    double s = 0;
                    for (int p = 0; p < n; p++) {
                        double[] xc = new double[d];
                        for (int j = 0; j < d; j++) xc[j] = x[p * d + j] - mu[j];
                        double q = 0;
                        for (int j = 0; j < d; j++) q += xc[j] * xc[j] * (j + 1);
                        s += Math.exp(-0.5 * q);
                    }
                    return s;
                }

                /** Writes inside branches, a compound write into an earlier element, a computed literal. */
                @Differentiable
                static double branches(double[] x, double c) {
                    double[] y = new double[x.length];
                    for (int i = 0; i < x.length; i++) {
                        if (x[i] > 0) {
                            y[i] = Math.sqrt(x[i]) * c;
                        } else {
                            y[i] = x[i] * x[i];
                            if (i > 0) y[i - 1] += y[i] * x[i];
                        }
                    }
                    double[] pair = {c * c, Math.sin(c)};
                    double s = pair[0] - pair[1];
                    for (int i = 0; i < x.length; i++) s += y[i] * (i + 1);
                    return s;
                }

                /** A constant written into an element that carries a tangent: its tangent becomes 0. */
                @Differentiable
                static double overwrite(double[] x) {
                    double[] a = new double[x.length];
                    for (int i = 0; i < x.length; i++) a[i] = Math.exp(x[i]);
                    a[0] = 2.0;
                    double s = 0;
                    for (int i = 0; i < x.length; i++) s += a[i] * a[i];
                    return s;
                }

                /** float arrays: the tangent array is a float[] too. */
                @Differentiable
                static float single(float[] x) {
                    float[] a = new float[x.length];
                    for (int i = 0; i < x.length; i++) a[i] = x[i] * x[i];
                    float s = 0;
                    for (int i = 0; i < x.length; i++) s += a[i] * x[i];
                    return s;
                }
            }
            """;

    private static Generated compile() {
        return Generated.compileWith(List.of("-Afluxion.verify=strict"), "demo.A", SOURCE);
    }

    @Test
    void eachMethodWithLocalArrayWritesHasAJvpAndAnHvp() {
        Generated g = compile();
        String src = g.source("demo.AGrad");
        for (String f : new String[] {"euler", "horner", "scratch", "branches", "overwrite", "single"}) {
            assertTrue(src.contains(" " + f + "Jvp("), f + " has no fJvp:\n" + src);
        }
        for (String f : new String[] {"euler", "horner", "scratch", "branches", "overwrite"}) {
            assertTrue(src.contains(" " + f + "Hvp("), f + " has no fHvp");
        }
        // the tangent array beside the primal one, written beside it
        assertTrue(src.contains("xc_dot[j] = "), src);
    }

    @Test
    void eulerTangentMatchesCentralDifferencesAndTheGradient() {
        Generated g = compile();
        double[] x = {0.7, -1.3, 2.1, 0.4};
        double[] v = {0.3, 0.5, -0.8, 1.1};
        Object r = g.call("demo.AGrad", "eulerJvp", x, 5, v);
        double fd = ((double) g.call("demo.AGrad", "euler", axpy(x, v, H), 5)
                - (double) g.call("demo.AGrad", "euler", axpy(x, v, -H), 5)) / (2 * H);
        double tangent = (double) Generated.get(r, "tangent");
        assertEquals(fd, tangent, 1e-6 * Math.max(1, Math.abs(fd)));
        double[] grad = (double[]) Generated.get(g.call("demo.AGrad", "eulerGrad", x, 5), "x");
        assertEquals(dot(grad, v), tangent, 1e-10 * Math.max(1, Math.abs(tangent)));
        assertEquals((double) g.call("demo.AGrad", "euler", x, 5), (double) Generated.get(r, "value"), 0);
    }

    @Test
    void hornerTangentMatchesClosedForm() {
        Generated g = compile();
        double x = 0.8;
        double[] c = {1.5, -2.0, 0.5, 3.0};
        Object r = g.call("demo.AGrad", "hornerJvp", x, c, 2.0);
        double dp = 3 * 1.5 * x * x - 2 * 2.0 * x + 0.5;
        assertEquals(2 * dp, (double) Generated.get(r, "tangent"), 1e-12);
        // second derivative: 6·1.5·x − 4
        Object h = g.call("demo.AGrad", "hornerHvp", x, c, 1.0);
        assertEquals(6 * 1.5 * x - 4, (double) Generated.get(h, "x"), 1e-12);
    }

    @Test
    void scratchArrayInALoopMatchesCentralDifferences() {
        Generated g = compile();
        double[] x = {0.1, 0.5, -0.3, 0.2, 0.9, -0.4};
        double[] mu = {0.2, -0.1};
        double[] vx = {0.4, -0.2, 0.7, 0.1, -0.5, 0.3};
        double[] vmu = {-0.6, 0.8};
        Object r = g.call("demo.AGrad", "scratchJvp", x, mu, 3, 2, vx, vmu);
        double fd = ((double) g.call("demo.AGrad", "scratch", axpy(x, vx, H), axpy(mu, vmu, H), 3, 2)
                - (double) g.call("demo.AGrad", "scratch", axpy(x, vx, -H), axpy(mu, vmu, -H), 3, 2)) / (2 * H);
        assertEquals(fd, (double) Generated.get(r, "tangent"), 1e-7);
        Object hv = g.call("demo.AGrad", "scratchHvp", x, mu, 3, 2, vx, vmu);
        Object gp = g.call("demo.AGrad", "scratchGrad", axpy(x, vx, H), axpy(mu, vmu, H), 3, 2);
        Object gm = g.call("demo.AGrad", "scratchGrad", axpy(x, vx, -H), axpy(mu, vmu, -H), 3, 2);
        for (String p : new String[] {"x", "mu"}) {
            double[] got = (double[]) Generated.get(hv, p);
            double[] plus = (double[]) Generated.get(gp, p);
            double[] minus = (double[]) Generated.get(gm, p);
            for (int i = 0; i < got.length; i++) {
                double want = (plus[i] - minus[i]) / (2 * H);
                assertEquals(want, got[i], 1e-5 * Math.max(1, Math.abs(want)), p + "[" + i + "]");
            }
        }
    }

    @Test
    void writesInBranchesFollowThePathTaken() {
        Generated g = compile();
        Random rnd = new Random(11);
        for (int trial = 0; trial < 6; trial++) {
            double[] x = rnd.doubles(5, -1.5, 1.5).toArray();
            double c = rnd.nextDouble(0.5, 2);
            double[] v = rnd.doubles(5, -1, 1).toArray();
            double vc = rnd.nextDouble(-1, 1);
            Object r = g.call("demo.AGrad", "branchesJvp", x, c, v, vc);
            double fd = ((double) g.call("demo.AGrad", "branches", axpy(x, v, H), c + H * vc)
                    - (double) g.call("demo.AGrad", "branches", axpy(x, v, -H), c - H * vc)) / (2 * H);
            double tangent = (double) Generated.get(r, "tangent");
            assertEquals(fd, tangent, 1e-6 * Math.max(1, Math.abs(fd)), "trial " + trial);
            Object grad = g.call("demo.AGrad", "branchesGrad", x, c);
            double want = dot((double[]) Generated.get(grad, "x"), v) + (double) Generated.get(grad, "c") * vc;
            assertEquals(want, tangent, 1e-10 * Math.max(1, Math.abs(want)), "trial " + trial);
            Object hv = g.call("demo.AGrad", "branchesHvp", x, c, v, vc);
            Object gp = g.call("demo.AGrad", "branchesGrad", axpy(x, v, H), c + H * vc);
            Object gm = g.call("demo.AGrad", "branchesGrad", axpy(x, v, -H), c - H * vc);
            double hc = ((double) Generated.get(gp, "c") - (double) Generated.get(gm, "c")) / (2 * H);
            assertEquals(hc, (double) Generated.get(hv, "c"), 1e-5 * Math.max(1, Math.abs(hc)), "trial " + trial);
        }
    }

    @Test
    void aConstantWrittenOverACarryingElementHasTangentZero() {
        Generated g = compile();
        double[] x = {0.3, -0.4, 0.9};
        double[] v = {1, 1, 1};
        Object r = g.call("demo.AGrad", "overwriteJvp", x, v);
        // a[0] = 2 whatever x[0]: d/dt Σ_{i≥1} e^{2 x_i} = 2 e^{-0.8} + 2 e^{1.8}
        assertEquals(2 * Math.exp(-0.8) + 2 * Math.exp(1.8), (double) Generated.get(r, "tangent"), 1e-12);
    }

    @Test
    void floatArraysHaveFloatTangentArrays() {
        Generated g = compile();
        float[] x = {0.5f, -1.5f, 2f};
        float[] v = {1f, 0.5f, -1f};
        Object r = g.call("demo.AGrad", "singleJvp", x, v);
        // f = Σ x³: tangent Σ 3 x² v
        assertEquals(3 * (0.25 * 1 + 2.25 * 0.5 - 4 * 1), (float) Generated.get(r, "tangent"), 1e-5);
    }

    private static double[] axpy(double[] x, double[] v, double h) {
        double[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += h * v[i];
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
