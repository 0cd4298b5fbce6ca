package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluxion.Jacobians;
import dev.fluxion.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code fJacobian}: forward (by columns) when the inputs are smaller than the value, reverse (by
 * rows) otherwise; both against float64 central differences, column by column.
 */
class JacobianTest {
    private static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class J {
                // 2 inputs → 6 outputs: forward.
                @Differentiable
                static Tensor arm(Tensor q, double scale) {
                    Tensor c = q.cos().times(scale);
                    Tensor s = q.sin().times(scale);
                    return cat(0, c, s, c.times(s));
                }

                // 12 inputs → 3 outputs: reverse.
                @Differentiable
                static Tensor layer(Tensor x, Tensor w, @NoGrad Tensor b) {
                    return tanh(x.matmul(w).plus(b));
                }

                @Differentiable
                static Tensor fromArray(double[] x, double y) {
                    Tensor t = stack(0, Tensor.scalar(x[0] * y), Tensor.scalar(x[1] + y), Tensor.scalar(Math.sin(x[2])));
                    return t.square();
                }
            }
            """;

    private static final double H = 1e-6;

    @Test
    void forwardAndReverseMatchCentralDifferences() {
        Generated g = Generated.compile("demo.J", SOURCE);
        Random rnd = new Random(9);
        Tensor q = Tensor.randn(rnd, 2).toDouble();
        double scale = 1.3;
        assertEquals(true, Jacobians.forward(Tensor.zeros(6), new Tensor[] {q, Tensor.scalar(scale)}));
        Object r = g.call("demo.JGrad", "armJacobian", q, scale);
        Tensor jq = (Tensor) Generated.get(r, "q");
        Tensor js = (Tensor) Generated.get(r, "scale");
        assertArrayEquals(new int[] {6, 2}, jq.shape());
        assertArrayEquals(new int[] {6}, js.shape());
        for (int e = 0; e < 2; e++) {
            Tensor dq = oneHot(2, e);
            Tensor fd = ((Tensor) g.call("demo.JGrad", "arm", q.plus(dq.times(H)), scale))
                    .minus((Tensor) g.call("demo.JGrad", "arm", q.minus(dq.times(H)), scale)).div(2 * H);
            ForwardModeTest.assertClose(fd, jq.slice(1, e, e + 1).reshape(6), 1e-6);
        }
        Tensor fds = ((Tensor) g.call("demo.JGrad", "arm", q, scale + H))
                .minus((Tensor) g.call("demo.JGrad", "arm", q, scale - H)).div(2 * H);
        ForwardModeTest.assertClose(fds, js, 1e-6);

        Tensor x = Tensor.randn(rnd, 2, 3).toDouble();
        Tensor w = Tensor.randn(rnd, 3, 2).toDouble();
        Tensor b = Tensor.randn(rnd, 2).toDouble();
        Object l = g.call("demo.JGrad", "layerJacobian", x, w, b);
        Tensor jx = (Tensor) Generated.get(l, "x");
        assertArrayEquals(new int[] {2, 2, 2, 3}, jx.shape());
        for (int e = 0; e < 6; e++) {
            Tensor dx = oneHot(6, e).reshape(2, 3);
            Tensor fd = ((Tensor) g.call("demo.JGrad", "layer", x.plus(dx.times(H)), w, b))
                    .minus((Tensor) g.call("demo.JGrad", "layer", x.minus(dx.times(H)), w, b)).div(2 * H);
            ForwardModeTest.assertClose(fd, jx.reshape(4, 6).slice(1, e, e + 1).reshape(2, 2), 1e-6);
        }
    }

    @Test
    void arrayAndScalarInputs() {
        Generated g = Generated.compile("demo.J", SOURCE);
        double[] x = {0.3, -1.2, 0.9};
        double y = 0.7;
        Object r = g.call("demo.JGrad", "fromArrayJacobian", x, y);
        Tensor jx = (Tensor) Generated.get(r, "x");
        assertArrayEquals(new int[] {3, 3}, jx.shape());
        // out = ((x0 y)², (x1 + y)², sin²(x2))
        double[] expected = {2 * x[0] * y * y, 0, 0, 0, 2 * (x[1] + y), 0, 0, 0, 2 * Math.sin(x[2]) * Math.cos(x[2])};
        assertArrayEquals(expected, jx.toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {2 * x[0] * x[0] * y, 2 * (x[1] + y), 0},
                ((Tensor) Generated.get(r, "y")).toDoubleArray(), 1e-12);
    }

    private static Tensor oneHot(int n, int i) {
        double[] a = new double[n];
        a[i] = 1;
        return Tensor.of(a);
    }
}
