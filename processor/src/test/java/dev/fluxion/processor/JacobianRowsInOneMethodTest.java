package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code fJacobianReverse} of a {@code double[]} result whose forward pass keeps no tapes runs in
 * one method (the forward statements, then the backward statements once per row), with no
 * pullback object: every row against float64 central differences, against the vector-mode
 * {@code fJacobianForward}, and on the first and later calls of {@code fJacobian} (the first
 * measures the value's length through the pullback, later ones go straight to the rows).
 */
class JacobianRowsInOneMethodTest {
    private static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class B {
                // Bundle adjustment's reprojection: 15 inputs, 2 outputs, a branch on the rotation.
                @Differentiable
                static double[] project(double[] cam, double[] x, double w, @NoGrad double fx, @NoGrad double fy) {
                    double px = x[0] - cam[3];
                    double py = x[1] - cam[4];
                    double pz = x[2] - cam[5];
                    double sq = cam[0] * cam[0] + cam[1] * cam[1] + cam[2] * cam[2];
                    double qx = 0;
                    double qy = 0;
                    double qz = 0;
                    if (sq != 0) {
                        double theta = Math.sqrt(sq);
                        double c = Math.cos(theta);
                        double s = Math.sin(theta);
                        double w0 = cam[0] / theta;
                        double w1 = cam[1] / theta;
                        double w2 = cam[2] / theta;
                        double along = (w0 * px + w1 * py + w2 * pz) * (1 - c);
                        qx = px * c + (w1 * pz - w2 * py) * s + w0 * along;
                        qy = py * c + (w2 * px - w0 * pz) * s + w1 * along;
                        qz = pz * c + (w0 * py - w1 * px) * s + w2 * along;
                    } else {
                        qx = px + (cam[1] * pz - cam[2] * py);
                        qy = py + (cam[2] * px - cam[0] * pz);
                        qz = pz + (cam[0] * py - cam[1] * px);
                    }
                    double u = qx / qz;
                    double v = qy / qz;
                    double rsq = u * u + v * v;
                    double d = 1 + cam[9] * rsq + cam[10] * rsq * rsq;
                    double[] err = new double[2];
                    err[0] = w * (u * d * cam[6] + cam[7] - fx);
                    err[1] = w * (v * d * cam[6] + cam[8] - fy);
                    return err;
                }

                // An early return: the backward pass of each return consumes (nulls) its cotangent.
                @Differentiable
                static double[] early(double[] x, double t) {
                    double[] r = new double[3];
                    r[0] = x[0] * x[1] * t;
                    if (x[0] > 0) {
                        r[1] = x[1] * x[1] + t;
                        return r;
                    }
                    r[2] = Math.tanh(x[0] - x[2]) * t;
                    return r;
                }

                // Straight-line code returning a parameter's elements rearranged and scaled.
                @Differentiable
                static double[] swap(double[] x, double s) {
                    double[] out = new double[2];
                    out[0] = x[1] * s;
                    out[1] = Math.exp(x[0]) - s * s;
                    return out;
                }
            }
            """;

    private static Generated g;

    @BeforeAll
    static void compile() {
        g = Generated.compile("demo.B", SOURCE);
    }

    private static double[] call(String method, Object... args) {
        return (double[]) g.call("demo.BGrad", method, args);
    }

    /** The reverse Jacobian is written in one method: no pullback, no backward call, no gradient record. */
    @Test
    void theReverseJacobianRunsWithoutAPullback() {
        String source = g.source("demo.BGrad");
        for (String m : new String[] {"project", "early", "swap"}) {
            String body = methodBody(source, "Jacobian " + m + "JacobianReverse(");
            assertFalse(body.contains(m + "Vjp("), m + ": " + body);
            assertFalse(body.contains(".backward("), m + ": " + body);
            assertTrue(body.contains("for (int row = 0;"), m + ": " + body);
        }
    }

    @Test
    void projectRowsMatchCentralDifferencesAndTheForwardJacobian() {
        double[] cam = {-0.0335, 0.0451, 0.0301, 1.4541, 0.5412, -0.0141, 399.752, 0.1, -0.2, -3.178e-7, 5.882e-13};
        double[] still = cam.clone();
        still[0] = still[1] = still[2] = 0; // the first-order branch
        double[] x = {-0.6126, 0.5718, -1.8470};
        double w = 0.417022;
        for (double[] c : new double[][] {cam, still}) {
            double[][] fdCam = fd(v -> call("project", v, x, w, -332.65, 262.09), c);
            double[][] fdX = fd(v -> call("project", c, v, w, -332.65, 262.09), x);
            double[][] fdW = fd(v -> call("project", c, x, v[0], -332.65, 262.09), new double[] {w});
            // fJacobian twice: the first call goes through the pullback, the second straight to the rows
            for (String m : new String[] {"projectJacobian", "projectJacobian", "projectJacobianReverse",
                    "projectJacobianForward"}) {
                Object j = g.call("demo.BGrad", m, c, x, w, -332.65, 262.09);
                double[][] jCam = (double[][]) Generated.get(j, "cam");
                double[][] jX = (double[][]) Generated.get(j, "x");
                double[] jW = (double[]) Generated.get(j, "w");
                for (int row = 0; row < 2; row++) {
                    // the rotation's own differences cross the branch at zero: only the rest there
                    for (int k = c == still ? 3 : 0; k < 11; k++) {
                        assertClose(fdCam[row][k], jCam[row][k], m + " cam[" + row + "][" + k + "]");
                    }
                    for (int k = 0; k < 3; k++) {
                        assertClose(fdX[row][k], jX[row][k], m + " x[" + row + "][" + k + "]");
                    }
                    assertClose(fdW[row][0], jW[row], m + " w[" + row + "]");
                }
            }
        }
    }

    /**
     * Regression: the first one-method {@code fJacobianReverse} ran the backward statements on the
     * cotangent array itself; the backward of a {@code return} sets its cotangent to null once it
     * is consumed, so the second row failed with a NullPointerException. Each row now has its own
     * cotangent local.
     */
    @Test
    void aConsumedCotangentDoesNotBreakTheNextRow() {
        for (double[] x : new double[][] {{0.8, -0.3, 0.5}, {-0.6, 1.2, 0.1}}) {
            double t = 1.3;
            double[][] fdX = fd(v -> call("early", v, t), x);
            double[][] fdT = fd(v -> call("early", x, v[0]), new double[] {t});
            for (String m : new String[] {"earlyJacobianReverse", "earlyJacobian", "earlyJacobian"}) {
                Object j = g.call("demo.BGrad", m, x, t);
                double[][] jX = (double[][]) Generated.get(j, "x");
                double[] jT = (double[]) Generated.get(j, "t");
                assertEquals(3, jX.length);
                for (int row = 0; row < 3; row++) {
                    for (int k = 0; k < 3; k++) {
                        assertClose(fdX[row][k], jX[row][k], m + " x[" + row + "][" + k + "]");
                    }
                    assertClose(fdT[row][0], jT[row], m + " t[" + row + "]");
                }
            }
        }
    }

    @Test
    void swapRowsAreTheClosedForm() {
        double[] x = {0.4, -1.7};
        double s = 0.9;
        Object j = g.call("demo.BGrad", "swapJacobianReverse", x, s);
        double[][] jX = (double[][]) Generated.get(j, "x");
        double[] jS = (double[]) Generated.get(j, "s");
        assertEquals(0.0, jX[0][0], 0.0);
        assertEquals(s, jX[0][1], 1e-15);
        assertEquals(Math.exp(x[0]), jX[1][0], 1e-15);
        assertEquals(0.0, jX[1][1], 0.0);
        assertEquals(x[1], jS[0], 1e-15);
        assertEquals(-2 * s, jS[1], 1e-15);
    }

    /** The body of the generated method whose declaration contains {@code signature}. */
    private static String methodBody(String source, String signature) {
        int start = source.indexOf(signature);
        assertTrue(start >= 0, signature);
        int open = source.indexOf('{', start);
        int depth = 0;
        for (int i = open; i < source.length(); i++) {
            char ch = source.charAt(i);
            depth += ch == '{' ? 1 : ch == '}' ? -1 : 0;
            if (depth == 0) {
                return source.substring(open, i + 1);
            }
        }
        throw new AssertionError("unbalanced " + signature);
    }

    /** Row i, column k: ∂f_i/∂x_k by float64 central differences. */
    private static double[][] fd(Function<double[], double[]> f, double[] x) {
        int m = f.apply(x.clone()).length;
        double[][] out = new double[m][x.length];
        for (int k = 0; k < x.length; k++) {
            double h = 1e-6 * Math.max(1, Math.abs(x[k]));
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[k] += h;
            minus[k] -= h;
            double[] fp = f.apply(plus);
            double[] fm = f.apply(minus);
            for (int i = 0; i < m; i++) {
                out[i][k] = (fp[i] - fm[i]) / (2 * h);
            }
        }
        return out;
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-6 * (1 + Math.abs(expected)), what);
    }
}
