package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Forward mode through nested differentiation: {@code fJvp} of a method that reads another
 * method's gradient ({@code NFGrad.fGrad(x, w, c).x()}). The tangent of a gradient component is
 * that component of the inner method's Hessian-vector product along the tangents, one
 * {@code fHvp} call ({@code fGrad_xJvp}); checked against a closed form, float64 central
 * differences of the method as written and the gradient's dot product with the direction.
 */
class NestedForwardModeTest {
    private static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class NF {
                @Differentiable
                static double f(double x, double[] w, @NoGrad double c) { return x * x * w[0] + c * Math.sin(w[1] * x); }

                @Differentiable
                static double penalty(double x, double[] w) {
                    double gx = NFGrad.fGrad(x, w, 2.0).x();
                    double[] gw = NFGrad.fGrad(x, w, 2.0).w();
                    return NFGrad.fGrad(x, w, 2.0).value() + gx * gx + gw[0] * gw[1];
                }

                /** A small critic: Σ tanh(θ_i x_i + θ_{n+i}), squared. */
                @Differentiable
                static double critic(double[] x, double[] theta) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        s += Math.tanh(theta[i] * x[i] + theta[x.length + i]);
                    }
                    return s * s;
                }

                /** A gradient penalty: the critic plus λ‖∇ₓ critic‖², with a branch on the penalty. */
                @Differentiable
                static double gp(double[] theta, double[] x, @NoGrad double lambda) {
                    double[] g = NFGrad.criticGrad(x, theta).x();
                    double p = 0;
                    for (int i = 0; i < g.length; i++) {
                        p += g[i] * g[i];
                    }
                    if (p > 4) {
                        p = 4 + Math.log(p - 3);
                    }
                    return critic(x, theta) + lambda * p;
                }
            }
            """;

    private static final double H = 1e-6;

    @Test
    void adapterTangentIsTheInnerHessianVectorProduct() {
        Generated g = Generated.compile("demo.NF", SOURCE);
        double x = 0.6;
        double[] w = {1.3, -0.7};
        double c = 2.0;
        double dx = 0.5;
        double[] dw = {-1.1, 0.8};
        Object r = g.call("demo.NFGrad", "fGrad_xJvp", x, w, c, dx, dw);
        // ∂f/∂x = 2 x w0 + c w1 cos(w1 x)
        assertEquals(2 * x * w[0] + c * w[1] * Math.cos(w[1] * x), (double) Generated.get(r, "value"), 1e-14);
        double dxx = 2 * w[0] - c * w[1] * w[1] * Math.sin(w[1] * x);
        double dxw0 = 2 * x;
        double dxw1 = c * Math.cos(w[1] * x) - c * w[1] * x * Math.sin(w[1] * x);
        assertEquals(dxx * dx + dxw0 * dw[0] + dxw1 * dw[1], (double) Generated.get(r, "tangent"), 1e-13);
    }

    @Test
    void jvpThroughScalarAndArrayGradientsMatchesCentralDifferences() {
        Generated g = Generated.compile("demo.NF", SOURCE);
        assertTrue(g.source("demo.NFGrad").contains("NFGrad.fGrad_xJvp("), "penaltyJvp goes through fGrad_xJvp");
        Random rnd = new Random(12);
        for (int trial = 0; trial < 3; trial++) {
            double x = rnd.nextDouble() * 2 - 1;
            double[] w = rnd.doubles(2, -1.5, 1.5).toArray();
            double dx = rnd.nextGaussian();
            double[] dw = rnd.doubles(2, -1, 1).toArray();
            Object r = g.call("demo.NFGrad", "penaltyJvp", x, w, dx, dw);
            double fd = ((double) g.call("demo.NFGrad", "penalty", x + H * dx, axpy(w, H, dw))
                    - (double) g.call("demo.NFGrad", "penalty", x - H * dx, axpy(w, -H, dw))) / (2 * H);
            double tangent = (double) Generated.get(r, "tangent");
            assertEquals(fd, tangent, 1e-7 * Math.max(1, Math.abs(fd)), "trial " + trial);
            assertEquals((double) g.call("demo.NFGrad", "penalty", x, w), (double) Generated.get(r, "value"), 1e-14);
            // Forward and reverse through the same nested call agree: ⟨∇penalty, v⟩.
            Object grad = g.call("demo.NFGrad", "penaltyGrad", x, w);
            double[] gw = (double[]) Generated.get(grad, "w");
            double dot = (double) Generated.get(grad, "x") * dx + gw[0] * dw[0] + gw[1] * dw[1];
            assertEquals(dot, tangent, 1e-10 * Math.max(1, Math.abs(dot)), "trial " + trial);
        }
    }

    @Test
    void gradientPenaltyJvpMatchesCentralDifferencesOnBothBranches() {
        Generated g = Generated.compile("demo.NF", SOURCE);
        Random rnd = new Random(5);
        int[] branches = new int[2];
        for (int trial = 0; trial < 12; trial++) {
            double scale = trial % 2 == 0 ? 0.4 : 2.5; // small θ: p ≤ 4; large θ: the log branch
            double[] theta = rnd.doubles(6, -scale, scale).toArray();
            double[] x = rnd.doubles(3, -1, 1).toArray();
            double[] dTheta = rnd.doubles(6, -1, 1).toArray();
            double[] dx = rnd.doubles(3, -1, 1).toArray();
            double lambda = 0.3;
            Object r = g.call("demo.NFGrad", "gpJvp", theta, x, lambda, dTheta, dx);
            Function<Double, Double> along = h -> (double) g.call("demo.NFGrad", "gp", axpy(theta, h, dTheta),
                    axpy(x, h, dx), lambda);
            double fd = (along.apply(H) - along.apply(-H)) / (2 * H);
            assertEquals(fd, (double) Generated.get(r, "tangent"), 1e-6 * Math.max(1, Math.abs(fd)), "trial " + trial);
            double[] gx = (double[]) Generated.get(g.call("demo.NFGrad", "criticGrad", x, theta), "x");
            double p = 0;
            for (double v : gx) {
                p += v * v;
            }
            branches[p > 4 ? 1 : 0]++;
        }
        assertTrue(branches[0] > 0 && branches[1] > 0, "both sides of the branch were checked");
    }

    private static double[] axpy(double[] x, double h, double[] d) {
        double[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += h * d[i];
        }
        return out;
    }
}
