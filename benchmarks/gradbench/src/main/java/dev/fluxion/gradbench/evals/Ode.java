package dev.fluxion.gradbench.evals;

import static dev.fluxion.F.cat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fluxion.Tensor;
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
 * <p>Written with the tensor DSL: the scalar version (k1..k4 and y as scratch arrays, which the
 * processor now accepts) would have to return y, a {@code double[]}, and a {@code @Differentiable}
 * method returns a double, float or Tensor only. The methods are verified at compile time on
 * {@link #sample}: their inputs' lengths are tied to {@code n}, which the verifier does not guess.
 */
public final class Ode {
    private Ode() {}

    /** f(x, y) = (x_0, x_1 y_0, ..., x_{n−1} y_{n−2}). */
    @Differentiable
    static Tensor rate(Tensor x, Tensor y, @NoGrad int n) {
        return cat(0, x.slice(0, 0, 1), x.slice(0, 1, n).times(y.slice(0, 0, n - 1)));
    }

    /** Example arguments for compile-time verification: x of length n = 5, s = 3 steps. */
    static Object[] sample() {
        return new Object[] {Tensor.of(0.3, -0.7, 1.1, 0.4, 0.9), 5, 3};
    }

    /** y(2) by s steps of RK4 from y(0) = 0. */
    @Differentiable(verifyWith = "sample")
    static Tensor solve(Tensor x, @NoGrad int n, @NoGrad int s) {
        double h = 2.0 / s;
        Tensor y = x.times(0.0);
        for (int step = 0; step < s; step++) {
            Tensor k1 = rate(x, y, n);
            Tensor k2 = rate(x, y.plus(k1.times(h / 2)), n);
            Tensor k3 = rate(x, y.plus(k2.times(h / 2)), n);
            Tensor k4 = rate(x, y.plus(k3.times(h)), n);
            y = y.plus(k1.plus(k2.times(2.0)).plus(k3.times(2.0)).plus(k4).times(h / 6));
        }
        return y;
    }

    /** y_{n−1}(2), whose gradient GradBench asks for. */
    @Differentiable(verifyWith = "sample")
    static Tensor last(Tensor x, @NoGrad int n, @NoGrad int s) {
        return solve(x, n, s).slice(0, n - 1, n).sum();
    }

    /** The prepared input: x as a float64 tensor, its length and the number of steps. */
    record Input(Tensor x, int n, int s) {}

    static Input input(JsonNode in) {
        double[] x = Json.vector(in.get("x"));
        return new Input(Tensor.fromArray(x, x.length), x.length, in.get("s").asInt());
    }

    static EvalModule module() {
        return new EvalModule("ode", Map.of(
                "primal", new EvalFunction<>(Ode::input, in -> OdeGrad.solve(in.x(), in.n(), in.s()),
                        Tensor::toDoubleArray),
                "gradient", new EvalFunction<>(Ode::input, in -> OdeGrad.lastGrad(in.x(), in.n(), in.s()).x(),
                        Tensor::toDoubleArray)));
    }
}
