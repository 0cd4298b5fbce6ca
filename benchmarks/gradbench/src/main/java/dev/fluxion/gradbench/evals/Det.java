package dev.fluxion.gradbench.evals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.gradbench.EvalFunction;
import dev.fluxion.gradbench.EvalModule;
import dev.fluxion.gradbench.Json;
import java.util.Map;

/**
 * GradBench's {@code det}: the determinant of an ℓ×ℓ matrix (row-major) by expansion by minors,
 * written as the recursion it is: the minor of the rows from {@code row} down, with the columns in
 * {@code usedColumns} (one bit each) struck out. The gradient is the recursion's own pullback; each
 * recursive call keeps a checkpoint, not its pullback, so the backward pass of an 11×11 determinant
 * (10⁸ calls) holds one pullback per level of the recursion.
 */
public final class Det {
    private Det() {}

    /** The determinant of the minor of {@code a} without the rows above {@code row} and the used columns. */
    @Differentiable
    static double detOfMinor(double[] a, @NoGrad int n, @NoGrad int row, @NoGrad int usedColumns) {
        if (row == n) {
            return 1;
        }
        double sum = 0;
        int sign = 1;
        for (int j = 0; j < n; j++) {
            if ((usedColumns & 1 << j) == 0) {
                sum += sign * a[row * n + j] * detOfMinor(a, n, row + 1, usedColumns | 1 << j);
                sign = -sign;
            }
        }
        return sum;
    }

    /** det(A) for A of size n×n, row-major. */
    @Differentiable
    static double det(double[] a, @NoGrad int n) {
        return detOfMinor(a, n, 0, 0);
    }

    /** The prepared input: the matrix and its size. */
    record Input(double[] a, int ell) {}

    private static Input input(JsonNode in) {
        return new Input(Json.vector(in.get("A")), in.get("ell").asInt());
    }

    static EvalModule module() {
        return new EvalModule("det", Map.of(
                "primal", EvalFunction.of(Det::input, in -> DetGrad.det(in.a(), in.ell())),
                "gradient", EvalFunction.of(Det::input, in -> DetGrad.detGrad(in.a(), in.ell()).a())));
    }
}
