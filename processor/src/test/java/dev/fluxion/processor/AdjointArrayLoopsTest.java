package dev.fluxion.processor;

import static dev.fluxion.processor.GradientCheck.checkAgainstMethod;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code opt/AdjointArrayLoops}: in the backward pass, an adjoint element that {@code a[j] += e}
 * zeroes and adds back is left alone, and a loop adding to one adjoint element whose index the loop
 * does not change adds into a local, read before the loop and written back after it. Every gradient
 * is checked against float64 central differences, including the shapes the rewrite must not touch
 * (the element read again in the loop, the add inside a branch, a loop that runs no trip with an
 * index out of range), and the generated source for the rewrites.
 */
class AdjointArrayLoopsTest {
    static final String METHODS = """
            /** GradBench's gmm: Q times the centred point, the strict lower part column by column. */
            @Differentiable
            static double triangular(double[] l, double[] mu, @NoGrad double[] x, @NoGrad int d) {
                double[] xc = new double[d];
                double[] qx = new double[d];
                double s = 0;
                for (int rep = 0; rep < 2; rep++) {
                    for (int j = 0; j < d; j++) {
                        xc[j] = x[j] - mu[j] * (rep + 1);
                        qx[j] = Math.exp(mu[j]) * xc[j];
                    }
                    int li = 0;
                    for (int i = 0; i < d; i++) {
                        for (int j = i + 1; j < d; j++) {
                            qx[j] += l[li] * xc[i];
                            li++;
                        }
                    }
                    for (int j = 0; j < d; j++) {
                        s += qx[j] * qx[j];
                    }
                }
                return s;
            }

            /** The element read again in the loop, and an add inside a branch: not rewritten, still right. */
            @Differentiable
            static double readAgain(double[] w, @NoGrad int d) {
                double[] a = new double[d];
                double s = 0;
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        a[i] += w[j] * w[i];
                        a[i] = a[i] * 0.5 + a[i] * w[j];
                        if (w[j] > 0) {
                            s += w[i] * w[j];
                        }
                    }
                    s += a[i];
                }
                return s;
            }

            /** A loop that runs no trip while its adjoint index is out of range (i = w.length). */
            @Differentiable
            static double emptyTail(double[] w, double[] v, @NoGrad int from) {
                double s = 0;
                for (int i = 0; i < w.length; i++) {
                    s += w[i] * w[i];
                }
                for (int i = from; i <= w.length; i++) {
                    for (int j = i; j < v.length; j++) {
                        s += w[i] * v[j];
                    }
                }
                return s;
            }
            """;

    static Generated g;
    static String source;

    @BeforeAll
    static void compile() {
        g = GradientCheck.compile(METHODS);
        source = g.source("demo.RGrad");
    }

    @Test
    void gmmsTriangularProductAddsInALocalAndLeavesThePassedThroughAdjoint() {
        for (int d = 0; d <= 4; d++) {
            double[] l = {0.5, -0.4, 0.3, 0.2, 0.1, 0.7};
            double[] mu = {0.1, -0.2, 0.3, 0.05};
            double[] x = {1.0, -2.0, 0.5, 1.5};
            checkAgainstMethod(g, "triangular", "l,mu,null,null", l, mu, x, d);
        }
        String backward = backwardOf("Triangular");
        assertTrue(backward.contains("double xc_adj_sum = xc_adj["), backward);
        assertTrue(backward.contains("xc_adj_sum += "), backward);
        assertTrue(backward.contains("xc_adj[i_] = xc_adj_sum;"), backward);
        assertFalse(Pattern.compile("qx_adj\\[j\\w*] = 0\\.0;\\s+double \\w+ = \\w+;\\s+double \\w+ = \\w+;")
                .matcher(backward).find(), backward);
    }

    @Test
    void anElementReadAgainOrAddedInABranchKeepsItsStores() {
        checkAgainstMethod(g, "readAgain", "w,null", new double[] {0.3, -1.2, 2.0, 0.7}, 4);
        checkAgainstMethod(g, "readAgain", "w,null", new double[] {-0.5, 0.25}, 2);
    }

    @Test
    void aLoopWithNoTripNeverReadsItsAdjointElement() {
        double[] w = {0.3, -1.2, 2.0};
        double[] v = {0.7, -0.1, 0.4};
        // i = w.length runs the inner loop zero times (j = 3 = v.length): w_adj[3] is never touched.
        checkAgainstMethod(g, "emptyTail", "w,v,null", w, v, 3);
        checkAgainstMethod(g, "emptyTail", "w,v,null", w, new double[] {0.7, -0.1, 0.4}, 1);
    }

    /** The pullback's backward method for the method whose class name starts with {@code cls}. */
    private static String backwardOf(String cls) {
        Matcher m = Pattern.compile("public " + cls + "Gradient backward\\(").matcher(source);
        assertTrue(m.find(), "no " + cls + " backward\n" + source);
        int end = source.indexOf("\n        }\n", m.end());
        return source.substring(m.start(), end);
    }
}
