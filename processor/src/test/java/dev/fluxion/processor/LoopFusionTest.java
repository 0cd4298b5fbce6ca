package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code fGrad} in one pass (the last loop's forward and backward fused) where that is provably
 * the two passes' result, and two passes where it is not: both agree with the pullback, with
 * float64 central differences, and pullbacks that read a tape run backward any number of times.
 */
class LoopFusionTest {
    static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Fuse {
                @Differentiable
                static double meanSquare(double[] x) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        s += x[i] * x[i];
                    }
                    return s / x.length;
                }

                @Differentiable
                static double weighted(double w, double[] x) {
                    double s = 0;
                    double q = 1;
                    for (int i = 0; i < x.length; i++) {
                        double t = Math.sin(w * x[i]);
                        s += t;
                        q -= t * x[i];
                    }
                    return 2 * s + q;
                }

                @Differentiable
                static double twoLoops(double[] x) {
                    double c = 0;
                    for (int i = 0; i < x.length; i++) {
                        c += x[i];
                    }
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        s += c * x[i] * x[i];
                    }
                    return s;
                }

                /** s is scaled each trip: its cotangent changes, so two passes. */
                @Differentiable
                static double decay(double[] x) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        s = s * 0.5 + x[i] * x[i];
                    }
                    return s;
                }

                /** s is read inside the loop: two passes. */
                @Differentiable
                static double compound(double[] x) {
                    double s = 1;
                    for (int i = 0; i < x.length; i++) {
                        s += s * x[i];
                    }
                    return s;
                }

                /** The tail reads s, known only after the loop: two passes. */
                @Differentiable
                static double squaredSum(double[] x) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        s += x[i];
                    }
                    return s * s;
                }

                /** A branch inside the loop is taped: two passes. */
                @Differentiable
                static double hinge(double[] x, @NoGrad double m) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        if (x[i] > m) {
                            s += x[i] - m;
                        }
                    }
                    return s;
                }
            }
            """;

    private static Generated generated;

    private static synchronized Generated g() {
        if (generated == null) {
            generated = Generated.compile("demo.Fuse", SOURCE);
        }
        return generated;
    }

    private static final double[] X = {0.3, -1.2, 2.0, 0.7, -0.4, 1.1};

    private static Object[] args(String method, double[] x) {
        return switch (method) {
            case "weighted" -> new Object[] {0.8, x};
            case "hinge" -> new Object[] {x, 0.5};
            default -> new Object[] {x};
        };
    }

    private static double value(String method, double[] x) {
        return (double) g().call("demo.FuseGrad", method, args(method, x));
    }

    /** Whether {@code fGrad}'s body runs the pullback (two passes) rather than one fused pass. */
    private static boolean usesPullback(String method) {
        String src = g().source("demo.FuseGrad");
        Matcher m = Pattern.compile("public static \\w+ " + method + "Grad\\((?s:.*?)\\n    }").matcher(src);
        assertTrue(m.find(), method);
        return m.group().contains(method + "Vjp(");
    }

    private static void agreesWithPullbackAndCentralDifferences(String method) {
        Object fused = g().call("demo.FuseGrad", method + "Grad", args(method, X.clone()));
        Object pullback = g().call("demo.FuseGrad", method + "Vjp", args(method, X.clone()));
        Object twoPass = Generated.invoke(pullback, "backward", 1.0);
        double[] gx = (double[]) Generated.get(fused, "x");
        assertArrayEquals((double[]) Generated.get(twoPass, "x"), gx, 1e-12, method);
        assertEquals(value(method, X), (double) Generated.get(fused, "value"), 1e-12, method);
        for (int k = 0; k < X.length; k++) {
            final int kk = k;
            ToDoubleFunction<Double> f = v -> {
                double[] c = X.clone();
                c[kk] = v;
                return value(method, c);
            };
            double h = 1e-6;
            double central = (f.applyAsDouble(X[k] + h) - f.applyAsDouble(X[k] - h)) / (2 * h);
            assertEquals(central, gx[k], 1e-6 * Math.max(1, Math.abs(central)), method + " x" + k);
        }
    }

    @Test
    void accumulatingLoopsRunInOnePass() {
        for (String m : new String[] {"meanSquare", "weighted", "twoLoops"}) {
            assertFalse(usesPullback(m), m + " should be fused");
            agreesWithPullbackAndCentralDifferences(m);
        }
        // mean of squares: d/dx_i = 2 x_i / n
        double[] gx = (double[]) Generated.get(g().call("demo.FuseGrad", "meanSquareGrad", (Object) X.clone()), "x");
        for (int i = 0; i < X.length; i++) {
            assertEquals(2 * X[i] / X.length, gx[i], 1e-15);
        }
    }

    @Test
    void aScalarParameterGetsItsGradientInThePass() {
        double w = 0.8;
        double h = 1e-6;
        ToDoubleFunction<Double> f = v -> (double) g().call("demo.FuseGrad", "weighted", v, X);
        double central = (f.applyAsDouble(w + h) - f.applyAsDouble(w - h)) / (2 * h);
        Object r = g().call("demo.FuseGrad", "weightedGrad", w, X);
        assertEquals(central, (double) Generated.get(r, "w"), 1e-6);
    }

    @Test
    void loopsWhoseCotangentsChangeKeepTwoPasses() {
        for (String m : new String[] {"decay", "compound", "squaredSum", "hinge"}) {
            assertTrue(usesPullback(m), m + " must not be fused");
            agreesWithPullbackAndCentralDifferences(m);
        }
    }

    @Test
    void aTapedPullbackRunsBackwardTwiceWithTheSameGradients() {
        for (String m : new String[] {"decay", "compound", "hinge"}) {
            Object pullback = g().call("demo.FuseGrad", m + "Vjp", args(m, X.clone()));
            double[] first = (double[]) Generated.get(Generated.invoke(pullback, "backward", 1.0), "x");
            double[] second = (double[]) Generated.get(Generated.invoke(pullback, "backward", 1.0), "x");
            double[] doubled = (double[]) Generated.get(Generated.invoke(pullback, "backward", 2.0), "x");
            assertArrayEquals(first, second, 0, m);
            for (int i = 0; i < first.length; i++) {
                assertEquals(2 * first[i], doubled[i], 1e-12 * Math.max(1, Math.abs(first[i])), m);
            }
        }
        assertTrue(g().source("demo.FuseGrad").contains(".reader()"), "compound and hinge read a tape");
        // The compile-time verifier evaluated these backward passes (readers included) and agreed.
        assertEquals("[]", g().compilation().warnings().toString());
    }
}
