package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * 2-D arrays in {@code @Differentiable} scalar code: local {@code double[][]} arrays created with
 * {@code new double[n][m]} or a literal, read and written element by element (flattened into one
 * local array), and {@code @NoGrad double[][]} data read element by element. Gradients against
 * float64 central differences of the user's own method and closed forms; forward mode against
 * central differences; what the flat form cannot express is a compile error on the expression.
 */
class TwoDimensionalArraysTest {
    private static final double H = 1e-6;

    private static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class M {
                /** A local n×n matrix built from x, its diagonal changed in branches, read transposed. */
                @Differentiable
                static double gram(double[] x, @NoGrad int n) {
                    double[][] a = new double[n][n];
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            a[i][j] = x[i] * x[j];
                        }
                    }
                    for (int i = 0; i < a.length; i++) {
                        if (x[i] > 0) {
                            a[i][i] += Math.exp(x[i]);
                        } else {
                            a[i][i] -= x[i] * x[i] * x[i];
                        }
                    }
                    double s = 0;
                    for (int i = 0; i < a.length; i++) {
                        for (int j = 0; j < a[i].length; j++) {
                            s += a[i][j] * Math.sin(a[j][i] + j);
                        }
                    }
                    return s;
                }

                /** Least squares on @NoGrad 2-D data: Σᵢ (Σⱼ data[i][j] w[j] − y[i])². */
                @Differentiable
                static double leastSquares(double[] w, @NoGrad double[][] data, @NoGrad double[] y) {
                    double s = 0;
                    for (int i = 0; i < data.length; i++) {
                        double r = -y[i];
                        for (int j = 0; j < data[i].length; j++) {
                            r += data[i][j] * w[j];
                        }
                        s += r * r;
                    }
                    return s;
                }

                /** Rows of @NoGrad data in an enhanced for: Σ_rows (row · w)². */
                @Differentiable
                static double rows(double[] w, @NoGrad double[][] data) {
                    double s = 0;
                    for (double[] row : data) {
                        double r = 0;
                        for (int j = 0; j < row.length; j++) r += row[j] * w[j];
                        s += r * r;
                    }
                    return s;
                }

                /** A rotation matrix as a literal with computed elements, applied twice. */
                @Differentiable
                static double rotate(double t, double px, double py) {
                    double c = Math.cos(t);
                    double sn = Math.sin(t);
                    double[][] r = {{c, -sn}, {sn, c}};
                    double[] p = {px, py};
                    double[][] q = new double[2][1];
                    for (int k = 0; k < 2; k++) {
                        for (int i = 0; i < 2; i++) {
                            q[i][0] = r[i][0] * p[0] + r[i][1] * p[1];
                        }
                        for (int i = 0; i < 2; i++) {
                            p[i] = q[i][0];
                        }
                    }
                    return p[0] * 3 + p[1] * p[1];
                }

                /** Forward recursion over a 2-D table (a dynamic programme), rows of length m. */
                @Differentiable
                static double table(double[] x, @NoGrad int m) {
                    int n = x.length;
                    double[][] d = new double[n + 1][m];
                    for (int j = 0; j < m; j++) {
                        d[0][j] = 1.0 + j;
                    }
                    for (int i = 1; i <= n; i++) {
                        d[i][0] = d[i - 1][0] * x[i - 1];
                        for (int j = 1; j < m; j++) {
                            d[i][j] = Math.max(d[i - 1][j] + x[i - 1], d[i][j - 1] * 0.5) + 0.1 * d[i - 1][j - 1];
                        }
                    }
                    return d[n][m - 1] + d[n][0];
                }

                /** Rotations about x by t, 2t, 3t, each a literal with zeros made in the loop, on (px, 1, px). */
                @Differentiable
                static double rotateAboutX(double t, double px) {
                    double[] p = {px, 1, px};
                    for (int k = 1; k <= 3; k++) {
                        double[][] r = {{1, 0, 0}, {0, Math.cos(k * t), -Math.sin(k * t)}, {0.0, Math.sin(k * t), Math.cos(k * t)}};
                        double[] q = {0, 0.0, px * 0};
                        for (int i = 0; i < 3; i++) {
                            for (int j = 0; j < 3; j++) {
                                q[i] += r[i][j] * p[j];
                            }
                        }
                        for (int i = 0; i < 3; i++) {
                            p[i] = q[i];
                        }
                    }
                    return p[0] * p[1] + p[2];
                }

                /** Constant columns of rows of a constant length: Σ a[i][0] a[i][1] = Σ x_i³. */
                @Differentiable
                static double constantColumns(double[] x) {
                    double[][] a = new double[x.length][2];
                    for (int i = 0; i < x.length; i++) {
                        a[i][0] = x[i];
                        a[i][1] = x[i] * x[i];
                    }
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        s += a[i][0] * a[i][1];
                    }
                    return s;
                }

                /** a[0][2] of rows of length 2: Java throws; the constant column keeps its check. */
                @Differentiable(verify = false)
                static double pastTheRowConstant(double[] x) {
                    double[][] a = new double[2][2];
                    a[0][0] = x[0];
                    a[1][0] = x[1];
                    return a[0][2] * x[0];
                }

                /** a[0][k] with k past the row: Java throws; the flat form must not read a[1][k - 2]. */
                @Differentiable(verify = false)
                static double pastTheRow(double[] x, @NoGrad int k) {
                    double[][] a = new double[2][2];
                    a[0][0] = x[0];
                    a[1][0] = x[1];
                    return a[0][k] * x[0];
                }
            }
            """;

    private static Generated compiled;

    private static Generated compile() {
        if (compiled == null) {
            compiled = Generated.compileWith(List.of("-Afluxion.verify=strict"), "demo.M", SOURCE);
        }
        return compiled;
    }

    @Test
    void everyMethodIsVerifiedAtCompileTime() {
        Compilation c = compile().compilation();
        assertTrue(c.notes().stream().noneMatch(d -> d.getMessage(null).contains("not verified")),
                c.notes().toString());
        // strict fails the build where a check is skipped: the compilation succeeded
        assertThat(c).succeededWithoutWarnings();
    }

    @Test
    void localMatrixWrittenInLoopsAndBranchesMatchesCentralDifferences() {
        Generated g = compile();
        Random rnd = new Random(4);
        for (int trial = 0; trial < 4; trial++) {
            double[] x = rnd.doubles(4, -1.2, 1.2).toArray();
            double[] grad = (double[]) Generated.get(g.call("demo.MGrad", "gramGrad", x, 4), "x");
            for (int i = 0; i < x.length; i++) {
                double[] up = x.clone();
                double[] down = x.clone();
                up[i] += H;
                down[i] -= H;
                double fd = (plain(g, "gram", up, 4) - plain(g, "gram", down, 4)) / (2 * H);
                assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)), "trial " + trial + " x[" + i + "]");
            }
            double[] v = rnd.doubles(4, -1, 1).toArray();
            Object r = g.call("demo.MGrad", "gramJvp", x, 4, v);
            double dot = 0;
            for (int i = 0; i < x.length; i++) {
                dot += grad[i] * v[i];
            }
            assertEquals(dot, (double) Generated.get(r, "tangent"), 1e-9 * Math.max(1, Math.abs(dot)));
            assertEquals(plain(g, "gram", x, 4), (double) Generated.get(r, "value"), 1e-12);
        }
    }

    /**
     * Regression: the flat form read {@code a[0][2]} of a 2×2 local as {@code a[1][0]} (index
     * 0·2 + 2), a value where Java throws; every path now fails with the index error instead.
     */
    @Test
    void aColumnPastItsRowThrowsAsJavaDoes() {
        Generated g = compile();
        double[] x = {0.5, 3.0};
        assertEquals(0.5 * 0.5, plain(g, "pastTheRow", x, 0), 0.0);
        for (String method : new String[] {"pastTheRow", "pastTheRowGrad"}) {
            AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> g.call("demo.MGrad", method, x, 2));
            // The generated code reports the index error with the user's line (M.java:138), as every
            // run-time error of generated code.
            assertTrue(e.getCause() instanceof dev.fluxion.FluxionException f && f.getMessage().contains("out of bounds")
                    && f.getMessage().contains("M.java:138"), method + ": " + e.getCause());
        }
        double[] grad = (double[]) Generated.get(g.call("demo.MGrad", "pastTheRowGrad", x, 0), "x");
        assertEquals(2 * 0.5, grad[0], 0.0);
        assertEquals(0.0, grad[1], 0.0);
    }

    /**
     * A literal's zero elements are not written (the new array holds them already), in both modes,
     * the literal made anew in a loop: rotations by t, 2t, 3t are one by 6t.
     */
    @Test
    void literalZerosInALoopGiveTheClosedForm() {
        Generated g = compile();
        double t = 0.3;
        double px = -0.8;
        double c = Math.cos(6 * t);
        double s = Math.sin(6 * t);
        double y = c - s * px;
        double z = s + c * px;
        Object r = g.call("demo.MGrad", "rotateAboutXGrad", t, px);
        assertEquals(px * y + z, (double) Generated.get(r, "value"), 1e-12);
        double dt = px * 6 * (-s - c * px) + 6 * (c - s * px);
        double dpx = y + px * -s + c;
        assertEquals(dt, (double) Generated.get(r, "t"), 1e-12);
        assertEquals(dpx, (double) Generated.get(r, "px"), 1e-12);
        Object j = g.call("demo.MGrad", "rotateAboutXJvp", t, px, 0.5, -2.0);
        assertEquals(0.5 * dt - 2 * dpx, (double) Generated.get(j, "tangent"), 1e-12);
        assertFalse(g.source("demo.MGrad").contains("r[1] = 0.0"), "a zero of the literal is written");
    }

    /** A constant column inside rows of a constant length reads without the row check; one past it keeps it. */
    @Test
    void constantColumnsNeedNoRowCheck() {
        Generated g = compile();
        double[] x = {0.5, -1.5, 2.0};
        Object r = g.call("demo.MGrad", "constantColumnsGrad", (Object) x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(3 * x[i] * x[i], ((double[]) Generated.get(r, "x"))[i], 1e-12);
        }
        assertFalse(g.source("demo.MGrad").contains("0 >= 0 && 0 < a_cols"), "a[i][0] of new double[n][2] is checked");
        for (String method : new String[] {"pastTheRowConstant", "pastTheRowConstantGrad"}) {
            AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> g.call("demo.MGrad", method, (Object) new double[] {1, 2}));
            assertTrue(e.getCause() instanceof dev.fluxion.FluxionException f && f.getMessage().contains("out of bounds"),
                    method + ": " + e.getCause());
        }
    }

    @Test
    void noGradMatrixDataGivesTheClosedFormGradient() {
        Generated g = compile();
        double[][] a = {{1, 2, -1}, {0.5, -3, 2}, {4, 0, 1}, {-1, 1, 1}};
        double[] y = {1, -2, 0.5, 3};
        double[] w = {0.3, -0.7, 1.1};
        Object r = g.call("demo.MGrad", "leastSquaresGrad", w, a, y);
        // ∇ = 2 Aᵀ (A w − y)
        double[] res = new double[a.length];
        double value = 0;
        for (int i = 0; i < a.length; i++) {
            res[i] = -y[i];
            for (int j = 0; j < w.length; j++) {
                res[i] += a[i][j] * w[j];
            }
            value += res[i] * res[i];
        }
        assertEquals(value, (double) Generated.get(r, "value"), 1e-12);
        double[] grad = (double[]) Generated.get(r, "w");
        for (int j = 0; j < w.length; j++) {
            double want = 0;
            for (int i = 0; i < a.length; i++) {
                want += 2 * a[i][j] * res[i];
            }
            assertEquals(want, grad[j], 1e-12, "w[" + j + "]");
        }
        assertTrue(g.source("demo.MGrad").contains("double[][] data"), "the signature keeps the user's type");
    }

    @Test
    void enhancedForOverNoGradRowsMatchesTheClosedForm() {
        Generated g = compile();
        double[][] a = {{1, 2}, {-0.5, 3}, {2, -1}};
        double[] w = {0.4, -0.3};
        double[] grad = (double[]) Generated.get(g.call("demo.MGrad", "rowsGrad", w, a), "w");
        for (int j = 0; j < 2; j++) {
            double want = 0;
            for (double[] row : a) {
                want += 2 * (row[0] * w[0] + row[1] * w[1]) * row[j];
            }
            assertEquals(want, grad[j], 1e-12, "w[" + j + "]");
        }
    }

    @Test
    void literalMatrixWithComputedElementsMatchesTheClosedForm() {
        Generated g = compile();
        double t = 0.4;
        double px = 1.3;
        double py = -0.6;
        Object r = g.call("demo.MGrad", "rotateGrad", t, px, py);
        // p' = R(2t) p: f = 3 (cos2t px − sin2t py) + (sin2t px + cos2t py)²
        double c2 = Math.cos(2 * t);
        double s2 = Math.sin(2 * t);
        double q1 = s2 * px + c2 * py;
        assertEquals(3 * (c2 * px - s2 * py) + q1 * q1, (double) Generated.get(r, "value"), 1e-12);
        double dq1 = 2 * (c2 * px - s2 * py);
        assertEquals(3 * (-2 * s2 * px - 2 * c2 * py) + 2 * q1 * dq1, (double) Generated.get(r, "t"), 1e-12);
        assertEquals(3 * c2 + 2 * q1 * s2, (double) Generated.get(r, "px"), 1e-12);
        assertEquals(-3 * s2 + 2 * q1 * c2, (double) Generated.get(r, "py"), 1e-12);
        Object j = g.call("demo.MGrad", "rotateJvp", t, px, py, 1.0, 0.0, 0.0);
        assertEquals((double) Generated.get(r, "t"), (double) Generated.get(j, "tangent"), 1e-12);
    }

    @Test
    void tableRecursionMatchesCentralDifferences() {
        Generated g = compile();
        double[] x = {0.9, -0.4, 1.3, 0.2, -1.1};
        double[] grad = (double[]) Generated.get(g.call("demo.MGrad", "tableGrad", x, 3), "x");
        for (int i = 0; i < x.length; i++) {
            double[] up = x.clone();
            double[] down = x.clone();
            up[i] += H;
            down[i] -= H;
            double fd = (plain(g, "table", up, 3) - plain(g, "table", down, 3)) / (2 * H);
            assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)), "x[" + i + "]");
        }
    }

    // ------------------------------------------------------------------ what stays unsupported

    private static final String HEADER = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Bad {
            """; // the class body starts on line 7

    private static void assertError(String body, String message, int line) {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Bad", HEADER + body + "}\n");
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining(message).inFile(src).onLine(line);
    }

    @Test
    void aDifferentiableMatrixParameterIsAnErrorNotAMissingGradient() {
        assertError("""
                @Differentiable static double f(double[][] x) {
                    return x[0][0];
                }
                """, "the double[][] parameter `x` cannot have a gradient yet (hint: mark it @NoGrad", 7);
    }

    @Test
    void aRowUsedAsAValueIsAnError() {
        assertError("""
                @Differentiable static double f(double x) {
                    double[][] a = new double[2][2];
                    a[0][1] = x;
                    double[] row = a[0];
                    return row[1];
                }
                """, "the row `a[0]` of a 2-D array used as a value is not supported", 10);
    }

    @Test
    void aRowAssignedIsAnError() {
        assertError("""
                @Differentiable static double f(double x) {
                    double[][] a = new double[2][2];
                    a[1] = new double[] {x, x};
                    return a[1][0];
                }
                """, "assigning the row `a[1]` of a 2-D array is not supported", 9);
    }

    @Test
    void raggedRowsAreAnError() {
        assertError("""
                @Differentiable static double f(double x) {
                    double[][] a = {{x, 1}, {2}};
                    return a[0][0];
                }
                """, "rows of different lengths", 8);
    }

    @Test
    void aMatrixSharedWithAnotherVariableIsOneError() {
        assertError("""
                @Differentiable static double f(double x) {
                    double[][] a = new double[2][2];
                    double[][] b = a;
                    b[0][0] = x;
                    return a[0][0];
                }
                """, "sharing the 2-D array `a` with `b` (rows cannot be shared", 9);
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Bad", HEADER + """
                @Differentiable static double f(double x) {
                    double[][] a = new double[2][2];
                    double[][] b = a;
                    b[0][0] = x;
                    return a[0][0];
                }
                }
                """);
        assertEquals(1, Generated.javac().compile(src).errors().size(), "one error, on the declaration");
    }

    @Test
    void aMatrixPassedAsAWholeIsAnError() {
        assertError("""
                @Differentiable static double g(double x, @NoGrad double[][] d) { return x * d[0][0]; }
                @Differentiable static double f(double x) {
                    double[][] a = new double[2][2];
                    return g(x, a);
                }
                """, "the 2-D array `a` used as a whole is not supported", 10);
    }

    @Test
    void theHintSaysHowToCopyARow() {
        assertError("""
                @Differentiable static double f(double x) {
                    double[][] a = new double[2][2];
                    a = new double[3][3];
                    return a[0][0] + x;
                }
                """, "copy a row element by element into a new double[]", 9);
    }

    private static double plain(Generated g, String name, Object... args) {
        for (java.lang.reflect.Method m : g.load("demo.M").getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                try {
                    m.setAccessible(true);
                    return (double) m.invoke(null, args);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError("no method " + name);
    }
}
