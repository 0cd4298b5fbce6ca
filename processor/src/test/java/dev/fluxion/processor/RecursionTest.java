package dev.fluxion.processor;

import static dev.fluxion.processor.GradientCheck.args;
import static dev.fluxion.processor.GradientCheck.check;
import static dev.fluxion.processor.GradientCheck.checkAgainstMethod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Recursive static {@code @Differentiable} methods: the derivative is the recursion's own. A call
 * that closes a recursion keeps a checkpoint (the arguments and the value), and the backward pass
 * runs the callee's {@code fVjp} again, so what the backward pass holds grows with the depth of the
 * recursion, not with its number of calls (GradBench's det of an 11×11 matrix: 10⁸ calls).
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

    /** A 3×3 matrix, row-major, with its determinant and its cofactor matrix (det's gradient). */
    static final double[] A3 = {2, -1, 0.5, 1, 3, -2, 0.25, 4, 1.5};
    static final double DET3 = 2 * (3 * 1.5 - (-2) * 4) - (-1) * (1 * 1.5 - (-2) * 0.25) + 0.5 * (1 * 4 - 3 * 0.25);
    static final double[] COFACTORS3 = {
        3 * 1.5 - (-2) * 4, -(1 * 1.5 - (-2) * 0.25), 1 * 4 - 3 * 0.25,
        -((-1) * 1.5 - 0.5 * 4), 2 * 1.5 - 0.5 * 0.25, -(2 * 4 - (-1) * 0.25),
        (-1) * (-2) - 0.5 * 3, -(2 * (-2) - 0.5 * 1), 2 * 3 - (-1) * 1};

    @Test
    void determinantByLaplaceExpansionHasTheAdjugateAsGradient() {
        Generated g = GradientCheck.compile(DET);
        check(g, "det", "a,null", args(A3, 3), DET3, COFACTORS3);
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

    @Test
    void aCallClosingTheRecursionKeepsACheckpointWhoseBackwardIsTheCalleesPullback() throws Exception {
        Generated g = GradientCheck.compile(DET);
        Class<?> grad = g.load("demo.RGrad");
        Method checkpointed = Arrays.stream(grad.getMethods())
                .filter(m -> m.getName().equals("detOfMinorVjpCheckpointed")).findFirst().orElseThrow();
        assertEquals("DetOfMinorCheckpoint", checkpointed.getReturnType().getSimpleName());
        // det calls detOfMinor from outside the recursion: no checkpoint of det is generated
        assertTrue(Arrays.stream(grad.getMethods()).noneMatch(m -> m.getName().equals("detVjpCheckpointed")));
        double[] a = {1.2, -0.4, 0.7, 0.3, 1.1, -1.5, -0.8, 0.9, 0.4};
        Object checkpoint = g.call("demo.RGrad", "detOfMinorVjpCheckpointed", a, 3, 1, 1);
        Object pullback = g.call("demo.RGrad", "detOfMinorVjp", a, 3, 1, 1);
        assertEquals((double) invoke(pullback, "value"), (double) invoke(checkpoint, "value"));
        double[] fromCheckpoint = (double[]) Generated.get(invoke(checkpoint, "backward", 0.75), "a");
        double[] fromPullback = (double[]) Generated.get(invoke(pullback, "backward", 0.75), "a");
        assertArrayEquals(fromPullback, fromCheckpoint);
        // the minor of rows 1..2 without column 0: a[4]*a[8] - a[5]*a[7], scaled by 0.75
        assertEquals(0.75 * a[8], fromCheckpoint[4], 1e-15);
        assertEquals(-0.75 * a[7], fromCheckpoint[5], 1e-15);
    }

    @Test
    void sevenBySevenDeterminantHasDetTimesTheInverseTransposeAsGradient() {
        Generated g = GradientCheck.compile(DET);
        int n = 7;
        double[] a = new double[n * n];
        java.util.Random rng = new java.util.Random(13);
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextDouble() * 2 - 1 + (i % (n + 1) == 0 ? 2 : 0);
        }
        // Gauss-Jordan in float64: det(A) and A^-1; the gradient of det is det(A) A^-T
        double[][] m = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = a[i * n + j];
            }
            m[i][n + i] = 1;
        }
        double det = 1;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
                    p = r;
                }
            }
            if (p != c) {
                double[] t = m[p];
                m[p] = m[c];
                m[c] = t;
                det = -det;
            }
            det *= m[c][c];
            double pivot = m[c][c];
            for (int j = 0; j < 2 * n; j++) {
                m[c][j] /= pivot;
            }
            for (int r = 0; r < n; r++) {
                if (r != c && m[r][c] != 0) {
                    double f = m[r][c];
                    for (int j = 0; j < 2 * n; j++) {
                        m[r][j] -= f * m[c][j];
                    }
                }
            }
        }
        double[] expected = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                expected[i * n + j] = det * m[j][n + i];
            }
        }
        Object grad = g.call("demo.RGrad", "detGrad", a, n);
        assertEquals(det, (double) Generated.get(grad, "value"), 1e-12 * Math.abs(det) + 1e-12);
        double[] got = (double[]) Generated.get(grad, "a");
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], got[k], 1e-10, "element " + k);
        }
    }

    /**
     * A recursion with two recursive calls: both checkpointed, the gradient is the chain rule's. The
     * forward-mode inlining behind {@code fHvp} leaves a recursive call as a call
     * ({@code CallInlining}: inlining a method into itself would double at each level), so the method
     * gets no {@code fHvp}.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aRecursionWithTwoCallsCompilesAndHasTheChainRulesGradient() {
        Generated g = GradientCheck.compile("""
                @Differentiable
                static double tree(double x, @NoGrad int n) {
                    if (n <= 0) return x;
                    return Math.sin(tree(x, n - 1)) + x * tree(x, n - 2);
                }
                """);
        for (double x : new double[] {0.3, -1.1, 2.4}) {
            checkAgainstMethod(g, "tree", "x,null", x, 6);
        }
        assertTrue(Arrays.stream(g.load("demo.RGrad").getMethods()).noneMatch(m -> m.getName().equals("treeHvp")));
    }

    private static Object invoke(Object target, String name, Object... args) {
        try {
            for (Method m : target.getClass().getMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                    return m.invoke(target, args);
                }
            }
            throw new AssertionError("no method " + name + " on " + target.getClass());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
