package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fluxion.Tensor;
import dev.fluxion.nn.Module;
import dev.fluxion.Parameter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code fJacobian} of a Module's method with respect to its input (the parameters held fixed), by
 * columns through {@code fJvp}, against float64 central differences; the parameters' gradients are
 * left untouched.
 */
class ModuleJacobianTest {
    private static final String NET = """
            package demo;

            import static dev.fluxion.F.*;
            import dev.fluxion.DType;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.nn.Linear;
            import dev.fluxion.nn.Module;
            import java.util.Random;

            class Net extends Module {
                final Linear fc1 = new Linear(3, 4, true, DType.FLOAT64, new Random(4));
                final Linear fc2 = new Linear(4, 2, true, DType.FLOAT64, new Random(5));

                @Differentiable
                Tensor forward(Tensor x, double s) {
                    return fc2.forward(tanh(fc1.forward(x.times(s))));
                }
            }
            """;

    private static final double H = 1e-6;

    @Test
    void moduleJacobianMatchesCentralDifferencesAndLeavesGradientsAlone() {
        Generated g = Generated.compile("demo.Net", NET);
        Object net = g.instance("demo.Net");
        Random rnd = new Random(6);
        Tensor x = Tensor.randn(rnd, 5, 3).toDouble();
        double s = 0.8;
        Object r = g.call("demo.NetGrad", "forwardJacobian", net, x, s);
        Tensor jx = (Tensor) Generated.get(r, "x");
        Tensor js = (Tensor) Generated.get(r, "s");
        assertArrayEquals(new int[] {5, 2, 5, 3}, jx.shape());
        assertArrayEquals(new int[] {5, 2}, js.shape());
        ForwardModeTest.assertClose((Tensor) g.call("demo.NetGrad", "forward", net, x, s),
                (Tensor) Generated.get(r, "value"), 0);
        for (int e = 0; e < 15; e++) {
            double[] d = new double[15];
            d[e] = 1;
            Tensor dx = Tensor.fromArray(d, 5, 3);
            Tensor fd = ((Tensor) g.call("demo.NetGrad", "forward", net, x.plus(dx.times(H)), s))
                    .minus((Tensor) g.call("demo.NetGrad", "forward", net, x.minus(dx.times(H)), s)).div(2 * H);
            ForwardModeTest.assertClose(fd, jx.reshape(10, 15).slice(1, e, e + 1).reshape(5, 2), 1e-6);
        }
        Tensor fds = ((Tensor) g.call("demo.NetGrad", "forward", net, x, s + H))
                .minus((Tensor) g.call("demo.NetGrad", "forward", net, x, s - H)).div(2 * H);
        ForwardModeTest.assertClose(fds, js, 1e-6);
        for (Parameter p : ((Module) net).parameters()) {
            assertNull(p.grad(), "a Jacobian accumulates nothing into the parameters");
        }
    }
}
