package dev.fluxion.gradbench.evals;

import dev.fluxion.annotation.Differentiable;
import dev.fluxion.gradbench.EvalFunction;
import dev.fluxion.gradbench.EvalModule;
import java.util.Map;

/** GradBench's {@code hello}: {@code square} is x², {@code double} its derivative 2x. */
public final class Hello {
    private Hello() {}

    /** x². */
    @Differentiable
    static double square(double x) {
        return x * x;
    }

    static EvalModule module() {
        return new EvalModule("hello", Map.of(
                "square", EvalFunction.of(in -> in.asDouble(), HelloGrad::square),
                "double", EvalFunction.of(in -> in.asDouble(), x -> HelloGrad.squareGrad(x).x())));
    }
}
