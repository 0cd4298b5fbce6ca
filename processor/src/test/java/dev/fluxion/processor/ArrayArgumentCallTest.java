package dev.fluxion.processor;

import static dev.fluxion.processor.GradientCheck.args;

import org.junit.jupiter.api.Test;

/**
 * A differentiable {@code double[]} passed to another {@code @Differentiable} method: the callee's
 * array gradient is added element by element into the caller's array adjoint (it generated
 * {@code c_adj += g.c()} on arrays, and in straight-line code declared {@code double[] c_adj} twice).
 */
class ArrayArgumentCallTest {
    private static final String LSE = """
            @Differentiable
            static double lse(double[] x) {
                double m = x[0];
                for (int i = 1; i < x.length; i++) m = Math.max(m, x[i]);
                double s = 0;
                for (int i = 0; i < x.length; i++) s += Math.exp(x[i] - m);
                return m + Math.log(s);
            }
            """;

    @Test
    void arrayArgumentOfACallInALoopAccumulatesElementwise() {
        Generated g = GradientCheck.compile(LSE + """
                @Differentiable
                static double f(double[] a, @NoGrad int n) {
                    double s = 0;
                    for (int k = 0; k < n; k++) s += (k + 1) * lse(a);
                    return s;
                }
                """);
        GradientCheck.checkAgainstMethod(g, "f", "a,null", args(new double[] {0.3, -1.2, 2.0}, 3));
    }

    @Test
    void arrayArgumentOfTwoCallsInStraightLineCodeDeclaresItsAdjointOnce() {
        Generated g = GradientCheck.compile(LSE + """
                @Differentiable
                static double f(double[] a, double b) {
                    double u = lse(a);
                    double v = b * lse(a);
                    return u * v + a[1];
                }
                """);
        GradientCheck.checkAgainstMethod(g, "f", "a,b", args(new double[] {0.3, -1.2, 2.0}, 0.7));
    }

    @Test
    void arrayArgumentOfACallPassesTheStrictCompileTimeCheck() {
        Generated g = Generated.compileWith(java.util.List.of("-Afluxion.verify=strict"), "demo.R",
                GradientCheck.HEADER + LSE + """
                @Differentiable
                static double f(double[] a, @NoGrad int n) {
                    double s = 0;
                    for (int k = 0; k < n; k++) s += (k + 1) * lse(a);
                    return s + lse(a);
                }
                }
                """);
        GradientCheck.checkAgainstMethod(g, "f", "a,null", args(new double[] {0.3, -1.2, 2.0}, 2));
    }
}
