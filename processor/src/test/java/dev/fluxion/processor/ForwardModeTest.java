package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.Tensor;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@code fJvp}: value and directional derivative in one pass, against closed forms and float64
 * central differences of {@code f}, for straight-line code, loops, branches, {@code ?:}, early
 * return, break and continue, calls and tensor code.
 */
class ForwardModeTest {
    private static final String SCALAR = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class S {
                @Differentiable
                static double e(double a, double b) { return (a + b) * (b + 1); }

                @Differentiable
                static double smooth(double x, double y) {
                    double u = Math.exp(x) * Math.sin(y) / (1 + x * x);
                    return Math.log1p(u * u) + Math.pow(x, 3) - Math.sqrt(y * y + 1) + Math.atan2(y, x);
                }

                @Differentiable
                static float single(float x, @NoGrad float c) { return x * x * c + (float) Math.tanh(x); }

                @Differentiable
                static double rosenbrock(double[] x) {
                    double s = 0;
                    for (int i = 0; i + 1 < x.length; i++) {
                        double t = x[i + 1] - x[i] * x[i];
                        s += 100 * t * t + (1 - x[i]) * (1 - x[i]);
                    }
                    return s;
                }

                @Differentiable
                static double recurrence(double[] x) {
                    double y = 1;
                    for (int i = 0; i < x.length; i++) {
                        y = Math.sin(y) * x[i] + y;
                    }
                    return y;
                }

                @Differentiable
                static double branches(double x, double y) {
                    double r = x < 1 ? x * y : Math.sqrt(x) * y;
                    if (y > 0) {
                        r = r * r;
                    } else {
                        r = -r + x;
                    }
                    return r;
                }

                @Differentiable
                static double jumps(double[] x, double c) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        if (x[i] < 0) {
                            continue;
                        }
                        if (s > 10) {
                            break;
                        }
                        s = s * c + x[i] * x[i];
                    }
                    if (s > 5) {
                        return s / c;
                    }
                    return s * c;
                }

                @Differentiable
                static double caller(double x, double y) { return e(x, x * y) * x + smooth(y, x); }
            }
            """;

    private static final String TENSOR = """
            package demo;

            import static dev.fluxion.F.*;
            import dev.fluxion.Reduction;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class T {
                @Differentiable
                static Tensor layer(Tensor x, Tensor w, Tensor b) { return tanh(x.matmul(w).plus(b)); }

                @Differentiable
                static Tensor mlpLoss(Tensor w1, Tensor b1, Tensor w2, @NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = layer(x, w1, b1);
                    Tensor p = sigmoid(h.matmul(w2));
                    return mse(p, y).plus(w1.square().sum().times(0.01));
                }

                @Differentiable
                static Tensor mixed(Tensor x, double s) {
                    Tensor a = x.times(s).exp().div(x.square().plus(1.0));
                    Tensor b = softmax(a, 1).log().plus(x.pow(2.0).rsub(s));
                    Tensor c = where(x.gt(0.1), b, x.abs().sqrt());
                    return c.max(1).plus(c.logSumExp(0).sum()).mean().plus(c.norm()).minus(x.min().times(s));
                }

                @Differentiable
                static Tensor shapes(Tensor x, Tensor y) {
                    Tensor z = cat(0, x, y).reshape(3, 4).t().slice(0, 1, 3);
                    return z.sum(1).times(z.mean()).unsqueeze(0).expand(2, 2).transpose(0, 1)
                            .div(y.sum().plus(5.0)).logSoftmax(1).get(0).sum();
                }

                @Differentiable
                static Tensor loop(Tensor x, int n) {
                    Tensor h = x;
                    for (int i = 0; i < n; i++) {
                        h = h.times(h).plus(x).times(0.5);
                    }
                    return h.sum();
                }
            }
            """;

    private static final double H = 1e-6;

    @Test
    void straightLineScalarMatchesClosedForm() {
        Generated g = Generated.compile("demo.S", SCALAR);
        double a = 0.7;
        double b = -1.3;
        Object r = g.call("demo.SGrad", "eJvp", a, b, 2.0, -0.5);
        assertEquals((a + b) * (b + 1), (double) Generated.get(r, "value"), 1e-12);
        // ∂/∂a = b + 1, ∂/∂b = a + 2b + 1
        assertEquals(2.0 * (b + 1) - 0.5 * (a + 2 * b + 1), (double) Generated.get(r, "tangent"), 1e-12);
    }

    @Test
    void mathFunctionsMatchCentralDifferences() {
        Generated g = Generated.compile("demo.S", SCALAR);
        double x = 0.4;
        double y = 1.1;
        double dx = 0.3;
        double dy = -0.8;
        double fd = ((double) g.call("demo.SGrad", "smooth", x + H * dx, y + H * dy)
                - (double) g.call("demo.SGrad", "smooth", x - H * dx, y - H * dy)) / (2 * H);
        Object r = g.call("demo.SGrad", "smoothJvp", x, y, dx, dy);
        assertEquals(fd, (double) Generated.get(r, "tangent"), 1e-7);
        assertEquals((double) g.call("demo.SGrad", "smooth", x, y), (double) Generated.get(r, "value"), 0);
    }

    @Test
    void floatMethodHasAFloatTangent() {
        Generated g = Generated.compile("demo.S", SCALAR);
        Object r = g.call("demo.SGrad", "singleJvp", 0.5f, 3f, 2f);
        double expected = 2 * (2 * 0.5 * 3 + (1 - Math.pow(Math.tanh(0.5), 2)));
        assertEquals(expected, (float) Generated.get(r, "tangent"), 1e-5);
    }

    @Test
    void loopsMatchTheGradientDotDirection() {
        Generated g = Generated.compile("demo.S", SCALAR);
        Random rnd = new Random(7);
        for (String f : new String[] {"rosenbrock", "recurrence"}) {
            double[] x = rnd.doubles(6, -1, 1).toArray();
            double[] v = rnd.doubles(6, -1, 1).toArray();
            Object grad = g.call("demo.SGrad", f + "Grad", (Object) x);
            double[] gx = (double[]) Generated.get(grad, "x");
            double dot = 0;
            for (int i = 0; i < x.length; i++) {
                dot += gx[i] * v[i];
            }
            Object r = g.call("demo.SGrad", f + "Jvp", x, v);
            assertEquals(dot, (double) Generated.get(r, "tangent"), 1e-9 * Math.max(1, Math.abs(dot)), f);
            assertEquals((double) Generated.get(grad, "value"), (double) Generated.get(r, "value"), 1e-12, f);
            double fd = centralArray(x2 -> (double) g.call("demo.SGrad", f, (Object) x2), x, v);
            assertEquals(fd, (double) Generated.get(r, "tangent"), 1e-6 * Math.max(1, Math.abs(fd)), f);
        }
    }

    @Test
    void rosenbrockTangentMatchesClosedForm() {
        Generated g = Generated.compile("demo.S", SCALAR);
        double[] x = {1.2, -0.4, 0.8};
        double[] v = {1, 0, 0};
        Object r = g.call("demo.SGrad", "rosenbrockJvp", x, v);
        // ∂/∂x0 = -400 x0 (x1 - x0²) - 2 (1 - x0)
        assertEquals(-400 * 1.2 * (-0.4 - 1.44) - 2 * (1 - 1.2), (double) Generated.get(r, "tangent"), 1e-9);
    }

    @Test
    void branchesAndJumpsFollowThePathTaken() {
        Generated g = Generated.compile("demo.S", SCALAR);
        for (double[] p : new double[][] {{0.5, 2}, {4, 2}, {0.5, -2}, {4, -3}}) {
            double fd = (((double) g.call("demo.SGrad", "branches", p[0] + H * 0.7, p[1] - H * 0.2))
                    - (double) g.call("demo.SGrad", "branches", p[0] - H * 0.7, p[1] + H * 0.2)) / (2 * H);
            Object r = g.call("demo.SGrad", "branchesJvp", p[0], p[1], 0.7, -0.2);
            assertEquals(fd, (double) Generated.get(r, "tangent"), 1e-6 * Math.max(1, Math.abs(fd)));
        }
        double[][] xs = {{1, -2, 0.5, 2}, {3, 3, 3, 3, 3}, {0.1, 0.2}};
        for (double[] x : xs) {
            for (double c : new double[] {0.9, 1.5}) {
                double[] v = new double[x.length];
                java.util.Arrays.fill(v, 0.3);
                double fdx = centralArray(x2 -> (double) g.call("demo.SGrad", "jumps", x2, c), x, v);
                double fdc = ((double) g.call("demo.SGrad", "jumps", x, c + H) - (double) g.call("demo.SGrad", "jumps", x, c - H))
                        / (2 * H);
                Object r = g.call("demo.SGrad", "jumpsJvp", x, c, v, 2.0);
                double expected = fdx + 2 * fdc;
                assertEquals(expected, (double) Generated.get(r, "tangent"), 1e-5 * Math.max(1, Math.abs(expected)));
            }
        }
    }

    @Test
    void callsUseTheCalleesJvp() {
        Generated g = Generated.compile("demo.S", SCALAR);
        assertTrue(g.source("demo.SGrad").contains("SGrad.eJvp(") || g.source("demo.SGrad").contains(" eJvp("),
                g.source("demo.SGrad"));
        double x = 0.6;
        double y = 1.3;
        double fd = ((double) g.call("demo.SGrad", "caller", x + H * 0.5, y - H)
                - (double) g.call("demo.SGrad", "caller", x - H * 0.5, y + H)) / (2 * H);
        Object r = g.call("demo.SGrad", "callerJvp", x, y, 0.5, -1.0);
        assertEquals(fd, (double) Generated.get(r, "tangent"), 1e-6 * Math.max(1, Math.abs(fd)));
    }

    @Test
    void tensorCodeMatchesCentralDifferences() {
        Generated g = Generated.compile("demo.T", TENSOR);
        Random rnd = new Random(3);
        Tensor x = Tensor.randn(rnd, 4, 3).toDouble();
        Tensor w = Tensor.randn(rnd, 3, 5).toDouble();
        Tensor b = Tensor.randn(rnd, 5).toDouble();
        Tensor dx = Tensor.randn(rnd, 4, 3).toDouble();
        Tensor dw = Tensor.randn(rnd, 3, 5).toDouble();
        Tensor db = Tensor.randn(rnd, 5).toDouble();
        Object r = g.call("demo.TGrad", "layerJvp", x, w, b, dx, dw, db);
        Tensor fd = ((Tensor) g.call("demo.TGrad", "layer", x.plus(dx.times(H)), w.plus(dw.times(H)), b.plus(db.times(H))))
                .minus((Tensor) g.call("demo.TGrad", "layer", x.minus(dx.times(H)), w.minus(dw.times(H)), b.minus(db.times(H))))
                .div(2 * H);
        assertClose(fd, (Tensor) Generated.get(r, "tangent"), 1e-6);

        Tensor w2 = Tensor.randn(rnd, 5, 2).toDouble();
        Tensor y = Tensor.rand(rnd, 4, 2).toDouble();
        Tensor dw2 = Tensor.randn(rnd, 5, 2).toDouble();
        Object m = g.call("demo.TGrad", "mlpLossJvp", w, b, w2, x, y, dw, db, dw2);
        Tensor fm = ((Tensor) g.call("demo.TGrad", "mlpLoss", w.plus(dw.times(H)), b.plus(db.times(H)), w2.plus(dw2.times(H)), x, y))
                .minus((Tensor) g.call("demo.TGrad", "mlpLoss", w.minus(dw.times(H)), b.minus(db.times(H)), w2.minus(dw2.times(H)), x, y))
                .div(2 * H);
        assertClose(fm, (Tensor) Generated.get(m, "tangent"), 1e-6);

        Tensor xm = Tensor.rand(rnd, 3, 4).toDouble().plus(0.2);
        Tensor dxm = Tensor.randn(rnd, 3, 4).toDouble();
        double s = 0.7;
        Object mixed = g.call("demo.TGrad", "mixedJvp", xm, s, dxm, 0.4);
        Tensor fmix = ((Tensor) g.call("demo.TGrad", "mixed", xm.plus(dxm.times(H)), s + 0.4 * H))
                .minus((Tensor) g.call("demo.TGrad", "mixed", xm.minus(dxm.times(H)), s - 0.4 * H)).div(2 * H);
        assertClose(fmix, (Tensor) Generated.get(mixed, "tangent"), 1e-5);

        Tensor xs = Tensor.randn(rnd, 2, 4).toDouble();
        Tensor ys = Tensor.randn(rnd, 1, 4).toDouble();
        Tensor dxs = Tensor.randn(rnd, 2, 4).toDouble();
        Tensor dys = Tensor.randn(rnd, 1, 4).toDouble();
        Object sh = g.call("demo.TGrad", "shapesJvp", xs, ys, dxs, dys);
        Tensor fsh = ((Tensor) g.call("demo.TGrad", "shapes", xs.plus(dxs.times(H)), ys.plus(dys.times(H))))
                .minus((Tensor) g.call("demo.TGrad", "shapes", xs.minus(dxs.times(H)), ys.minus(dys.times(H)))).div(2 * H);
        assertClose(fsh, (Tensor) Generated.get(sh, "tangent"), 1e-6);

        Tensor xl = Tensor.rand(rnd, 3).toDouble();
        Tensor dxl = Tensor.randn(rnd, 3).toDouble();
        Object lp = g.call("demo.TGrad", "loopJvp", xl, 3, dxl);
        Tensor fl = ((Tensor) g.call("demo.TGrad", "loop", xl.plus(dxl.times(H)), 3))
                .minus((Tensor) g.call("demo.TGrad", "loop", xl.minus(dxl.times(H)), 3)).div(2 * H);
        assertClose(fl, (Tensor) Generated.get(lp, "tangent"), 1e-6);
    }


    private static final String HEADER = """
            package demo;

            import static dev.fluxion.F.*;
            import dev.fluxion.DType;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.nn.Linear;
            import dev.fluxion.nn.Module;
            import java.util.Random;

            """;

    private static final String BLK = HEADER + """
            class Blk extends Module {
                final Linear fc = new Linear(3, 2, true, DType.FLOAT64, new Random(4));

                @Differentiable
                Tensor forward(Tensor x) { return tanh(fc.forward(x)); }
            }
            """;

    private static final String TWO = HEADER + """
            class Two extends Module {
                final Blk b1 = new Blk();

                @Differentiable
                Tensor out(Tensor x, double s) { return b1.forward(x.times(s)).square().sum(); }
            }
            """;

    @Test
    void moduleMethodsDifferentiateTheirArgumentsWithParametersFixed() {
        Generated g = Generated.compileAll("demo.Blk", BLK, "demo.Two", TWO);
        Object net = g.instance("demo.Two");
        Random rnd = new Random(2);
        Tensor x = Tensor.randn(rnd, 4, 3).toDouble();
        Tensor dx = Tensor.randn(rnd, 4, 3).toDouble();
        double s = 0.8;
        Object r = g.call("demo.TwoGrad", "outJvp", net, x, s, dx, 0.5);
        Tensor fd = ((Tensor) g.call("demo.TwoGrad", "out", net, x.plus(dx.times(H)), s + 0.5 * H))
                .minus((Tensor) g.call("demo.TwoGrad", "out", net, x.minus(dx.times(H)), s - 0.5 * H)).div(2 * H);
        assertClose(fd, (Tensor) Generated.get(r, "tangent"), 1e-6);
    }

    static void assertClose(Tensor expected, Tensor actual, double tol) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()));
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * Math.max(1, Math.abs(e[i])), "element " + i);
        }
    }

    private static double[] plus(double[] x, double[] v, double h) {
        double[] out = x.clone();
        for (int i = 0; i < x.length; i++) {
            out[i] += h * v[i];
        }
        return out;
    }

    private static double centralArray(Function<double[], Double> f, double[] x, double[] v) {
        return (f.apply(plus(x, v, H)) - f.apply(plus(x, v, -H))) / (2 * H);
    }
}
