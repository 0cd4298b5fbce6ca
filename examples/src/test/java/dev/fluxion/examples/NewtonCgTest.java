package dev.fluxion.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Newton-CG (Hessian-vector products from the generated {@code rosenbrockHvp}) against gradient descent. */
class NewtonCgTest {
    @Test
    void newtonCgConvergesInFarFewerIterationsThanGradientDescent() {
        // On the engine of this commit: Newton-CG 118 iterations (339 Hessian-vector products),
        // gradient descent 28,987, both to ‖∇f‖ < 1e-8 from (−1.2, 1, …) in 10 dimensions.
        int n = 10;
        double[] ones = new double[n];
        java.util.Arrays.fill(ones, 1);
        NewtonCg.Run newton = NewtonCg.newtonCg(NewtonCg.start(n), 1e-8, 1_000);
        NewtonCg.Run descent = NewtonCg.gradientDescent(NewtonCg.start(n), 1e-8, 100_000);
        assertTrue(newton.converged(), "Newton-CG reached ‖∇f‖ < 1e-8");
        assertArrayEquals(ones, newton.x(), 1e-8);
        assertTrue(newton.iterations() <= 150, "Newton-CG iterations: " + newton.iterations());
        // Gradient descent creeps along the valley: it has not converged after 100 times as many steps.
        assertTrue(descent.iterations() > 100 * newton.iterations(),
                "gradient descent iterations: " + descent.iterations() + ", Newton-CG: " + newton.iterations());
        assertTrue(Files.exists(NewtonCg.compare(n, newton, descent)));
    }
}
