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
 * Written as GradBench's C++ writes it: the state and the four slopes are scratch arrays updated in
 * place every step.
 */
public final class Ode {
    private Ode() {}

    /** y(2) by s steps of RK4 from y(0) = 0. */
    @Differentiable
    static double[] solve(double[] x, @NoGrad int s) {
        int n = x.length;
        double h = 2.0 / s;
        double[] y = new double[n];
        double[] k1 = new double[n];
        double[] k2 = new double[n];
        double[] k3 = new double[n];
        double[] k4 = new double[n];
        for (int step = 0; step < s; step++) {
            k1[0] = x[0];
            for (int i = 1; i < n; i++) {
                k1[i] = x[i] * y[i - 1];
            }
            k2[0] = x[0];
            for (int i = 1; i < n; i++) {
                k2[i] = x[i] * (y[i - 1] + h / 2 * k1[i - 1]);
            }
            k3[0] = x[0];
            for (int i = 1; i < n; i++) {
                k3[i] = x[i] * (y[i - 1] + h / 2 * k2[i - 1]);
            }
            k4[0] = x[0];
            for (int i = 1; i < n; i++) {
                k4[i] = x[i] * (y[i - 1] + h * k3[i - 1]);
            }
            for (int i = 0; i < n; i++) {
                y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            }
        }
        return y;
    }

    /** y_{n−1}(2), whose gradient GradBench asks for. */
    @Differentiable
    static double last(double[] x, @NoGrad int s) {
        double[] y = solve(x, s);
        return y[x.length - 1];
    }

    /** The prepared input: x and the number of steps. */
    record Input(double[] x, int s) {}

    static Input input(JsonNode in) {
        return new Input(Json.vector(in.get("x")), in.get("s").asInt());
    }

    static EvalModule module() {
        return new EvalModule("ode", Map.of(
                "primal", EvalFunction.of(Ode::input, in -> OdeGrad.solve(in.x(), in.s())),
                "gradient", EvalFunction.of(Ode::input, in -> OdeGrad.lastGrad(in.x(), in.s()).x())));
    }
}
