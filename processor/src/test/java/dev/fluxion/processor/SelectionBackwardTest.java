package dev.fluxion.processor;

import static dev.fluxion.processor.GradientCheck.checkAgainstMethod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backward passes of code that selects one of many values (issue 13, GradBench kmeans and lse):
 * a running {@code Math.max}/{@code Math.min} saves its old value only where a record replaced it
 * ({@code AssignReversal.runningExtreme}), and a backward loop whose cotangents are all zero on
 * entry is skipped ({@code ZeroCotangentLoops}). Gradients against float64 central differences
 * and closed forms (ties, NaN), and the generated source for the saves and the guard.
 */
class SelectionBackwardTest {
    static final String METHODS = """
            /** GradBench's kmeans cost: the nearest centroid's squared distance, summed over points. */
            @Differentiable
            static double nearest(@NoGrad double[] points, double[] centroids, @NoGrad int d) {
                int n = points.length / d;
                int k = centroids.length / d;
                double cost = 0;
                for (int i = 0; i < n; i++) {
                    double closest = Double.POSITIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        double dist = 0;
                        for (int l = 0; l < d; l++) {
                            double diff = points[i * d + l] - centroids[j * d + l];
                            dist += diff * diff;
                        }
                        closest = Math.min(closest, dist);
                    }
                    cost += closest;
                }
                return cost;
            }

            /** A running maximum, its value used twice. */
            @Differentiable
            static double runningMax(double[] x) {
                double a = x[0];
                for (int i = 1; i < x.length; i++) {
                    a = Math.max(x[i], a);
                }
                return a * a + a;
            }

            /** GradBench's lse. */
            @Differentiable
            static double logsumexp(double[] x) {
                double a = x[0];
                for (int i = 1; i < x.length; i++) {
                    a = Math.max(a, x[i]);
                }
                double s = 0;
                for (int i = 0; i < x.length; i++) {
                    s += Math.exp(x[i] - a);
                }
                return Math.log(s) + a;
            }

            /** A skipped loop's counter read after it: the backward pass steps it at once. */
            @Differentiable
            static double counterAfterSkippedLoop(double[] w, @NoGrad int n, @NoGrad int d) {
                double best = Double.POSITIVE_INFINITY;
                double s = 0;
                int l = 0;
                for (int r = 0; r < n; r++) {
                    double dist = 0;
                    l = 0;
                    while (l < d) {
                        dist += Math.sin(w[r * d + l]) * w[r * d + l];
                        l++;
                    }
                    s += w[r * d + l - 1] * w[0];
                    best = Math.min(best, dist);
                }
                return best + s;
            }
            """;

    static Generated g;
    static String source;

    @BeforeAll
    static void compile() {
        g = GradientCheck.compile(METHODS);
        source = g.source("demo.RGrad");
    }

    /**
     * Regression: with the running minimum saved only where a record replaced it, the backward
     * pass reads {@code closest}'s new value, which the reset {@code closest = +∞} of the next
     * point had left unsaved: the compile-time verifier caught a zero gradient on GradBench's kmeans
     * ({@code ToBeRecorded} now counts that read, so the reset saves it).
     */
    @Test
    void aRunningMinimumResetForEachPointRestoresTheValueItsTestReads() {
        Random r = new Random(7);
        for (int trial = 0; trial < 4; trial++) {
            int d = 1 + trial, k = 2 + trial, n = 3 + 2 * trial;
            double[] points = new double[n * d];
            double[] centroids = new double[k * d];
            for (int i = 0; i < points.length; i++) {
                points[i] = r.nextGaussian() * 2;
            }
            for (int i = 0; i < centroids.length; i++) {
                centroids[i] = r.nextGaussian() * 2;
            }
            checkAgainstMethod(g, "nearest", "null,centroids,null", points, centroids, d);
        }
        String vjp = forwardOf("nearest");
        assertTrue(vjp.contains("if (closest == dist || closest != closest) {"), vjp);
        String backward = backwardOf("Nearest");
        // The distance loop of a centroid that is not the nearest has a zero cotangent: skipped.
        assertTrue(backward.contains("if (dist_adj != 0.0"), backward);
    }

    @Test
    void aRunningMaximumMatchesCentralDifferencesAndSplitsTies() {
        checkAgainstMethod(g, "runningMax", "x", (Object) new double[] {0.3, 2.5, -1.0, 1.7, 2.9, 0.1});
        checkAgainstMethod(g, "logsumexp", "x", (Object) new double[] {0.3, 2.5, -1.0, 1.7, 2.9, 0.1});
        checkAgainstMethod(g, "logsumexp", "x", (Object) new double[] {5.0, 4.0, 3.0, -2.0});
        // a = 3 at x[1], tied by x[2]: Math.max's rule gives each half of d(a² + a)/da = 7.
        double[] tied = gradient("runningMax", new double[] {1, 3, 3, 2});
        assertArrayEquals(new double[] {0, 3.5, 3.5, 0}, tied, 0);
        double[] first = gradient("runningMax", new double[] {4, 3, 3, 2});
        assertArrayEquals(new double[] {9, 0, 0, 0}, first, 0);
        assertTrue(!forwardOf("runningMax").contains("doubles.push(a);"), forwardOf("runningMax"));
    }

    /** A NaN makes every later value NaN: each of those trips pushed the old value, and pops it. */
    @Test
    void aRunningMaximumThroughNaNPopsWhatItPushed() {
        double[] grad = gradient("runningMax", new double[] {1, Double.NaN, 2, 0.5});
        for (double v : grad) {
            assertEquals(0.0, v, 0.0);
        }
    }

    @Test
    void aCounterSteppedPastASkippedLoopIsWhereTheLoopWouldLeaveIt() {
        double[] w = {0.3, -1.2, 2.0, 0.7, -0.1, 1.4, 0.9, -0.8, 0.45};
        checkAgainstMethod(g, "counterAfterSkippedLoop", "w,null,null", w, 3, 3);
        checkAgainstMethod(g, "counterAfterSkippedLoop", "w,null,null", w, 4, 2);
        checkAgainstMethod(g, "counterAfterSkippedLoop", "w,null,null", w, 1, 9);
    }

    private static double[] gradient(String name, double[] x) {
        Object grad = g.call("demo.RGrad", name + "Grad", new Object[] {x});
        return (double[]) Generated.get(grad, "x");
    }

    /** The forward pass that saves the tapes: {@code nameVjp}'s body. */
    private static String forwardOf(String name) {
        Matcher m = Pattern.compile("private static \\w+Pullback " + name + "Vjp\\(").matcher(source);
        assertTrue(m.find(), "no " + name + "Vjp");
        return source.substring(m.start(), source.indexOf("\n    }\n", m.end()));
    }

    /** The pullback's backward method of {@code Name}. */
    private static String backwardOf(String name) {
        int at = source.indexOf("public " + name + "Gradient backward(");
        assertTrue(at >= 0, "no backward of " + name);
        return source.substring(at, source.indexOf("\n        }\n", at));
    }
}
