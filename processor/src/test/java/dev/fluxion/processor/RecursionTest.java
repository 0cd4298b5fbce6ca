package dev.fluxion.processor;

import static dev.fluxion.processor.GradientCheck.args;
import static dev.fluxion.processor.GradientCheck.check;
import static dev.fluxion.processor.GradientCheck.checkAgainstMethod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Recursive static {@code @Differentiable} methods: each recursive call keeps the callee's
 * pullback and the backward pass calls it, so the derivative is the recursion's own.
 */
class RecursionTest {
    /** GradBench's det: Laplace expansion along the first row, columns in use as bits of an int. */
    private static final String DET = """
            @Differentiable
            static double detOfMinor(double[] a, @NoGrad int n, @NoGrad int row, @NoGrad int usedColumns) {
                if (row == n) return 1;
                double sum = 0;
                int sign = 1;
                int bit = 1;
                for (int j = 0; j < n; j++) {
                    if (usedColumns / bit % 2 == 0) {
                        sum += sign * a[row * n + j] * detOfMinor(a, n, row + 1, usedColumns + bit);
                        sign = -sign;
                    }
                    bit *= 2;
                }
                return sum;
            }

            @Differentiable
            static double det(double[] a, @NoGrad int n) {
                return detOfMinor(a, n, 0, 0);
            }
            """;

    @Test
    void determinantByLaplaceExpansionHasTheAdjugateAsGradient() {
        Generated g = GradientCheck.compile(DET);
        double[] a = {2, -1, 0.5, 1, 3, -2, 0.25, 4, 1.5};
        // det and the cofactor matrix (the gradient of det is the cofactor matrix)
        double det = 2 * (3 * 1.5 - (-2) * 4) - (-1) * (1 * 1.5 - (-2) * 0.25) + 0.5 * (1 * 4 - 3 * 0.25);
        double[] cofactors = {
            3 * 1.5 - (-2) * 4, -(1 * 1.5 - (-2) * 0.25), 1 * 4 - 3 * 0.25,
            -((-1) * 1.5 - 0.5 * 4), 2 * 1.5 - 0.5 * 0.25, -(2 * 4 - (-1) * 0.25),
            (-1) * (-2) - 0.5 * 3, -(2 * (-2) - 0.5 * 1), 2 * 3 - (-1) * 1};
        check(g, "det", "a,null", args(a, 3), det, cofactors);
    }

    @Test
    void fourByFourDeterminantMatchesCentralDifferences() {
        Generated g = GradientCheck.compile(DET);
        double[] a = {1.2, -0.4, 0.7, 2.0, 0.3, 1.1, -1.5, 0.6, -0.8, 0.9, 0.4, -1.2, 1.7, -0.2, 0.5, 0.8};
        checkAgainstMethod(g, "det", "a,null", a, 4);
    }

    @Test
    void mutualRecursionWithAScalarChain() {
        Generated g = GradientCheck.compile("""
                @Differentiable
                static double even(double x, @NoGrad int k) {
                    if (k == 0) return 1;
                    return x * odd(x, k - 1);
                }

                @Differentiable
                static double odd(double x, @NoGrad int k) {
                    return Math.sin(x) + even(x, k);
                }
                """);
        // even(x, 2) = x (sin x + x (sin x + 1))
        double x = 0.6;
        double s = Math.sin(x);
        double c = Math.cos(x);
        check(g, "even", "x,null", args(x, 2), x * (s + x * (s + 1)),
                new double[] {(s + x * (s + 1)) + x * (c + (s + 1) + x * c)});
    }

    @Test
    void recursiveDeterminantPassesTheStrictCompileTimeCheck() {
        Generated g = Generated.compileWith(List.of("-Afluxion.verify=strict"), "demo.R",
                GradientCheck.HEADER + DET + "}\n");
        Object grad = g.call("demo.RGrad", "detGrad", new double[] {1, 2, 3, 4}, 2);
        assertEquals(-2.0, (double) Generated.get(grad, "value"), 1e-12);
    }
}
