package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Methods returning {@code double[]}: {@code fVjp} (a cotangent array of the value's length),
 * {@code fJvp} (value and {@code J·v}), and {@code fJacobian} / {@code fJacobianForward} (all
 * columns in one vector-mode pass) / {@code fJacobianReverse} (rows through one pullback), each
 * against float64 central differences and, where there is one, the closed form; loops, branches
 * and early returns included.
 */
class ArrayResultTest {
    private static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class A {
                // A loop, a running sum written into a local array, a branch on the value.
                @Differentiable
                static double[] f(double[] q, double t) {
                    int n = q.length;
                    double[] out = new double[n + 1];
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += Math.sin(q[i] * t);
                        out[i] = s * q[i];
                    }
                    out[n] = s > 0 ? s * s : t;
                    return out;
                }

                // Polar to Cartesian: J = [[cos th, -r sin th], [sin th, r cos th]].
                @Differentiable
                static double[] polar(double r, double th) {
                    double[] p = new double[2];
                    p[0] = r * Math.cos(th);
                    p[1] = r * Math.sin(th);
                    return p;
                }

                // A planar arm of six links: joints 2, 4 and 6.
                @Differentiable
                static double[] arm(double[] q) {
                    double[] pose = new double[6];
                    double t = 0;
                    double x = 0;
                    double y = 0;
                    for (int k = 0; k < 6; k++) {
                        t += q[k];
                        x += (1 - 0.1 * k) * Math.cos(t);
                        y += (1 - 0.1 * k) * Math.sin(t);
                        if (k % 2 == 1) {
                            pose[k - 1] = x;
                            pose[k] = y;
                        }
                    }
                    return pose;
                }

                // An early return from a branch; an element overwritten.
                @Differentiable
                static double[] early(double[] x, @NoGrad double scale) {
                    double[] r = new double[3];
                    r[0] = x[0] * x[1];
                    r[0] = r[0] * scale + Math.exp(x[2]);
                    if (x[0] > 0) {
                        r[1] = x[1] * x[1];
                        return r;
                    }
                    r[2] = Math.tanh(x[0] - x[2]);
                    return r;
                }

                // An array updated in place over steps and returned, as GradBench's ode solver.
                @Differentiable
                static double[] decay(double[] x, @NoGrad int steps) {
                    double[] y = new double[x.length];
                    for (int i = 0; i < x.length; i++) {
                        y[i] = x[i];
                    }
                    for (int step = 0; step < steps; step++) {
                        for (int i = 0; i < x.length; i++) {
                            y[i] = y[i] - 0.1 * y[i] * x[i];
                        }
                    }
                    return y;
                }

                // A scratch array written, read back and overwritten, nested loops, a branch per element.
                @Differentiable
                static double[] scratch(double[] x) {
                    int n = x.length;
                    double[] w = new double[n];
                    for (int i = 0; i < n; i++) {
                        w[i] = Math.exp(x[i] * 0.5);
                    }
                    double[] out = new double[n];
                    for (int i = 0; i < n; i++) {
                        double acc = 0;
                        for (int j = 0; j <= i; j++) {
                            acc += w[j] * x[i - j];
                        }
                        w[i] = w[i] * acc;
                        out[i] = i % 2 == 0 ? acc : w[i] - acc;
                    }
                    return out;
                }

                // A data-dependent trip count, a local that reads itself, an int element.
                @Differentiable
                static double[] orbit(double x, double y) {
                    double[] out = new double[3];
                    double u = x;
                    int k = 0;
                    while (u < 10 && k < 20) {
                        u = u * 1.5 + Math.sin(y * u);
                        k++;
                    }
                    out[0] = u;
                    out[1] = u * y;
                    out[2] = k;
                    return out;
                }

                // A scalar result through a scratch array: fJvp over local array writes.
                @Differentiable
                static double scratchSum(double[] x) {
                    double[] w = new double[x.length];
                    for (int i = 0; i < x.length; i++) {
                        w[i] = x[i] * x[i];
                    }
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        s += w[i] * Math.sin(w[(i + 1) % x.length]);
                    }
                    return s;
                }

                // Five inputs, two outputs: fJacobian goes by rows.
                @Differentiable
                static double[] wide(double[] x) {
                    double[] out = new double[2];
                    double p = 1;
                    for (int i = 0; i < x.length; i++) {
                        out[0] += x[i] * x[i];
                        p *= Math.cos(x[i]);
                    }
                    out[1] = p;
                    return out;
                }
            }
            """;

    private static final double H = 1e-6;
    private static Generated g;

    @BeforeAll
    static void compile() {
        g = Generated.compile("demo.A", SOURCE);
    }

    private static double[] call(String method, Object... args) {
        return (double[]) g.call("demo.AGrad", method, args);
    }

    /**
     * Regression (found merging double[] results with forward mode through local array writes): a
     * method returning {@code double[]} got an {@code fHvp}/{@code fHessian} calling a directional
     * gradient that is never generated, so GradBench's {@code Ode} did not compile. A
     * Hessian-vector product needs a scalar result: none is generated for an array result.
     */
    @Test
    void anArrayResultGetsNoHessianVectorProduct() {
        java.util.Set<String> arrayResults = java.util.Set.of("f", "polar", "arm", "early", "decay", "scratch", "orbit", "wide");
        for (java.lang.reflect.Method m : g.load("demo.AGrad").getDeclaredMethods()) {
            String base = m.getName().replaceAll("(Hvp|Hessian)$", "");
            assertTrue(base.equals(m.getName()) || !arrayResults.contains(base), m.toString());
        }
        // y_k = x·(1 − 0.1x)^k elementwise: dy/dx = (1 − 0.1x)^k − 0.1·k·x·(1 − 0.1x)^(k−1) on the diagonal.
        double[] x = {0.3, -0.7};
        double[][] j = (double[][]) Generated.get(g.call("demo.AGrad", "decayJacobian", x, 3), "x");
        for (int i = 0; i < x.length; i++) {
            double r = 1 - 0.1 * x[i];
            assertEquals(Math.pow(r, 3) - 0.3 * x[i] * r * r, j[i][i], 1e-12);
            assertEquals(0.0, j[i][1 - i], 0.0);
        }
    }

    @Test
    void jacobianOfLoopAndBranchMatchesCentralDifferencesBothWays() {
        Random rnd = new Random(3);
        for (double t : new double[] {0.7, -2.3}) { // both sides of the branch on s
            double[] q = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
            double[][] fdQ = fdArray(x -> call("f", x, t), q);
            double[] fdT = fdScalar(s -> call("f", q, s), t);
            for (String m : new String[] {"fJacobian", "fJacobianForward", "fJacobianReverse"}) {
                Object j = g.call("demo.AGrad", m, q, t);
                assertArrayEquals(call("f", q, t), (double[]) Generated.get(j, "value"), 0);
                assertClose(fdQ, (double[][]) Generated.get(j, "q"), m + " q, t=" + t);
                assertClose(new double[][] {fdT}, new double[][] {(double[]) Generated.get(j, "t")}, m + " t");
            }
        }
    }

    @Test
    void polarJacobianIsTheClosedForm() {
        double r = 1.7;
        double th = 0.4;
        for (String m : new String[] {"polarJacobian", "polarJacobianForward", "polarJacobianReverse"}) {
            Object j = g.call("demo.AGrad", m, r, th);
            assertArrayEquals(new double[] {Math.cos(th), Math.sin(th)}, (double[]) Generated.get(j, "r"), 1e-15, m);
            assertArrayEquals(new double[] {-r * Math.sin(th), r * Math.cos(th)}, (double[]) Generated.get(j, "th"),
                    1e-15, m);
        }
    }

    @Test
    void armJacobianIsTheClosedForm() {
        double[] q = {0.3, -0.5, 0.9, 0.2, -1.1, 0.6};
        double[][] expected = armByHand(q);
        for (String m : new String[] {"armJacobian", "armJacobianForward", "armJacobianReverse"}) {
            Object j = g.call("demo.AGrad", m, (Object) q);
            double[][] jq = (double[][]) Generated.get(j, "q");
            for (int i = 0; i < 6; i++) {
                assertArrayEquals(expected[i], jq[i], 1e-14, m + " row " + i);
            }
        }
        // A second call reuses the measured value length: still the same Jacobian.
        double[][] again = (double[][]) Generated.get(g.call("demo.AGrad", "armJacobian", (Object) q), "q");
        assertArrayEquals(expected[5], again[5], 1e-14);
    }

    @Test
    void earlyReturnAndWideMethodsMatchCentralDifferences() {
        for (double[] x : new double[][] {{0.8, -0.3, 0.5}, {-0.6, 1.2, 0.1}}) {
            double[][] fd = fdArray(v -> call("early", v, 1.5), x);
            for (String m : new String[] {"earlyJacobian", "earlyJacobianForward", "earlyJacobianReverse"}) {
                assertClose(fd, (double[][]) Generated.get(g.call("demo.AGrad", m, x, 1.5), "x"), m);
            }
        }
        double[] x = {0.3, -1.1, 0.7, 2.0, -0.4};
        double[][] fd = fdArray(v -> call("wide", v), x);
        for (String m : new String[] {"wideJacobian", "wideJacobianForward", "wideJacobianReverse"}) {
            double[][] j = (double[][]) Generated.get(g.call("demo.AGrad", m, (Object) x), "x");
            assertEquals(2, j.length);
            assertClose(fd, j, m);
        }
    }

    @Test
    void scratchArraysAndWhileLoopsMatchCentralDifferences() {
        double[] x = {0.3, -0.7, 1.1, 0.2};
        double[][] fd = fdArray(v -> call("scratch", v), x);
        for (String m : new String[] {"scratchJacobian", "scratchJacobianForward", "scratchJacobianReverse"}) {
            assertClose(fd, (double[][]) Generated.get(g.call("demo.AGrad", m, (Object) x), "x"), m);
        }
        double[] dx = {0.5, -1.0, 0.25, 2.0};
        double[] tangent = (double[]) Generated.get(g.call("demo.AGrad", "scratchJvp", x, dx), "tangent");
        for (int i = 0; i < fd.length; i++) {
            double jv = 0;
            for (int k = 0; k < dx.length; k++) {
                jv += fd[i][k] * dx[k];
            }
            assertEquals(jv, tangent[i], 1e-6 * (1 + Math.abs(jv)), "scratchJvp [" + i + "]");
        }
        for (double x0 : new double[] {0.4, 2.0, 12.0}) { // several trip counts, and none
            double y = 0.8;
            double[] fdX = fdScalar(v -> call("orbit", v, y), x0);
            double[] fdY = fdScalar(v -> call("orbit", x0, v), y);
            for (String m : new String[] {"orbitJacobian", "orbitJacobianForward", "orbitJacobianReverse"}) {
                Object j = g.call("demo.AGrad", m, x0, y);
                assertClose(new double[][] {fdX, fdY}, new double[][] {(double[]) Generated.get(j, "x"),
                        (double[]) Generated.get(j, "y")}, m + " at x=" + x0);
                assertEquals(0.0, ((double[]) Generated.get(j, "x"))[2], 0.0, "the trip count has no derivative");
            }
        }
    }

    @Test
    void forwardModeThroughALocalArrayOfAScalarMethod() {
        double[] x = {0.7, -0.4, 1.2};
        double[] v = {1.0, -0.5, 0.25};
        double[] grad = (double[]) Generated.get(g.call("demo.AGrad", "scratchSumGrad", (Object) x), "x");
        double[] fdGrad = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            double[] e = new double[x.length];
            e[k] = 1;
            fdGrad[k] = ((double) g.call("demo.AGrad", "scratchSum", (Object) add(x, e, H))
                    - (double) g.call("demo.AGrad", "scratchSum", (Object) add(x, e, -H))) / (2 * H);
        }
        assertArrayEquals(fdGrad, grad, 1e-6);
        double dot = 0;
        for (int k = 0; k < x.length; k++) {
            dot += fdGrad[k] * v[k];
        }
        Object jvp = g.call("demo.AGrad", "scratchSumJvp", x, v);
        assertEquals((double) g.call("demo.AGrad", "scratchSum", (Object) x), (double) Generated.get(jvp, "value"), 0);
        assertEquals(dot, (double) Generated.get(jvp, "tangent"), 1e-6);
    }

    @Test
    void vjpPullsACotangentArrayBackAndChecksItsLength() throws Exception {
        double[] q = {0.4, -0.9, 1.3};
        double t = 0.8;
        Object pullback = g.call("demo.AGrad", "fVjp", q, t);
        double[] v = {0.5, -1.0, 2.0, 0.25};
        Object grad = Generated.invoke(pullback, "backward", v);
        double[][] fdQ = fdArray(x -> call("f", x, t), q);
        double[] fdT = fdScalar(s -> call("f", q, s), t);
        double[] vq = new double[q.length];
        double vt = 0;
        for (int i = 0; i < v.length; i++) {
            for (int k = 0; k < q.length; k++) {
                vq[k] += v[i] * fdQ[i][k];
            }
            vt += v[i] * fdT[i];
        }
        assertArrayEquals(vq, (double[]) Generated.get(grad, "q"), 1e-6);
        assertEquals(vt, (double) Generated.get(grad, "t"), 1e-6);
        assertArrayEquals(new double[] {0.5, -1.0, 2.0, 0.25}, v, 0, "the cotangent is not changed");
        // The pullback runs again with the same result.
        assertArrayEquals((double[]) Generated.get(grad, "q"),
                (double[]) Generated.get(Generated.invoke(pullback, "backward", v), "q"), 0);
        Throwable wrong = assertThrows(InvocationTargetException.class,
                () -> pullback.getClass().getMethod("backward", double[].class).invoke(pullback, (Object) new double[3]))
                .getCause();
        assertTrue(wrong.getMessage().contains("fVjp(...).backward: the cotangent has length 3 and f's value has length 4"),
                wrong.getMessage());
        assertTrue(wrong.getMessage().contains("A.java:"), wrong.getMessage());
        assertEquals("dev.fluxion.FluxionException", wrong.getClass().getName());
    }

    @Test
    void jvpGivesJacobianTimesDirection() {
        double[] q = {0.4, -0.9, 1.3};
        double t = -0.6;
        double[] dq = {1.0, 0.5, -2.0};
        double dt = 0.3;
        Object r = g.call("demo.AGrad", "fJvp", q, t, dq, dt);
        assertArrayEquals(call("f", q, t), (double[]) Generated.get(r, "value"), 0);
        double[] plus = call("f", add(q, dq, H), t + H * dt);
        double[] minus = call("f", add(q, dq, -H), t - H * dt);
        double[] fd = new double[plus.length];
        for (int i = 0; i < fd.length; i++) {
            fd[i] = (plus[i] - minus[i]) / (2 * H);
        }
        assertArrayEquals(fd, (double[]) Generated.get(r, "tangent"), 1e-6);
    }

    /** The arm's Jacobian from its cumulative angles: ∂x_j/∂q_i = −Σ_{i≤k≤j} l_k sin θ_k, ∂y_j/∂q_i = Σ l_k cos θ_k. */
    static double[][] armByHand(double[] q) {
        double[][] j = new double[6][6];
        double[] theta = new double[6];
        double t = 0;
        for (int k = 0; k < 6; k++) {
            t += q[k];
            theta[k] = t;
        }
        for (int r = 0; r < 3; r++) {
            int end = 2 * r + 1;
            for (int i = 0; i <= end; i++) {
                for (int k = i; k <= end; k++) {
                    j[2 * r][i] -= (1 - 0.1 * k) * Math.sin(theta[k]);
                    j[2 * r + 1][i] += (1 - 0.1 * k) * Math.cos(theta[k]);
                }
            }
        }
        return j;
    }

    private static double[][] fdArray(Function<double[], double[]> f, double[] x) {
        int m = f.apply(x).length;
        double[][] j = new double[m][x.length];
        for (int k = 0; k < x.length; k++) {
            double[] e = new double[x.length];
            e[k] = 1;
            double[] plus = f.apply(add(x, e, H));
            double[] minus = f.apply(add(x, e, -H));
            for (int i = 0; i < m; i++) {
                j[i][k] = (plus[i] - minus[i]) / (2 * H);
            }
        }
        return j;
    }

    private static double[] fdScalar(Function<Double, double[]> f, double x) {
        double[] plus = f.apply(x + H);
        double[] minus = f.apply(x - H);
        double[] out = new double[plus.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (plus[i] - minus[i]) / (2 * H);
        }
        return out;
    }

    private static double[] add(double[] x, double[] d, double h) {
        double[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += h * d[i];
        }
        return out;
    }

    private static void assertClose(double[][] expected, double[][] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": rows");
        for (int i = 0; i < expected.length; i++) {
            for (int k = 0; k < expected[i].length; k++) {
                double e = expected[i][k];
                assertEquals(e, actual[i][k], 1e-6 * (1 + Math.abs(e)), what + " [" + i + "][" + k + "]");
            }
        }
    }
}
