package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A loss with a gradient penalty (WGAN-GP style, ‖∇ₓ f(x, θ)‖² in the loss) through nested
 * differentiation: its gradient with respect to θ against float64 central differences, and a
 * short gradient-descent run in which the loss and the penalty both go down.
 */
class GradientPenaltyTest {
    private static final String METHODS = """
                /** A one-hidden-layer tanh critic: Σ_j v_j tanh(Σ_i W_ji x_i), θ = (W, v). */
                @Differentiable
                static double critic(double[] x, double[] theta) {
                    int n = x.length;
                    int h = theta.length / (n + 1);
                    double out = 0;
                    for (int j = 0; j < h; j++) {
                        double a = 0;
                        for (int i = 0; i < n; i++) {
                            a += theta[j * n + i] * x[i];
                        }
                        out += theta[h * n + j] * Math.tanh(a);
                    }
                    return out;
                }

                /** Mean squared error of the critic on (xs, ys) plus lambda times the mean ‖∇ₓ critic‖². */
                @Differentiable
                static double loss(double[] theta, @NoGrad double[] xs, @NoGrad double[] ys, @NoGrad int n,
                                   @NoGrad double lambda) {
                    double fit = 0;
                    double penalty = 0;
                    int m = ys.length;
                    for (int s = 0; s < m; s++) {
                        double[] x = new double[n];
                        for (int i = 0; i < n; i++) {
                            x[i] = xs[s * n + i];
                        }
                        double r = critic(x, theta) - ys[s];
                        fit += r * r;
                        double[] g = RGrad.criticGrad(x, theta).x();
                        for (int i = 0; i < n; i++) {
                            penalty += g[i] * g[i];
                        }
                    }
                    return (fit + lambda * penalty) / m;
                }
            """;

    private static final int N = 3;
    private static final int HIDDEN = 4;
    private static final int M = 12;

    private record Data(double[] xs, double[] ys) {}

    private static Data data() {
        Random r = new Random(11);
        double[] xs = new double[M * N];
        double[] ys = new double[M];
        for (int s = 0; s < M; s++) {
            for (int i = 0; i < N; i++) {
                xs[s * N + i] = r.nextGaussian();
            }
            ys[s] = Math.sin(xs[s * N]) * 0.5;
        }
        return new Data(xs, ys);
    }

    private static double[] initialTheta() {
        Random r = new Random(3);
        double[] theta = new double[HIDDEN * (N + 1)];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = 1.5 * r.nextGaussian(); // steep: a large penalty to start with
        }
        return theta;
    }

    @Test
    void theGradientOfTheGradientPenaltyMatchesCentralDifferences() {
        Generated g = GradientCheck.compile(METHODS);
        Data d = data();
        GradientCheck.checkAgainstMethod(g, "loss", "theta,null,null,null,null", initialTheta(), d.xs(), d.ys(), N, 0.3);
    }

    @Test
    void aLossWithAGradientPenaltyTrains() {
        Generated g = GradientCheck.compile(METHODS);
        Data d = data();
        double[] theta = initialTheta();
        double lambda = 0.3;
        double firstLoss = Double.NaN;
        double firstPenalty = penalty(g, theta, d);
        double loss = Double.NaN;
        for (int step = 0; step < 150; step++) {
            Object grad = g.call("demo.RGrad", "lossGrad", theta, d.xs(), d.ys(), N, lambda);
            loss = (double) Generated.get(grad, "value");
            firstLoss = step == 0 ? loss : firstLoss;
            double[] dTheta = (double[]) Generated.get(grad, "theta");
            for (int i = 0; i < theta.length; i++) {
                theta[i] -= 0.05 * dTheta[i];
            }
        }
        double lastPenalty = penalty(g, theta, d);
        assertTrue(loss < 0.5 * firstLoss, "loss " + firstLoss + " -> " + loss);
        assertTrue(lastPenalty < 0.5 * firstPenalty, "penalty " + firstPenalty + " -> " + lastPenalty);
        // the penalty is the loss with lambda = 1 less the loss with lambda = 0
        double withPenalty = (double) g.call("demo.RGrad", "loss", theta, d.xs(), d.ys(), N, 1.0);
        double without = (double) g.call("demo.RGrad", "loss", theta, d.xs(), d.ys(), N, 0.0);
        assertEquals(lastPenalty, withPenalty - without, 1e-12);
    }

    /** The mean ‖∇ₓ critic‖² over the data, from the generated criticGrad. */
    private static double penalty(Generated g, double[] theta, Data d) {
        double sum = 0;
        for (int s = 0; s < M; s++) {
            double[] x = java.util.Arrays.copyOfRange(d.xs(), s * N, s * N + N);
            double[] gx = (double[]) Generated.get(g.call("demo.RGrad", "criticGrad", x, theta), "x");
            for (double v : gx) {
                sum += v * v;
            }
        }
        return sum / M;
    }
}
