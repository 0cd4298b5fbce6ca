package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import org.junit.jupiter.api.Test;

/** {@code Module} methods: Parameter fields as leaves, nested Linear layers, accumulation. */
class ModuleGradientTest {
    private static final String MODEL = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.DType;
            import dev.fluxion.Parameter;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;
            import dev.fluxion.nn.Linear;
            import dev.fluxion.nn.Module;
            import java.util.Random;

            class LinearModel extends Module {
                final Parameter w = param(Tensor.of(new double[][] {{0.5}, {-1.0}}));
                final Parameter b = param(Tensor.of(0.25));
                final Parameter frozen = param(Tensor.of(2.0)).requiresGrad(false);

                @Differentiable
                Tensor forward(@NoGrad Tensor x) { return x.matmul(w).plus(b).times(frozen); }

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) { return mse(forward(x), y); }
            }

            class TwoLayer extends Module {
                final Linear fc1 = new Linear(2, 3, true, DType.FLOAT64, new Random(1));
                final Linear fc2 = new Linear(3, 1, true, DType.FLOAT64, new Random(2));

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = sigmoid(fc1.forward(x));
                    return mse(fc2.forward(h), y, dev.fluxion.Reduction.SUM);
                }
            }
            """;
    private static final Tensor X = Tensor.of(new double[][] {{1, 2}, {3, -1}, {0.5, 0.5}});
    private static final Tensor Y = Tensor.of(new double[][] {{1}, {0}, {2}});

    @Test
    void backwardAccumulatesIntoParameters() {
        Generated g = Generated.compile("demo.LinearModel", MODEL);
        Object model = g.instance("demo.LinearModel");
        Parameter w = (Parameter) Generated.field(model, "w");
        Parameter b = (Parameter) Generated.field(model, "b");
        Tensor loss = (Tensor) g.call("demo.LinearModelGrad", "lossBackward", model, X, Y);
        double[] expectedW = central(model, g, w, "demo.LinearModelGrad");
        double[] expectedB = central(model, g, b, "demo.LinearModelGrad");
        assertArrayEquals(expectedW, w.grad().toDoubleArray(), 1e-7);
        assertArrayEquals(expectedB, b.grad().toDoubleArray(), 1e-7);
        assertNull(((Parameter) Generated.field(model, "frozen")).grad(), "requiresGrad(false) gets nothing");
        assertEquals(loss.item(), ((Tensor) g.call("demo.LinearModelGrad", "loss", model, X, Y)).item(), 1e-12);
        g.call("demo.LinearModelGrad", "lossBackward", model, X, Y);
        for (int i = 0; i < expectedW.length; i++) {
            expectedW[i] *= 2;
        }
        assertArrayEquals(expectedW, w.grad().toDoubleArray(), 1e-7, "gradients accumulate until zeroGrad");
    }

    @Test
    void linearLayersAreDifferentiatedThrough() {
        Generated g = Generated.compile("demo.LinearModel", MODEL);
        Object model = g.instance("demo.TwoLayer");
        g.call("demo.TwoLayerGrad", "lossBackward", model, X, Y);
        for (String layer : new String[] {"fc1", "fc2"}) {
            Object linear = Generated.field(model, layer);
            for (String p : new String[] {"weight", "bias"}) {
                Parameter param = (Parameter) Generated.field(linear, p);
                assertArrayEquals(central(model, g, param, "demo.TwoLayerGrad"), param.grad().toDoubleArray(), 1e-7,
                        layer + "." + p);
            }
        }
    }

    private static double[] central(Object model, Generated g, Parameter p, String grad) {
        return GradientCheck.centralInParameter(p, () -> ((Tensor) g.call(grad, "loss", model, X, Y)).item());
    }
}
