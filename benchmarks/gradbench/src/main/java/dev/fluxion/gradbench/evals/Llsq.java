package dev.fluxion.gradbench.evals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.gradbench.EvalFunction;
import dev.fluxion.gradbench.EvalModule;
import dev.fluxion.gradbench.Json;
import java.util.Map;

/**
 * GradBench's {@code llsq}: the least-squares fit of a polynomial with coefficients x to the sign
 * function sampled at n points t_i = −1 + 2i/(n−1) of [−1, 1].
 */
public final class Llsq {
    private Llsq() {}

    /** ½ Σ_i (sign(t_i) − Σ_j x_j t_i^j)². */
    @Differentiable
    static double primal(double[] x, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double t = -1 + i * 2.0 / (n - 1);
            double residual = t > 0 ? 1 : (t < 0 ? -1 : 0);
            double power = 1;
            for (int j = 0; j < x.length; j++) {
                residual -= x[j] * power;
                power *= t;
            }
            sum += residual * residual;
        }
        return sum / 2;
    }

    /** The prepared input: coefficients and the number of samples. */
    record Input(double[] x, int n) {}

    private static Input input(JsonNode in) {
        return new Input(Json.vector(in.get("x")), in.get("n").asInt());
    }

    static EvalModule module() {
        return new EvalModule("llsq", Map.of(
                "primal", EvalFunction.of(Llsq::input, in -> LlsqGrad.primal(in.x(), in.n())),
                "gradient", EvalFunction.of(Llsq::input, in -> LlsqGrad.primalGrad(in.x(), in.n()).x())));
    }
}
