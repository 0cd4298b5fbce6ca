package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.Tensor;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Loops, branches, early returns and plain Java numeric code, run from generated code and
 * compared with closed forms and float64 central differences.
 */
class ControlFlowTest {
    private static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Flow {
                @Differentiable
                static Tensor grow(Tensor x) {
                    Tensor y = x.times(2);
                    while (y.norm().item() < 1000) {
                        y = y.times(2);
                    }
                    return y;
                }

                @Differentiable
                static double cube(double x) {
                    double t = 1;
                    for (int i = 0; i < 3; i++) {
                        t *= x;
                    }
                    return t;
                }

                @Differentiable
                static double ninth(double x) {
                    double t = 1;
                    for (int i = 0; i < 3; i++) {
                        for (int j = 0; j < 3; j++) {
                            t = t * x;
                        }
                    }
                    return t;
                }

                @Differentiable
                static double rosenbrock(double[] x) {
                    double s = 0;
                    for (int i = 0; i + 1 < x.length; i++) {
                        double a = x[i + 1] - x[i] * x[i];
                        double b = 1 - x[i];
                        s += 100 * a * a + b * b;
                    }
                    return s;
                }

                /** Sums x[i]² over i < n, skipping odd i, stopping at a negative element. */
                @Differentiable
                static double jumps(double[] x) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        if (x[i] < 0) {
                            break;
                        }
                        if (i % 2 == 1) {
                            continue;
                        }
                        s += x[i] * x[i];
                    }
                    return s;
                }

                @Differentiable
                static double twoReturns(double x) {
                    if (x < 0) {
                        return -x * x;
                    }
                    double y = Math.sqrt(x);
                    if (y > 2) {
                        return y * x;
                    }
                    return Math.sin(x) + y;
                }

                @Differentiable
                static double branchInLoop(double x, double[] w) {
                    double acc = x;
                    for (int i = 0; i < w.length; i++) {
                        if (acc > 1) {
                            acc = acc * w[i];
                        } else {
                            acc = Math.exp(acc) + w[i];
                        }
                    }
                    return acc;
                }

                @Differentiable
                static double safeSqrt(double x) {
                    return x < 1 ? x : Math.sqrt(x);
                }

                @Differentiable
                static double doLoop(double x) {
                    double y = x;
                    int n = 0;
                    do {
                        y = y * 0.5 + Math.sin(y);
                        n++;
                    } while (n < 4);
                    return y;
                }

                @Differentiable
                static double square(double w) {
                    return w * w;
                }

                @Differentiable
                static double callsInLoop(double x) {
                    double s = 0;
                    double y = x;
                    for (int i = 0; i < 3; i++) {
                        if (i != 1) {
                            y = square(y) * 0.5;
                        }
                        s += y;
                    }
                    return s;
                }

                @Differentiable
                static double floats(float a, @NoGrad double[] xs) {
                    float s = 0;
                    for (int i = 0; i < xs.length; i++) {
                        s += a * (float) xs[i];
                    }
                    return s;
                }

                @Differentiable
                static double sgdLoss(double w, @NoGrad double x, @NoGrad double y) {
                    double r = w * x - y;
                    return r * r;
                }

                @Differentiable
                static Tensor squash(Tensor u) { return tanh(u).times(1.5); }

                @Differentiable
                static Tensor squashThrice(Tensor x) {
                    Tensor h = x;
                    for (int i = 0; i < 3; i++) {
                        h = squash(h);
                    }
                    return h;
                }
            }
            """;

    private static Generated generated;

    private static synchronized Generated g() {
        if (generated == null) {
            generated = Generated.compile("demo.Flow", SOURCE);
            String dump = System.getenv("FLUXION_DUMP_DIR"); // to read the generated code
            if (dump != null) {
                try {
                    java.nio.file.Files.writeString(java.nio.file.Path.of(dump, "FlowGrad.java"),
                            generated.source("demo.FlowGrad"));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        return generated;
    }

    private static double grad1(String method, double x) {
        return (double) Generated.get(g().call("demo.FlowGrad", method + "Grad", x), "x");
    }

    private static double central(DoubleUnaryOperator f, double x) {
        double h = 1e-6;
        return (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
    }

    @Test
    void whileLoopOnANormDoublesTheCotangentEachTrip() {
        double[] v = {0.1, 1.0, 0.0001};
        for (double scale : new double[] {1, 7, 60, 300}) {
            double[] x = {scale, 2 * scale, -0.5 * scale};
            double norm = 2 * Math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
            double factor = 2;
            while (norm < 1000) {
                norm *= 2;
                factor *= 2;
            }
            Object pullback = g().call("demo.FlowGrad", "growVjp", Tensor.of(x));
            Tensor value = (Tensor) Generated.get(pullback, "value");
            assertArrayEquals(new double[] {factor * x[0], factor * x[1], factor * x[2]}, value.toDoubleArray(), 1e-9);
            Object grads = Generated.invoke(pullback, "backward", Tensor.of(v));
            double[] gx = ((Tensor) Generated.get(grads, "x")).toDoubleArray();
            assertArrayEquals(new double[] {factor * v[0], factor * v[1], factor * v[2]}, gx, 1e-9 * factor);
        }
    }

    /**
     * A Tensor-valued call in a loop: the old value and the old pullback share the object tape and
     * must be popped in the reverse of the order they were pushed.
     */
    @Test
    void tensorCallInALoopChainsEveryTrip() {
        double[] x = {-0.7, 0.2, 1.1};
        double[] v = {1.0, -2.0, 0.5};
        Object pullback = g().call("demo.FlowGrad", "squashThriceVjp", Tensor.of(x));
        Object grad = Generated.invoke(pullback, "backward", Tensor.of(v));
        double[] got = ((Tensor) Generated.get(grad, "x")).toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            double h = x[i];
            double d = 1;
            for (int trip = 0; trip < 3; trip++) {
                double t = Math.tanh(h);
                d *= 1.5 * (1 - t * t); // (1.5 tanh u)' = 1.5 (1 - tanh² u)
                h = 1.5 * t;
            }
            assertEquals(v[i] * d, got[i], 1e-12);
        }
    }

    @Test
    void productLoopsGiveThePowerRule() {
        for (double x : new double[] {-1.5, 0.3, 2}) {
            assertEquals(3 * x * x, grad1("cube", x), 1e-12);
            assertEquals(x * x * x, (double) g().call("demo.FlowGrad", "cube", x), 1e-12);
            assertEquals(9 * Math.pow(x, 8), grad1("ninth", x), 1e-9 * Math.max(1, Math.pow(x, 8)));
        }
    }

    @Test
    void rosenbrockMatchesItsClosedForm() {
        double[] x = new double[10];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(1.3 * i) + 0.2;
        }
        Object r = g().call("demo.FlowGrad", "rosenbrockGrad", (Object) x);
        double[] gx = (double[]) Generated.get(r, "x");
        double[] want = new double[x.length];
        double value = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            value += 100 * a * a + b * b;
            want[i] += -400 * x[i] * a - 2 * b;
            want[i + 1] += 200 * a;
        }
        assertEquals(value, (double) Generated.get(r, "value"), 1e-12);
        assertArrayEquals(want, gx, 1e-10);
    }

    @Test
    void breakAndContinueFollowThePathTaken() {
        double[][] inputs = {{1, 2, 3, 4, 5}, {1, 2, 3, -4, 5}, {-1, 2}, {3, 1, -2, 4}};
        for (double[] x : inputs) {
            double[] gx = (double[]) Generated.get(g().call("demo.FlowGrad", "jumpsGrad", (Object) x.clone()), "x");
            double[] want = new double[x.length];
            for (int i = 0; i < x.length && x[i] >= 0; i++) {
                if (i % 2 == 0) {
                    want[i] = 2 * x[i];
                }
            }
            assertArrayEquals(want, gx, 0);
        }
    }

    @Test
    void everyReturnPathAgreesWithCentralDifferences() {
        DoubleUnaryOperator f = x -> (double) g().call("demo.FlowGrad", "twoReturns", x);
        for (double x : new double[] {-2, -0.5, 0.7, 3, 5, 9}) {
            assertEquals(central(f, x), grad1("twoReturns", x), 1e-6, "at " + x);
        }
        assertEquals(-(-2.0) * (-2.0), f.applyAsDouble(-2), 1e-12);
    }

    @Test
    void branchInsideALoopReplaysEachIterationsChoice() {
        double[] w = {0.5, 3, -1, 2};
        for (double x0 : new double[] {-1, 0.2, 0.9, 1.5, 4}) {
            DoubleUnaryOperator f = x -> (double) g().call("demo.FlowGrad", "branchInLoop", x, w);
            Object r = g().call("demo.FlowGrad", "branchInLoopGrad", x0, w);
            assertEquals(central(f, x0), (double) Generated.get(r, "x"), 1e-5, "at " + x0);
            double[] gw = (double[]) Generated.get(r, "w");
            for (int k = 0; k < w.length; k++) {
                final int kk = k;
                DoubleUnaryOperator fw = wk -> {
                    double[] c = w.clone();
                    c[kk] = wk;
                    return (double) g().call("demo.FlowGrad", "branchInLoop", x0, c);
                };
                assertEquals(central(fw, w[k]), gw[k], 1e-5, "w" + k + " at " + x0);
            }
        }
    }

    @Test
    void theUntakenSideOfAConditionalPutsNoNanInTheGradient() {
        assertEquals(1.0, grad1("safeSqrt", 0), 0);
        assertEquals(0.5 / Math.sqrt(4), grad1("safeSqrt", 4), 1e-15);
    }

    @Test
    void doWhileCountersAndCallsInsideLoops() {
        for (double x : new double[] {-1, 0.4, 2.5}) {
            DoubleUnaryOperator d = v -> (double) g().call("demo.FlowGrad", "doLoop", v);
            assertEquals(central(d, x), grad1("doLoop", x), 1e-6);
            // y1 = x²/2, s = y1 + y1 + y1²/2: ds/dx = (2 + y1) · x
            double y1 = x * x / 2;
            assertEquals((2 + y1) * x, grad1("callsInLoop", x), 1e-12);
        }
    }

    @Test
    void floatLocalsAccumulateInDouble() {
        double[] xs = {1, 2.5, -4};
        Object r = g().call("demo.FlowGrad", "floatsGrad", 1.5f, xs);
        assertEquals(-0.5f, (float) Generated.get(r, "a"), 1e-6);
    }

    @Test
    void perSampleSgdReachesTheSlope() {
        double[] xs = {1, 2, 3};
        double[] ys = {2, 4, 6};
        double w = 0;
        for (int epoch = 0; epoch < 50; epoch++) {
            for (int i = 0; i < xs.length; i++) {
                Object r = g().call("demo.FlowGrad", "sgdLossGrad", w, xs[i], ys[i]);
                w -= 0.05 * (double) Generated.get(r, "w");
            }
        }
        assertEquals(2.0, w, 1e-9);
    }

    @Test
    void loopsGetANoteSayingWhatTheyKeepPerIteration() {
        String notes = g().compilation().notes().toString();
        // callsInLoop keeps the branch taken and the callee's argument (the backward pass calls
        // square again on it: CalleeReplayTest); ninth's inner loop the old t
        assertTrue(notes.contains("saves 1 double and 1 boolean per iteration"), notes);
        assertTrue(notes.contains("saves 1 double per iteration"), notes);
        assertTrue(notes.contains("saves nothing per iteration"), notes);
    }

    @Test
    void componentMethodsDestructureForKotlin() {
        Object r = g().call("demo.FlowGrad", "branchInLoopGrad", 0.2, new double[] {1, 2});
        assertEquals(Generated.get(r, "value"), Generated.get(r, "component1"));
        assertEquals(Generated.get(r, "x"), Generated.get(r, "component2"));
        assertEquals(Generated.get(r, "w"), Generated.get(r, "component3"));
    }

    @Test
    void gradOfANonScalarTensorNamesTheShape() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> g().call("demo.FlowGrad", "growGrad", Tensor.of(1.0, 2.0, 3.0)));
        assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains("growGrad") && e.getCause().getMessage().contains("[3]"),
                e.getCause().getMessage());
    }
}
