package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/**
 * Tapes: every primitive on a stack of its own type (long and float included, nothing boxed),
 * sized from the loop bound where that is known, and reused per thread by {@code fGrad} (never
 * by a pullback {@code fVjp} returns): repeated, interleaved, nested and concurrent calls all
 * give the gradients float64 central differences give.
 */
class TapeReuseTest {
    static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;

            class Rec {
                /** y <- sin(y) x_i + y: every old y is saved on a double tape. */
                @Differentiable
                static double recurrence(double[] x) {
                    double y = 1;
                    for (int i = 0; i < x.length; i++) {
                        y = Math.sin(y) * x[i] + y;
                    }
                    return y;
                }

                /** k is a long the backward pass reads after the next trip overwrote it. */
                @Differentiable
                static double withLong(double[] x) {
                    double s = 0;
                    long k = 3;
                    for (int i = 0; i < x.length; i++) {
                        double t = x[i] * k;
                        s = s * 0.5 + t * t;
                        k = k * 5 + 1;
                    }
                    return s;
                }

                /** y is a float overwritten each trip: saved as a float. */
                @Differentiable
                static float withFloat(float[] x) {
                    float y = 1f;
                    for (int i = 0; i < x.length; i++) {
                        y = y * x[i] + y * y * 0.25f;
                    }
                    return y;
                }

                /** Three steps of the recurrence from y with weight a: a tape of its own. */
                @Differentiable
                static double steps(double y, double a) {
                    for (int k = 0; k < 3; k++) {
                        y = Math.sin(y) * a + y;
                    }
                    return y;
                }

                /** Calls steps in a loop: its own tape holds steps' arguments, replayed backward. */
                @Differentiable
                static double nested(double[] x) {
                    double s = 0.5;
                    for (int i = 0; i < x.length; i++) {
                        s = steps(s, x[i]) * 0.9;
                    }
                    return s;
                }
            }
            """;

    private static Generated generated;

    private static synchronized Generated g() {
        if (generated == null) {
            generated = Generated.compile("demo.Rec", SOURCE);
        }
        return generated;
    }

    private static final double[] X = {0.3, -1.2, 2.0, 0.7, -0.4, 1.1, 0.05};
    private static final double[] X2 = {-0.6, 0.9, 0.2, -1.5, 0.8};

    private static double value(String method, double[] x) {
        return (double) g().call("demo.RecGrad", method, (Object) x);
    }

    private static double[] grad(String method, double[] x) {
        return (double[]) Generated.get(g().call("demo.RecGrad", method + "Grad", (Object) x.clone()), "x");
    }

    private static double[] central(String method, double[] x) {
        double[] out = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            final int kk = k;
            ToDoubleFunction<Double> f = v -> {
                double[] c = x.clone();
                c[kk] = v;
                return value(method, c);
            };
            double h = 1e-6;
            out[k] = (f.applyAsDouble(x[k] + h) - f.applyAsDouble(x[k] - h)) / (2 * h);
        }
        return out;
    }

    /**
     * withLong in closed form (its values reach 1e10, too large for central differences): with
     * k_0 = 3, k_{i+1} = 5 k_i + 1 and n trips, ∂s/∂x_i = 0.5^(n-1-i) · 2 x_i k_i²; the others
     * against central differences.
     */
    private static void assertCentral(String method, double[] x, double[] gx) {
        if (method.equals("withLong")) {
            long k = 3;
            for (int i = 0; i < x.length; i++) {
                double expected = Math.pow(0.5, x.length - 1 - i) * 2 * x[i] * (double) k * (double) k;
                assertEquals(expected, gx[i], 1e-12 * Math.abs(expected), "withLong x" + i);
                k = k * 5 + 1;
            }
            return;
        }
        double[] c = central(method, x);
        for (int k = 0; k < x.length; k++) {
            assertEquals(c[k], gx[k], 1e-6 * Math.max(1, Math.abs(c[k])), method + " x" + k);
        }
    }

    @Test
    void everyPrimitiveHasItsOwnStackSizedFromTheLoopBound() {
        String src = g().source("demo.RecGrad");
        assertTrue(src.contains("DoubleStack doubles = tapes.doubleStack(x.length * 2);"), src);
        assertTrue(src.contains("LongStack longs = tapes.longStack(x.length);"), src);
        assertTrue(src.contains("FloatStack floats = tapes.floatStack(x.length"), src);
        assertTrue(src.contains("DoubleStack doubles = tapes.doubleStack(3 * 2);"), src);
        // nested keeps steps' arguments, not its pullbacks: the backward pass calls stepsVjp again
        // on them (CalleeReplayTest), so no method keeps references
        assertFalse(src.contains("ObjectStack objects ="), src);
        assertTrue(src.contains("private static final TapePool RECURRENCE_TAPES = new TapePool();"), src);
        assertTrue(src.contains("return recurrenceVjp(x, Tapes.FRESH);"), src);
        assertTrue(src.contains("Tapes tapes = RECURRENCE_TAPES.acquire();"), src);
        // The verifier evaluated every forward pass (tape creation with a capacity, long and float
        // pushes and reads included) and agreed.
        assertEquals("[]", g().compilation().warnings().toString());
    }

    @Test
    void theLongAndFloatTapesGiveCentralDifferences() {
        assertCentral("withLong", X, grad("withLong", X));
        float[] xf = {0.3f, -1.2f, 0.9f, 0.7f, -0.4f};
        float[] gf = (float[]) Generated.get(g().call("demo.RecGrad", "withFloatGrad", (Object) xf.clone()), "x");
        // float arithmetic: central differences in float64 of the same float function, loosely
        for (int k = 0; k < xf.length; k++) {
            final int kk = k;
            ToDoubleFunction<Float> f = v -> {
                float[] c = xf.clone();
                c[kk] = v;
                return (float) g().call("demo.RecGrad", "withFloat", (Object) c);
            };
            float h = 1e-2f;
            double c = (f.applyAsDouble(xf[k] + h) - f.applyAsDouble(xf[k] - h)) / (2 * h);
            assertEquals(c, gf[k], 2e-3 * Math.max(1, Math.abs(c)), "withFloat x" + k);
        }
    }

    @Test
    void fGradTwiceInARowGivesTheSameCorrectGradients() {
        for (String m : new String[] {"recurrence", "withLong", "nested"}) {
            double[] first = grad(m, X);
            double[] second = grad(m, X);
            assertArrayEquals(first, second, 0, m);
            assertCentral(m, X, first);
            // a shorter input next: the reused tape holds nothing of the longer call
            assertCentral(m, X2, grad(m, X2));
            assertArrayEquals(first, grad(m, X), 0, m);
        }
    }

    @Test
    void aPullbackKeepsItsTapesWhileFGradReusesItsOwn() {
        for (String m : new String[] {"recurrence", "withLong", "nested"}) {
            Object pullback = g().call("demo.RecGrad", m + "Vjp", (Object) X.clone());
            double[] x2 = grad(m, X2);
            double[] before = (double[]) Generated.get(Generated.invoke(pullback, "backward", 1.0), "x");
            double[] again = grad(m, X2);
            double[] twice = (double[]) Generated.get(Generated.invoke(pullback, "backward", 2.0), "x");
            assertCentral(m, X, before);
            assertArrayEquals(x2, again, 0, m);
            assertCentral(m, X2, x2);
            for (int i = 0; i < X.length; i++) {
                assertEquals(2 * before[i], twice[i], 1e-12 * Math.max(1, Math.abs(before[i])), m);
            }
        }
    }

    @Test
    void threadsCallingTheSameFGradGetTheirOwnGradients() throws Exception {
        double[][] inputs = new double[4][];
        double[][] expected = new double[4][];
        for (int t = 0; t < 4; t++) {
            inputs[t] = new double[200 + 37 * t];
            for (int i = 0; i < inputs[t].length; i++) {
                inputs[t][i] = 0.3 * Math.sin(0.7 * i + t);
            }
            expected[t] = grad("recurrence", inputs[t]);
        }
        assertCentral("recurrence", inputs[1], expected[1]);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int tt = t;
                Callable<Boolean> job = () -> {
                    for (int r = 0; r < 300; r++) {
                        int which = (tt + r) % 4;
                        double[] got = grad(r % 3 == 0 ? "nested" : "recurrence", inputs[which]);
                        if (r % 3 != 0 && !java.util.Arrays.equals(got, expected[which])) {
                            return false;
                        }
                    }
                    return true;
                };
                results.add(pool.submit(job));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get(), "a thread got another call's gradient");
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void theStrictVerifierChecksTheTapedPasses() {
        Compilation c = Generated.javac().withOptions("--add-modules=jdk.incubator.vector", "-Xlint:-incubating",
                "-Afluxion.verify=strict").compile(JavaFileObjects.forSourceString("demo.Rec", SOURCE));
        assertThat(c).succeeded();
        assertTrue(c.diagnostics().stream().noneMatch(d -> d.getKind() == Diagnostic.Kind.NOTE
                && d.getMessage(null).contains("not verified")), c.diagnostics().toString());
    }
}
