package dev.fluxion.gradbench.evals;

import dev.fluxion.annotation.Differentiable;
import dev.fluxion.gradbench.EvalFunction;
import dev.fluxion.gradbench.EvalModule;
import dev.fluxion.gradbench.Json;
import java.util.Map;

/** GradBench's {@code lse}: log Σ exp(x_i), shifted by the maximum so that exp cannot overflow. */
public final class Lse {
    private Lse() {}

    /** log Σ_i exp(x_i), computed as A + log Σ_i exp(x_i − A) with A = max_i x_i. */
    @Differentiable
    static double logsumexp(double[] x) {
        double a = x[0];
        for (int i = 1; i < x.length; i++) {
            a = Math.max(a, x[i]);
        }
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += Math.exp(x[i] - a);
        }
        return Math.log(s) + a;
    }

    static EvalModule module() {
        return new EvalModule("lse", Map.of(
                "primal", EvalFunction.of(in -> Json.vector(in.get("x")), LseGrad::logsumexp),
                "gradient", EvalFunction.of(in -> Json.vector(in.get("x")), x -> LseGrad.logsumexpGrad(x).x())));
    }
}
