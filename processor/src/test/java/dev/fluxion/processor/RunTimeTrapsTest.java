package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.FluxionException;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The mistakes a caller can make with generated code are errors that name the operation, the
 * shapes and the user's line, as PyTorch's are: a non-scalar result given to {@code fBackward}, a
 * cotangent of the wrong shape given to {@code backward(v)}, a null argument, an array argument
 * shorter than the method reads; and a Module method's gradient record says where the Parameters'
 * gradients went.
 */
class RunTimeTrapsTest {
    private static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.Parameter;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;
            import dev.fluxion.nn.Module;

            class Model extends Module {
                final Parameter w = param(Tensor.of(new double[] {2, -1}));

                @Differentiable
                Tensor scores(@NoGrad Tensor x) {
                    return x.times(w);
                }

                @Differentiable
                Tensor loss(@NoGrad Tensor x) {
                    return scores(x).square().sum();
                }
            }

            class Scalar {
                @Differentiable
                static double poly(double[] c, double x) {
                    return c[0] + c[1] * x + c[2] * x * x;
                }

                @Differentiable
                static Tensor scaled(Tensor x, double s) {
                    return x.times(s);
                }
            }

            class Probs {
                @Differentiable
                static Tensor bceLoss(Tensor p, @NoGrad Tensor y) {
                    return bce(p, y);
                }

                @Differentiable
                static Tensor chosen(@NoGrad Tensor mask, Tensor a, Tensor b) {
                    return where(mask, a, b).sum();
                }
            }
            """;

    private static Generated compile() {
        return Generated.compile("demo.Model", SOURCE);
    }

    @Test
    void backwardOnANonScalarResultIsRefusedAsPyTorchDoes() {
        Generated g = compile();
        Object model = g.instance("demo.Model");
        AssertionError e = assertThrows(AssertionError.class,
                () -> g.call("demo.ModelGrad", "scoresBackward", model, Tensor.of(new double[] {1, 3})));
        String m = e.getCause().getMessage();
        assertTrue(m.contains("scoresBackward: grad can be implicitly created only for scalar outputs")
                && m.contains("[2]") && m.contains("scoresVjp(...).backward(v)"), m);
        Parameter w = (Parameter) Generated.field(model, "w");
        assertEquals(null, w.grad(), "nothing was accumulated before the refusal");
    }

    @Test
    void aCotangentOfTheWrongShapeIsAMismatchInShape() {
        Generated g = compile();
        Object model = g.instance("demo.Model");
        Object pullback = g.call("demo.ModelGrad", "scoresVjp", model, Tensor.of(new double[] {1, 3}));
        AssertionError e = assertThrows(AssertionError.class,
                () -> Generated.invoke(pullback, "backward", Tensor.of(new double[] {1, 1, 1})));
        String m = e.getCause().getMessage();
        assertTrue(e.getCause() instanceof FluxionException, e.getCause().toString());
        assertTrue(m.contains("scoresVjp(...).backward: Mismatch in shape: the cotangent has a shape of [3]")
                && m.contains("value has a shape of [2]") && m.contains("at Model.java:14: @Differentiable Tensor scores(@NoGrad Tensor x)"), m);
        // The right shape still works: d(x·w)/dw with cotangent v is v·x.
        Generated.invoke(pullback, "backward", Tensor.of(new double[] {1, 1}));
        assertArrayEquals(new double[] {1, 3}, ((Parameter) Generated.field(model, "w")).grad().toDoubleArray(), 0);
    }

    @Test
    void aNullArgumentNamesTheParameterAndItsLine() {
        Generated g = compile();
        Object model = g.instance("demo.Model");
        for (String method : new String[] {"loss", "lossVjp", "lossGrad", "lossBackward"}) {
            AssertionError e = assertThrows(AssertionError.class,
                    () -> g.call("demo.ModelGrad", method, model, null));
            assertTrue(e.getCause() instanceof NullPointerException, method + ": " + e.getCause());
            String m = e.getCause().getMessage();
            assertTrue(m.contains(method + ": the argument x is null") && m.contains("Model.java:20: @NoGrad Tensor x"),
                    method + ": " + m);
        }
        AssertionError e = assertThrows(AssertionError.class,
                () -> g.call("demo.ModelGrad", "loss", null, Tensor.of(new double[] {1, 3})));
        assertTrue(e.getCause().getMessage().contains("loss: the model (the Model whose loss runs) is null"),
                e.getCause().getMessage());
        AssertionError s = assertThrows(AssertionError.class,
                () -> g.call("demo.ScalarGrad", "scaledGrad", null, 2.0));
        assertTrue(s.getCause().getMessage().contains("scaledGrad: the argument x is null"), s.getCause().getMessage());
    }

    @Test
    void anArrayArgumentTooShortNamesTheMethodAndTheLengths() {
        Generated g = compile();
        double[] c = {1, 2};
        AssertionError e = assertThrows(AssertionError.class, () -> g.call("demo.ScalarGrad", "poly", c, 3.0));
        assertTrue(e.getCause() instanceof FluxionException, e.getCause().toString());
        String m = e.getCause().getMessage();
        assertTrue(m.contains("poly: an array argument is shorter than the method reads (Index 2 out of bounds for length 2)")
                && m.contains("at Model.java:26: @Differentiable static double poly(double[] c, double x)"), m);
        AssertionError grad = assertThrows(AssertionError.class, () -> g.call("demo.ScalarGrad", "polyGrad", c, 3.0));
        assertTrue(grad.getCause().getMessage().contains("Index 2 out of bounds for length 2"), grad.getCause().getMessage());
        // The right length: 1 + 2·3 + 3·9 = 34, d/dx = 2 + 2·3·3 = 20.
        Object ok = g.call("demo.ScalarGrad", "polyGrad", new double[] {1, 2, 3}, 3.0);
        assertEquals(34.0, (double) Generated.get(ok, "value"), 0);
        assertEquals(20.0, (double) Generated.get(ok, "x"), 0);
        assertArrayEquals(new double[] {1, 3, 9}, (double[]) Generated.get(ok, "c"), 0);
    }

    @Test
    void aModuleMethodsGradientRecordSaysWhereTheParametersGradientsWent() {
        Generated g = compile();
        Object model = g.instance("demo.Model");
        Object record = g.call("demo.ModelGrad", "lossGrad", model, Tensor.of(new double[] {1, 3}));
        String text = record.toString();
        assertTrue(text.contains("the Parameters' gradients were accumulated into each Parameter's grad()"), text);
        // loss = Σ (x·w)², d/dw = 2·x²·w = [2·1·2, 2·9·(−1)].
        assertArrayEquals(new double[] {4, -18}, ((Parameter) Generated.field(model, "w")).grad().toDoubleArray(), 0);
        String source = g.source("demo.ModelGrad");
        assertTrue(source.contains("The gradients of the model's {@code Parameter}s are not components"), source);
    }

    @Test
    void aRuntimeTrapInsideDifferentiableCodeNamesTheOperationTheShapesAndTheUsersLine() {
        Generated g = compile();
        for (String method : new String[] {"bceLoss", "bceLossGrad"}) {
            AssertionError e = assertThrows(AssertionError.class,
                    () -> g.call("demo.ProbsGrad", method, Tensor.of(0.5, 1.5), Tensor.of(1.0, 0.0)));
            String m = e.getCause().getMessage();
            assertTrue(m.startsWith("bce: all elements of the input should be between 0 and 1, but the input of shape [2]")
                    && m.endsWith("\n  at Model.java:40: return bce(p, y);"), method + ": " + m);
        }
        AssertionError e = assertThrows(AssertionError.class, () -> g.call("demo.ProbsGrad", "chosenGrad",
                Tensor.of(1.0, 0.0), Tensor.of(1.0, 2.0), Tensor.of(3.0, 4.0)));
        String m = e.getCause().getMessage();
        assertTrue(m.startsWith("where: the mask must be a BOOL tensor (a comparison such as x.gt(0)), got FLOAT64 of shape [2]")
                && m.endsWith("\n  at Model.java:45: return where(mask, a, b).sum();"), m);
    }
}
