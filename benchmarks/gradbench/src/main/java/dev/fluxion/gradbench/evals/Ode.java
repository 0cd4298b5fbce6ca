package dev.fluxion.gradbench.evals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.gradbench.EvalFunction;
import dev.fluxion.gradbench.EvalModule;
import dev.fluxion.gradbench.Json;
import java.util.Map;

/**
 * GradBench's {@code ode} (from cmpad): y' = f(x, y) with f_0 = x_0 and f_i = x_i y_{i−1}, y(0) = 0,
 * integrated to t = 2 by s steps of fourth-order Runge–Kutta; {@code gradient} is ∂y_{n−1}(2)/∂x.
 *
 * <p>Written as GradBench's C++ ({@code cpp/gradbench/evals/ode.hpp}) writes it: plain arrays, the
 * stages {@code k1..k4} and {@code yTmp} scratch arrays, y updated in place, and the result the
 * {@code double[]} y itself. The gradient is the pullback of the one-hot cotangent
 * {@code e_{n−1}} ({@code solveVjp(x, s).backward(e)}), one forward and one backward pass.
 * Verified at compile time on {@link #sample}.
 */
public final class Ode {
    private Ode() {}

    /** Example arguments for compile-time verification: x of length 5, s = 3 steps. */
    static Object[] sample() {
        return new Object[] {new double[] {0.3, -0.7, 1.1, 0.4, 0.9}, 3};
    }

    /** y(2) by s steps of RK4 from y(0) = 0. */
    @Differentiable(verifyWith = "sample")
    static double[] solve(double[] x, @NoGrad int s) {
        int n = x.length;
        double h = 2.0 / s;
        double[] y = new double[n];
        double[] k1 = new double[n];
        double[] k2 = new double[n];
        double[] k3 = new double[n];
        double[] k4 = new double[n];
        double[] yTmp = new double[n];
        for (int step = 0; step < s; step++) {
            k1[0] = x[0];
            for (int i = 1; i < n; i++) {
                k1[i] = x[i] * y[i - 1];
            }
            for (int i = 0; i < n; i++) {
                yTmp[i] = y[i] + h * k1[i] / 2;
            }
            k2[0] = x[0];
            for (int i = 1; i < n; i++) {
                k2[i] = x[i] * yTmp[i - 1];
            }
            for (int i = 0; i < n; i++) {
                yTmp[i] = y[i] + h * k2[i] / 2;
            }
            k3[0] = x[0];
            for (int i = 1; i < n; i++) {
                k3[i] = x[i] * yTmp[i - 1];
            }
            for (int i = 0; i < n; i++) {
                yTmp[i] = y[i] + h * k3[i];
            }
            k4[0] = x[0];
            for (int i = 1; i < n; i++) {
                k4[i] = x[i] * yTmp[i - 1];
            }
            for (int i = 0; i < n; i++) {
                y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / 6;
            }
        }
        return y;
    }

    /** ∂y_{n−1}(2)/∂x: the pullback of e_{n−1}. */
    static double[] gradient(double[] x, int s) {
        double[] last = new double[x.length];
        last[x.length - 1] = 1;
        return OdeGrad.solveVjp(x, s).backward(last).x();
    }

    /** The prepared input: x and the number of steps. */
    record Input(double[] x, int s) {}

    static Input input(JsonNode in) {
        return new Input(Json.vector(in.get("x")), in.get("s").asInt());
    }

    static EvalModule module() {
        return new EvalModule("ode", Map.of(
                "primal", EvalFunction.of(Ode::input, in -> OdeGrad.solve(in.x(), in.s())),
                "gradient", EvalFunction.of(Ode::input, in -> gradient(in.x(), in.s()))));
    }
}
