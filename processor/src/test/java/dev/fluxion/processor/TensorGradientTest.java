package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Tensor methods end to end, against closed forms and float64 central differences. */
class TensorGradientTest {
    private static final String TOUR = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Tour {
                @Differentiable
                static Tensor attributes(Tensor x) {
                    Tensor y = x.plus(2);
                    Tensor z = y.times(y).times(3);
                    Tensor out = z.mean();
                    return out;
                }

                @Differentiable
                static Tensor affineSum(Tensor x) {
                    var y = x.times(2).plus(1);
                    return y.sum();
                }

                @Differentiable
                static Tensor softmaxT(Tensor x, @NoGrad double temperature) {
                    return softmax(x.div(temperature), 0);
                }

                @Differentiable
                static Tensor logistic(@NoGrad Tensor x, @NoGrad Tensor y, Tensor w, Tensor b) {
                    Tensor p = sigmoid(x.matmul(w).plus(b));
                    return y.times(log(p)).plus(y.rsub(1).times(log(p.rsub(1)))).mean().neg();
                }

                @Differentiable
                static Tensor mlp(@NoGrad Tensor x, @NoGrad Tensor y, Tensor w1, Tensor b1, Tensor w2, Tensor b2,
                                  Tensor w3, Tensor b3) {
                    Tensor h1 = sigmoid(x.matmul(w1).plus(b1));
                    Tensor h2 = sigmoid(h1.matmul(w2).plus(b2));
                    Tensor p = sigmoid(h2.matmul(w3).plus(b3));
                    return bce(p, y);
                }

                @Differentiable
                static Tensor scaled(Tensor x, double s) {
                    return x.times(s).sum();
                }
            }
            """;

    private static Generated tour() {
        return Generated.compile("demo.Tour", TOUR);
    }

    @Test
    void attributeTourGivesFourPointFive() {
        Generated g = tour();
        Object r = g.call("demo.TourGrad", "attributesGrad", Tensor.ones(2, 2).toDouble());
        assertEquals(27.0, ((Tensor) Generated.get(r, "value")).item(), 1e-12);
        assertArrayEquals(new double[] {4.5, 4.5, 4.5, 4.5}, ((Tensor) Generated.get(r, "x")).toDoubleArray(), 1e-12);
        Object pullback = g.call("demo.TourGrad", "attributesVjp", Tensor.ones(2, 2).toDouble());
        assertEquals("AttributesPullback[MeanBackward <- TimesBackward <- TimesBackward <- PlusBackward]",
                pullback.toString());
    }

    @Test
    void affineSumGivesTwos() {
        Object r = tour().call("demo.TourGrad", "affineSumGrad", Tensor.of(2.0, 3.0));
        assertArrayEquals(new double[] {2, 2}, ((Tensor) Generated.get(r, "x")).toDoubleArray(), 1e-12);
        assertEquals(12.0, ((Tensor) Generated.get(r, "value")).item(), 1e-12);
    }

    @Test
    void softmaxVjpMatchesClosedForm() {
        Generated g = tour();
        double[] x = {1, 2, 3};
        double[] v = {0.1, 1.0, 0.0001};
        Object pullback = g.call("demo.TourGrad", "softmaxTVjp", Tensor.of(x), 0.6);
        double[] s = ((Tensor) Generated.get(pullback, "value")).toDoubleArray();
        Object r = Generated.invoke(pullback, "backward", Tensor.of(v));
        double sv = 0;
        for (int i = 0; i < 3; i++) {
            sv += s[i] * v[i];
        }
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            expected[i] = s[i] * (v[i] - sv) / 0.6; // Jᵀv of softmax(x / T)
        }
        assertArrayEquals(expected, ((Tensor) Generated.get(r, "x")).toDoubleArray(), 1e-12);
        assertEquals(2, r.getClass().getRecordComponents().length, "value and x; temperature is @NoGrad");
    }

    @Test
    void logisticRegressionMatchesFiniteDifferences() {
        Generated g = tour();
        Tensor x = Tensor.of(new double[][] {{1, 1}, {1, 0}, {0, 1}, {0, 0}});
        Tensor y = Tensor.of(new double[][] {{0}, {1}, {0}, {1}});
        double[] w = {0.3, -0.2};
        double[] b = {0.1};
        Object r = g.call("demo.TourGrad", "logisticGrad", x, y, Tensor.fromArray(w, 2, 1), Tensor.fromArray(b, 1));
        assertArrayEquals(central(ww -> item(g.call("demo.TourGrad", "logistic", x, y, Tensor.fromArray(ww, 2, 1),
                Tensor.fromArray(b, 1))), w), ((Tensor) Generated.get(r, "w")).toDoubleArray(), 1e-7);
        assertArrayEquals(central(bb -> item(g.call("demo.TourGrad", "logistic", x, y, Tensor.fromArray(w, 2, 1),
                Tensor.fromArray(bb, 1))), b), ((Tensor) Generated.get(r, "b")).toDoubleArray(), 1e-7);
    }

    @Test
    void sigmoidMlpMatchesFiniteDifferences() {
        Generated g = tour();
        java.util.Random rng = new java.util.Random(7);
        Tensor x = Tensor.randn(rng, 5, 8).toDouble();
        Tensor y = Tensor.of(new double[][] {{0}, {1}, {1}, {0}, {1}});
        int[][] shapes = {{8, 6}, {6}, {6, 4}, {4}, {4, 1}, {1}};
        double[][] params = new double[6][];
        for (int i = 0; i < 6; i++) {
            params[i] = Tensor.randn(rng, shapes[i]).toDoubleArray();
        }
        Object r = g.call("demo.TourGrad", "mlpGrad", args(x, y, params, shapes));
        String[] names = {"w1", "b1", "w2", "b2", "w3", "b3"};
        for (int k = 0; k < 6; k++) {
            int which = k;
            double[] fd = central(p -> {
                double[][] copy = params.clone();
                copy[which] = p;
                return item(g.call("demo.TourGrad", "mlp", args(x, y, copy, shapes)));
            }, params[k]);
            assertArrayEquals(fd, ((Tensor) Generated.get(r, names[k])).toDoubleArray(), 1e-7, names[k]);
        }
    }

    @Test
    void differentiableDoubleOperandOfATensorOp() {
        Object r = tour().call("demo.TourGrad", "scaledGrad", Tensor.of(1.0, 2.0, 4.0), 3.0);
        assertEquals(7.0, (double) Generated.get(r, "s"), 1e-12);
        assertArrayEquals(new double[] {3, 3, 3}, ((Tensor) Generated.get(r, "x")).toDoubleArray(), 1e-12);
    }

    private static Object[] args(Tensor x, Tensor y, double[][] params, int[][] shapes) {
        Object[] out = new Object[2 + params.length];
        out[0] = x;
        out[1] = y;
        for (int i = 0; i < params.length; i++) {
            out[2 + i] = Tensor.fromArray(params[i], shapes[i]);
        }
        return out;
    }

    static double item(Object t) {
        assertTrue(t instanceof Tensor);
        return ((Tensor) t).item();
    }

    /** Central differences of {@code f} at {@code x}, step 1e-6, in float64. */
    static double[] central(Function<double[], Double> f, double[] x) {
        double h = 1e-6;
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[i] += h;
            minus[i] -= h;
            out[i] = (f.apply(plus) - f.apply(minus)) / (2 * h);
        }
        return out;
    }
}
