package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code fHvp} (reverse over forward: the gradient of {@code fDirectional(x, v) = ⟨∇f, v⟩}) and
 * {@code fHessian}, against closed forms and float64 central differences of the gradient.
 */
class SecondOrderTest {
    private static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class H {
                @Differentiable
                static double rosenbrock(double[] x) {
                    double s = 0;
                    for (int i = 0; i + 1 < x.length; i++) {
                        double t = x[i + 1] - x[i] * x[i];
                        s += 100 * t * t + (1 - x[i]) * (1 - x[i]);
                    }
                    return s;
                }

                @Differentiable
                static double pair(double x, double y, @NoGrad double c) {
                    return Math.exp(x * y) + c * Math.sin(x) * y * y;
                }

                @Differentiable
                static double branchy(double[] x, double c) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        if (x[i] > 0) {
                            s += Math.log1p(x[i] * x[i]) * c;
                        } else {
                            s = s * 0.5 + Math.cos(x[i] * c);
                        }
                    }
                    return s * s;
                }
            }
            """;

    private static final double H = 1e-5;

    @Test
    void rosenbrockHessianMatchesClosedForm() {
        Generated g = Generated.compile("demo.H", SOURCE);
        double[] x = {1.2, -0.4, 0.8};
        double[][] hess = (double[][]) g.call("demo.HGrad", "rosenbrockHessian", (Object) x);
        double[][] expected = new double[3][3];
        for (int i = 0; i + 1 < 3; i++) {
            expected[i][i] += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
            expected[i][i + 1] += -400 * x[i];
            expected[i + 1][i] += -400 * x[i];
            expected[i + 1][i + 1] += 200;
        }
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[i][j], hess[i][j], 1e-9, i + "," + j);
            }
        }
    }

    @Test
    void hvpMatchesCentralDifferencesOfTheGradient() {
        Generated g = Generated.compile("demo.H", SOURCE);
        Random rnd = new Random(5);
        double[] x = rnd.doubles(5, -1, 1).toArray();
        double[] v = rnd.doubles(5, -1, 1).toArray();
        Object r = g.call("demo.HGrad", "rosenbrockHvp", x, v);
        double[] hv = (double[]) Generated.get(r, "x");
        double[] gp = (double[]) Generated.get(g.call("demo.HGrad", "rosenbrockGrad", (Object) axpy(x, v, H)), "x");
        double[] gm = (double[]) Generated.get(g.call("demo.HGrad", "rosenbrockGrad", (Object) axpy(x, v, -H)), "x");
        for (int i = 0; i < x.length; i++) {
            double fd = (gp[i] - gm[i]) / (2 * H);
            assertEquals(fd, hv[i], 1e-5 * Math.max(1, Math.abs(fd)), "element " + i);
        }
        // value() is the directional derivative ⟨∇f, v⟩.
        double[] grad = (double[]) Generated.get(g.call("demo.HGrad", "rosenbrockGrad", (Object) x), "x");
        double dot = 0;
        for (int i = 0; i < x.length; i++) {
            dot += grad[i] * v[i];
        }
        assertEquals(dot, (double) Generated.get(r, "value"), 1e-9 * Math.max(1, Math.abs(dot)));
    }

    @Test
    void scalarParametersAndNoGradConstants() {
        Generated g = Generated.compile("demo.H", SOURCE);
        double x = 0.3;
        double y = -0.7;
        double c = 1.9;
        // f = e^{xy} + c sin(x) y²
        double hxx = y * y * Math.exp(x * y) - c * Math.sin(x) * y * y;
        double hxy = (1 + x * y) * Math.exp(x * y) + 2 * c * Math.cos(x) * y;
        double hyy = x * x * Math.exp(x * y) + 2 * c * Math.sin(x);
        double vx = 0.4;
        double vy = -1.1;
        Object r = g.call("demo.HGrad", "pairHvp", x, y, c, vx, vy);
        assertEquals(hxx * vx + hxy * vy, (double) Generated.get(r, "x"), 1e-12);
        assertEquals(hxy * vx + hyy * vy, (double) Generated.get(r, "y"), 1e-12);
    }

    @Test
    void loopsAndBranchesMatchCentralDifferencesOfTheGradient() {
        Generated g = Generated.compile("demo.H", SOURCE);
        double[] x = {0.5, -0.3, 1.2, -1.5};
        double c = 0.8;
        double[] v = {0.3, -0.9, 0.2, 0.7};
        double vc = -0.4;
        Object r = g.call("demo.HGrad", "branchyHvp", x, c, v, vc);
        Object gp = g.call("demo.HGrad", "branchyGrad", axpy(x, v, H), c + H * vc);
        Object gm = g.call("demo.HGrad", "branchyGrad", axpy(x, v, -H), c - H * vc);
        double[] hx = (double[]) Generated.get(r, "x");
        for (int i = 0; i < x.length; i++) {
            double fd = (((double[]) Generated.get(gp, "x"))[i] - ((double[]) Generated.get(gm, "x"))[i]) / (2 * H);
            assertEquals(fd, hx[i], 1e-5 * Math.max(1, Math.abs(fd)), "x " + i);
        }
        double fdc = ((double) Generated.get(gp, "c") - (double) Generated.get(gm, "c")) / (2 * H);
        assertEquals(fdc, (double) Generated.get(r, "c"), 1e-5 * Math.max(1, Math.abs(fdc)));
    }

    private static double[] axpy(double[] x, double[] v, double h) {
        double[] out = x.clone();
        for (int i = 0; i < x.length; i++) {
            out[i] += h * v[i];
        }
        return out;
    }
}
