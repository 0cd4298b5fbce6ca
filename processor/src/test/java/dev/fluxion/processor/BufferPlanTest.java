package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.DType;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Buffers planned at compile time ({@code write/BufferPlan}, off with {@code -Afluxion.fuse=false}):
 * a Module's {@code fBackward} is written in one body whose temporaries go into this thread's
 * reused buffers ({@code Planned.*}); the value it returns, a pullback {@code fVjp} returned and a
 * value that shares the result's storage are never overwritten by a later call; and the planned
 * and unplanned code give the same bits call after call (the buffers reused from the second call
 * on, and reallocated when the batch changes), on W1's, W2's and W3's models, float32 and float64
 * (float64 to the JIT bound of {@link GradientsInPlaceTest#assertSameBits}).
 */
class BufferPlanTest {
    private static final String SOURCE = """
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

            class Models extends Module {
                final Parameter w;
                final Parameter b;
                final Linear l1;
                final Linear l2;
                final Linear l3;

                Models(int in, DType dt) {
                    w = param(Tensor.randn(new Random(1), dt, in, 1));
                    b = param(Tensor.zeros(dt, 1));
                    l1 = new Linear(in, 6, true, dt, new Random(2));
                    l2 = new Linear(6, 4, true, dt, new Random(3));
                    l3 = new Linear(4, 1, true, dt, new Random(4));
                }

                @Differentiable
                Tensor line(@NoGrad Tensor x, @NoGrad Tensor y) {
                    return mse(x.matmul(w).plus(b), y);
                }

                @Differentiable
                Tensor logistic(@NoGrad Tensor x, @NoGrad Tensor y) {
                    return bce(sigmoid(x.matmul(w).plus(b)), y);
                }

                @Differentiable
                Tensor mlp(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h1 = sigmoid(l1.forward(x));
                    Tensor h2 = tanh(l2.forward(h1));
                    return bce(sigmoid(l3.forward(h2)), y);
                }

                /** Returns a view of a product: the product must not get a buffer. */
                @Differentiable
                Tensor viewOfProduct(@NoGrad Tensor x) {
                    Tensor z = x.matmul(w);
                    return z.reshape(1);
                }
            }
            """;

    private static Generated planned;
    private static Generated plain;

    private static synchronized void compile() {
        if (planned == null) {
            planned = Generated.compileWith(List.of("-Afluxion.verify=strict"), "demo.Models", SOURCE);
            plain = Generated.compileWith(List.of("-Afluxion.verify=strict", "-Afluxion.fuse=false"), "demo.Models", SOURCE);
        }
    }

    @Test
    void temporariesGoIntoPlannedBuffersAndTheValueDoesNot() {
        compile();
        String code = ElementwiseFusionTest.source(planned);
        assertTrue(code.contains("Tensor h1 = Planned.linearSigmoid(tapes, 0, x, l1_weight, l1_bias);"), code);
        assertTrue(code.contains("Planned.matmulGradA(tapes, "), code);
        assertTrue(code.contains("Planned.mseGradA(tapes, "), code);
        assertTrue(code.contains("Tensor result = F.bce("), code);
        assertTrue(code.contains("Tensor z = x.matmul(w);"), "the returned view's storage gets no buffer\n" + code);
        assertFalse(ElementwiseFusionTest.source(plain).contains("Planned."), "off with -Afluxion.fuse=false");
    }

    @Test
    void plannedAndUnplannedGiveTheSameBitsCallAfterCall() {
        compile();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (String method : new String[] {"line", "logistic", "mlp"}) {
                // W1's 500 points of one feature, W2's 4 of two, W3's 759 of eight; then another batch size.
                int[][] batches = method.equals("line") ? new int[][] {{500, 1}, {500, 1}, {37, 1}, {500, 1}}
                        : method.equals("logistic") ? new int[][] {{4, 2}, {4, 2}, {9, 2}, {4, 2}}
                        : new int[][] {{759, 8}, {759, 8}, {64, 8}, {759, 8}};
                Object a = planned.instance("demo.Models", batches[0][1], dt);
                Object b = plain.instance("demo.Models", batches[0][1], dt);
                Random rng = new Random(method.hashCode());
                Tensor previous = null;
                double previousValue = 0;
                for (int[] batch : batches) {
                    Tensor x = Tensor.randn(rng, dt, batch[0], batch[1]);
                    Tensor y = Tensor.rand(rng, dt, batch[0], 1);
                    Tensor va = (Tensor) planned.call("demo.ModelsGrad", method + "Backward", a, x, y);
                    Tensor vb = (Tensor) plain.call("demo.ModelsGrad", method + "Backward", b, x, y);
                    String what = dt + " " + method + " batch " + batch[0];
                    GradientsInPlaceTest.assertSameBits(vb, va, what + ": value");
                    for (String p : new String[] {"w", "b", "l1.weight", "l1.bias", "l2.weight", "l3.weight", "l3.bias"}) {
                        Tensor ga = parameter(a, p).grad();
                        Tensor gb = parameter(b, p).grad();
                        if (gb == null) {
                            assertEquals(null, ga, what + ": " + p);
                        } else {
                            GradientsInPlaceTest.assertSameBits(gb, ga, what + ": " + p);
                        }
                    }
                    if (previous != null) {
                        assertEquals(previousValue, previous.item(), 0.0, "a value returned earlier is not overwritten");
                    }
                    previous = va;
                    previousValue = va.item();
                }
            }
        }
    }

    @Test
    void aReturnedViewAndAnEscapedPullbackKeepTheirValues() {
        compile();
        Object model = planned.instance("demo.Models", 3, DType.FLOAT64);
        Tensor x1 = Tensor.of(new double[][] {{1, 2, 3}});
        Tensor x2 = Tensor.of(new double[][] {{-4, 5, 0.5}});
        Tensor v1 = (Tensor) planned.call("demo.ModelsGrad", "viewOfProductBackward", model, x1);
        double first = v1.item();
        planned.call("demo.ModelsGrad", "viewOfProductBackward", model, x2);
        assertEquals(first, v1.item(), 0.0, "the value returned by the first call");
        // A pullback the caller keeps saved its values on fresh storage: a later fBackward leaves them alone.
        Random rng = new Random(8);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 759, 8);
        Tensor y = Tensor.rand(rng, DType.FLOAT64, 759, 1);
        Object mlp = planned.instance("demo.Models", 8, DType.FLOAT64);
        Object pullback = planned.call("demo.ModelsGrad", "mlpVjp", mlp, x, y);
        Parameter w1 = parameter(mlp, "l1.weight");
        w1.clearGrad();
        Generated.invoke(pullback, "backward", Tensor.scalar(1.0, DType.FLOAT64));
        double[] expected = w1.grad().toDoubleArray();
        planned.call("demo.ModelsGrad", "mlpBackward", mlp, Tensor.randn(rng, DType.FLOAT64, 759, 8),
                Tensor.rand(rng, DType.FLOAT64, 759, 1));
        w1.clearGrad();
        Generated.invoke(pullback, "backward", Tensor.scalar(1.0, DType.FLOAT64));
        assertArrayEquals(expected, w1.grad().toDoubleArray(), 0.0, "the kept pullback's saved values");
    }

    @Test
    void plannedGradientsMatchCentralDifferencesOnTheThirdCall() {
        compile();
        Random rng = new Random(12);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 40, 8);
        Tensor y = Tensor.rand(rng, DType.FLOAT64, 40, 1);
        Object model = planned.instance("demo.Models", 8, DType.FLOAT64);
        for (int call = 0; call < 3; call++) {
            for (String p : new String[] {"l1.weight", "l1.bias", "l2.weight", "l3.weight"}) {
                parameter(model, p).clearGrad();
            }
            planned.call("demo.ModelsGrad", "mlpBackward", model, x, y);
        }
        for (String p : new String[] {"l1.weight", "l1.bias", "l2.weight", "l3.weight"}) {
            Parameter param = parameter(model, p);
            double[] expected = GradientCheck.centralInParameter(param,
                    () -> ((Tensor) planned.call("demo.ModelsGrad", "mlp", model, x, y)).item());
            assertArrayEquals(expected, param.grad().toDoubleArray(), 1e-7, p);
        }
    }

    private static Parameter parameter(Object model, String path) {
        Object o = model;
        for (String part : path.split("\\.")) {
            o = Generated.field(o, part);
        }
        return (Parameter) o;
    }
}
